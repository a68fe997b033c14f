package sigma

import (
	"sync"
	"testing"

	"github.com/valyala/fastjson"
)

var wholeFile struct {
	once  sync.Once
	lines [][]byte
	err   error
}

// loadWholeFile reads every line of windows-dev.ndjson.gz (101,320 events,
// 297 MB) into memory once per test binary.
func loadWholeFile(b testing.TB) [][]byte {
	w := &wholeFile
	w.once.Do(func() { w.lines, _, w.err = readGzipLines(windowsDev, 1, 0) })
	if w.err != nil || len(w.lines) == 0 {
		b.Skipf("windows-dev.ndjson.gz not available: %v", w.err)
	}
	return w.lines
}

// BenchmarkIssue3File is issue 3's speed figure as the issue states it:
// one pass over the whole file, raw JSON in and matches out, against a
// fastjson parse-only pass over the same lines, interleaved in one run.
// Each scan pass starts with a new Matcher, so its memos begin empty as in
// a real run and nothing is remembered from a previous pass (the sample
// benchmarks repeat 20,000 events, which favours the memos).
func BenchmarkIssue3File(b *testing.B) {
	lines := loadWholeFile(b)
	rs, _ := fullRuleset(b)
	var p fastjson.Parser
	js := NewJSONEvent()
	matches := 0
	benchAB(b, len(lines),
		abPass{"parseonly", func() {
			for _, l := range lines {
				if _, err := p.ParseBytes(l); err != nil {
					b.Fatal(err)
				}
			}
		}},
		abPass{"scan", func() {
			m := rs.NewMatcher()
			matches = 0
			for _, l := range lines {
				if err := js.Reset(l); err != nil {
					b.Fatal(err)
				}
				m.Match(js, func(*Rule) { matches++ })
			}
		}})
	b.ReportMetric(float64(matches), "matches")
}
