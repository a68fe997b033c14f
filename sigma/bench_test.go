package sigma

import (
	"bufio"
	"compress/gzip"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/valyala/fastjson"
)

// windowsDev is the flat Windows event file of issue 3's speed figure.
const windowsDev = "../../shared/data/events/windows-dev.ndjson.gz"

// sampleLines is how many lines the scan benchmarks use: every fifth line of
// the file (101,320 lines), so the sample keeps the file's mix of channels
// and event ids.
const sampleLines = 20000

var benchSample struct {
	once  sync.Once
	lines [][]byte
	bytes int64
	err   error
}

func loadSample(b testing.TB) ([][]byte, int64) {
	s := &benchSample
	s.once.Do(func() { s.lines, s.bytes, s.err = readGzipLines(windowsDev, 5, sampleLines) })
	if s.err != nil || len(s.lines) == 0 {
		b.Skipf("windows-dev sample not available: %v", s.err)
	}
	return s.lines, s.bytes
}

// readGzipLines returns every nth line of the gzip file at path, at most
// limit of them (0: no limit), and their total size.
func readGzipLines(path string, nth, limit int) ([][]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, 0, err
	}
	var lines [][]byte
	var size int64
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 0; sc.Scan() && (limit == 0 || len(lines) < limit); n++ {
		if n%nth == 0 {
			line := append([]byte(nil), sc.Bytes()...)
			lines, size = append(lines, line), size+int64(len(line))
		}
	}
	return lines, size, sc.Err()
}

var benchSet struct {
	once sync.Once
	rs   *Ruleset
	heap uint64
}

// fullRuleset compiles the whole SigmaHQ corpus once per test binary and
// records the heap the compiled set holds (HeapAlloc after compile and GC,
// minus before; the parsed rules are allocated before and not counted).
func fullRuleset(b testing.TB) (*Ruleset, uint64) {
	if _, err := os.Stat(sigmaData); err != nil {
		b.Skip("corpus not available")
	}
	s := &benchSet
	s.once.Do(func() { s.rs, s.heap = compileCorpus(b) })
	return s.rs, s.heap
}

// compileCorpus parses and compiles the whole SigmaHQ corpus and returns
// the set and the heap it holds.
func compileCorpus(b testing.TB) (*Ruleset, uint64) {
	var rules []*Rule
	for _, dir := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder"} {
		docs, _ := ParseFS(os.DirFS(sigmaData), dir)
		rules = append(rules, docs.Rules...)
	}
	cfg := Config{Pipeline: WindowsPipeline(), Placeholders: loadPlaceholders(b)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rs, errs := Compile(rules, cfg)
	if len(errs) > 0 {
		b.Fatalf("compile: %d errors, first: %v", len(errs), errs[0])
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(rules)
	return rs, after.HeapAlloc - before.HeapAlloc
}

// jsonEvent is the benchmarks' tiny Event over a fastjson parse: objects are
// flattened to dotted keys and arrays to repeated keys; strings point into
// the parser's memory (valid until the next parse).
type jsonEvent struct {
	p      fastjson.Parser
	keys   []string
	vals   []string
	numBuf []byte
}

func (e *jsonEvent) parse(line []byte) error {
	v, err := e.p.ParseBytes(line)
	if err != nil {
		return err
	}
	e.keys, e.vals, e.numBuf = e.keys[:0], e.vals[:0], e.numBuf[:0]
	e.flatten("", v)
	return nil
}

func (e *jsonEvent) flatten(key string, v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, c *fastjson.Value) {
			name := bstr(k)
			if key != "" {
				name = key + "." + name // nested objects are rare in this file
			}
			e.flatten(name, c)
		})
	case fastjson.TypeArray:
		for _, c := range v.GetArray() {
			e.flatten(key, c)
		}
	case fastjson.TypeString:
		e.keys, e.vals = append(e.keys, key), append(e.vals, bstr(v.GetStringBytes()))
	case fastjson.TypeNull:
		e.keys, e.vals = append(e.keys, key), append(e.vals, "")
	case fastjson.TypeTrue:
		e.keys, e.vals = append(e.keys, key), append(e.vals, "true")
	case fastjson.TypeFalse:
		e.keys, e.vals = append(e.keys, key), append(e.vals, "false")
	default: // number: its JSON spelling, kept in numBuf
		if cap(e.numBuf) == 0 {
			e.numBuf = make([]byte, 0, 1<<16)
		}
		n := len(e.numBuf)
		buf := v.MarshalTo(e.numBuf)
		var s string
		if cap(buf) == cap(e.numBuf) {
			e.numBuf, s = buf, bstr(buf[n:])
		} else {
			s = string(buf[n:]) // numBuf is full (never for this file)
		}
		e.keys, e.vals = append(e.keys, key), append(e.vals, s)
	}
}

// Field implements Event: the first value of name.
func (e *jsonEvent) Field(name string) (string, bool) {
	for i, k := range e.keys {
		if k == name {
			return e.vals[i], true
		}
	}
	return "", false
}

// RangeFields implements FieldRanger.
func (e *jsonEvent) RangeFields(fn func(name, value string)) {
	for i, k := range e.keys {
		fn(k, e.vals[i])
	}
}

// Keywords implements Event.
func (e *jsonEvent) Keywords(fn func(string) bool) bool {
	for _, v := range e.vals {
		if fn(v) {
			return true
		}
	}
	return false
}

func reportRate(b *testing.B, events int, bytes int64) {
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(events)/secs, "events/s")
	b.ReportMetric(float64(bytes)/secs/1e6, "MB/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkParseOnly is issue 3's reference pass: fastjson parses every
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

// BenchmarkScanWindowsDev is issue 3's speed figure: raw JSON lines in
// (read by JSONEvent, which unescapes only the values the matcher reads),
// every event matched against the full compiled SigmaHQ corpus on one
// goroutine, matches counted. It also reports the heap held by the compiled
// set (ruleset-MB).
func BenchmarkScanWindowsDev(b *testing.B) {
	lines, size := loadSample(b)
	rs, heap := fullRuleset(b)
	ev := NewJSONEvent()
	benchScan(b, lines, size, rs, heap, ev, ev.Reset)
}

// BenchmarkScanWindowsDevFastjson is BenchmarkScanWindowsDev with the
// previous adapter: fastjson parses the line and rawEvent walks the parsed
// tree, decoding only the fields the ruleset uses.
func BenchmarkScanWindowsDevFastjson(b *testing.B) {
	lines, size := loadSample(b)
	rs, heap := fullRuleset(b)
	ev := &rawEvent{uses: rs.Uses}
	benchScan(b, lines, size, rs, heap, ev, ev.parse)
}

// BenchmarkScanWindowsDevFlat is BenchmarkScanWindowsDev with the eager
// adapter (jsonEvent flattens and unescapes every field of every line).
func BenchmarkScanWindowsDevFlat(b *testing.B) {
	lines, size := loadSample(b)
	rs, heap := fullRuleset(b)
	ev := new(jsonEvent)
	benchScan(b, lines, size, rs, heap, ev, ev.parse)
}

func benchScan(b *testing.B, lines [][]byte, size int64, rs *Ruleset, heap uint64, ev Event, parse func([]byte) error) {
	m := rs.NewMatcher()
	matches := 0
	fn := func(*Rule) { matches++ }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		matches = 0
		for _, l := range lines {
			if err := parse(l); err != nil {
				b.Fatal(err)
			}
			m.Match(ev, fn)
		}
	}
	reportRate(b, b.N*len(lines), int64(b.N)*size)
	b.ReportMetric(float64(matches), "matches")
	b.ReportMetric(float64(heap)/(1<<20), "ruleset-MB")
	b.ReportMetric(float64(rs.Len()), "rules")
}

// BenchmarkParseFlatten is the adapter's share of BenchmarkScanWindowsDev:
// fastjson parses every line and jsonEvent flattens it (which makes
// fastjson unescape every string), with no matching.
func BenchmarkParseFlatten(b *testing.B) {
	lines, size := loadSample(b)
	ev := new(jsonEvent)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			if err := ev.parse(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRate(b, b.N*len(lines), int64(b.N)*size)
}

// flatEvent is a pre-flattened event: the engine-only benchmark matches
// these so that neither JSON parsing nor flattening is timed.
type flatEvent struct{ keys, vals []string }

func (e *flatEvent) Field(name string) (string, bool) {
	for i, k := range e.keys {
		if k == name {
			return e.vals[i], true
		}
	}
	return "", false
}

func (e *flatEvent) RangeFields(fn func(name, value string)) {
	for i, k := range e.keys {
		fn(k, e.vals[i])
	}
}

func (e *flatEvent) Keywords(fn func(string) bool) bool {
	for _, v := range e.vals {
		if fn(v) {
			return true
		}
	}
	return false
}

// BenchmarkMatchOnly is the engine's own figure: the sample is parsed and
// flattened (into copies) before the timer starts, and only Matcher.Match
// runs, so B/op and allocs/op are the engine's alone.
func BenchmarkMatchOnly(b *testing.B) {
	lines, _ := loadSample(b)
	rs, _ := fullRuleset(b)
	evs := flattenSample(b, lines)
	m := rs.NewMatcher()
	matches := 0
	fn := func(*Rule) { matches++ }
	for j := range evs { // warm the matcher's buffers
		m.Match(&evs[j], fn)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		matches = 0
		for j := range evs {
			m.Match(&evs[j], fn)
		}
	}
	b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(matches), "matches")
}

// flattenSample parses and flattens every line into copies.
func flattenSample(b testing.TB, lines [][]byte) []flatEvent {
	evs := make([]flatEvent, len(lines))
	jev := new(jsonEvent)
	for i, l := range lines {
		if err := jev.parse(l); err != nil {
			b.Fatal(err)
		}
		for j, k := range jev.keys {
			evs[i].keys = append(evs[i].keys, string([]byte(k)))
			evs[i].vals = append(evs[i].vals, string([]byte(jev.vals[j])))
		}
	}
	return evs
}
