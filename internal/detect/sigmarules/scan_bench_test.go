package sigmarules

import (
	"bufio"
	"compress/gzip"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// windowsDev is the flat Windows event sample of issue 3's speed figure.
const windowsDev = "../../../../shared/data/events/windows-dev.ndjson.gz"

// sampleLines is how many lines the scan benchmarks use: every fifth line of
// the file (101,320 lines), so that the sample has the file's mix of
// channels and event ids.
const sampleLines = 20000

var scanData struct {
	once  sync.Once
	lines [][]byte
	bytes int64
	err   error
}

func loadSample(b *testing.B) ([][]byte, int64) {
	scanData.once.Do(func() {
		f, err := os.Open(windowsDev)
		if err != nil {
			scanData.err = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			scanData.err = err
			return
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 0; sc.Scan() && len(scanData.lines) < sampleLines; n++ {
			if n%5 == 0 {
				line := append([]byte(nil), sc.Bytes()...)
				scanData.lines = append(scanData.lines, line)
				scanData.bytes += int64(len(line))
			}
		}
		scanData.err = sc.Err()
	})
	if scanData.err != nil || len(scanData.lines) == 0 {
		b.Skipf("windows-dev sample not available: %v", scanData.err)
	}
	return scanData.lines, scanData.bytes
}

// loadCorpus parses the full SigmaHQ corpus (all four rule directories, with
// the placeholder configuration).
func loadCorpus(tb testing.TB) []*sigma.Rule {
	if _, err := os.Stat(sigmaData); err != nil {
		tb.Skip("SigmaHQ data not available")
	}
	var rules []*sigma.Rule
	for _, dir := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder"} {
		docs, _ := sigma.ParseFS(os.DirFS(sigmaData), dir)
		rules = append(rules, docs.Rules...)
	}
	return rules
}

func compileCorpus(tb testing.TB, rules []*sigma.Rule) *sigma.Ruleset {
	phData, err := os.ReadFile("../../../sigma/testdata/placeholders.yml")
	if err != nil {
		tb.Fatal(err)
	}
	ph, err := sigma.ParsePlaceholders(phData, "placeholders.yml")
	if err != nil {
		tb.Fatal(err)
	}
	rs, errs := sigma.Compile(rules, sigma.Config{Pipeline: sigma.WindowsPipeline(), Placeholders: ph})
	if len(errs) > 0 {
		tb.Fatalf("compile: %d errors, first %v", len(errs), errs[0])
	}
	return rs
}

var fullSet struct {
	once sync.Once
	rs   *sigma.Ruleset
	heap uint64 // HeapAlloc growth from compiling, after GC
}

// fullRuleset compiles the corpus once per test binary and records the heap
// the compiled set holds (parsed rules excluded).
func fullRuleset(b *testing.B) (*sigma.Ruleset, uint64) {
	rules := loadCorpus(b)
	fullSet.once.Do(func() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		fullSet.rs = compileCorpus(b, rules)
		runtime.GC()
		runtime.ReadMemStats(&after)
		fullSet.heap = after.HeapAlloc - before.HeapAlloc
	})
	return fullSet.rs, fullSet.heap
}

func reportRate(b *testing.B, events int, bytes int64) {
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(events)/secs, "events/s")
	b.ReportMetric(float64(bytes)/secs/1e6, "MB/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkParseOnly is the reference pass of issue 3: fastjson parses every
// sample line and nothing else.
func BenchmarkParseOnly(b *testing.B) {
	lines, size := loadSample(b)
	var p fastjson.Parser
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			if _, err := p.ParseBytes(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRate(b, b.N*len(lines), int64(b.N)*size)
}

// BenchmarkDecodeOnly decodes every sample line into an event.Event with
// Vigil's flat Windows decoder (no matching).
func BenchmarkDecodeOnly(b *testing.B) {
	lines, size := loadSample(b)
	set := decode.NewSet()
	var ev event.Event
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			if err := set.Decode(event.FormatWinFlat, l, &ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRate(b, b.N*len(lines), int64(b.N)*size)
}

// BenchmarkScanWindowsDev is issue 3's speed figure: raw JSON lines in,
// decoded by Vigil's flat Windows decoder, matched against the full compiled
// SigmaHQ corpus on one goroutine, matches counted. It also reports the heap
// held by the compiled ruleset (ruleset-MB).
func BenchmarkScanWindowsDev(b *testing.B) {
	lines, size := loadSample(b)
	rs, heap := fullRuleset(b)
	set := decode.NewSet()
	m := rs.NewMatcher()
	var ev event.Event
	matches := 0
	fn := func(*sigma.Rule) { matches++ }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		matches = 0
		for _, l := range lines {
			if err := set.Decode(event.FormatWinFlat, l, &ev); err != nil {
				b.Fatal(err)
			}
			m.Match(Wrap(&ev), fn)
		}
	}
	reportRate(b, b.N*len(lines), int64(b.N)*size)
	b.ReportMetric(float64(matches), "matches")
	b.ReportMetric(float64(heap)/(1<<20), "ruleset-MB")
	b.ReportMetric(float64(rs.Len()), "rules")
}

// BenchmarkMatchWindowsDev isolates the engine: the sample is decoded once
// before timing and only matching is measured.
func BenchmarkMatchWindowsDev(b *testing.B) {
	lines, _ := loadSample(b)
	rs, _ := fullRuleset(b)
	set := decode.NewSet()
	evs := make([]event.Event, len(lines))
	for i, l := range lines {
		if err := set.Decode(event.FormatWinFlat, l, &evs[i]); err != nil {
			b.Fatal(err)
		}
	}
	m := rs.NewMatcher()
	matches := 0
	fn := func(*sigma.Rule) { matches++ }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		matches = 0
		for j := range evs {
			m.Match(Wrap(&evs[j]), fn)
		}
	}
	b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(matches), "matches")
}
