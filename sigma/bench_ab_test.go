package sigma

import (
	"testing"
	"time"

	"github.com/valyala/fastjson"
)

// abPass is one variant of an A/B benchmark: run processes the whole
// sample once.
type abPass struct {
	name string
	run  func()
}

// benchAB runs the passes in turn, b.N rounds, timing each pass on its own,
// and reports each one's events/s and their ratios to the first: on a
// shared machine, interleaving puts every variant under the same load.
func benchAB(b *testing.B, events int, passes ...abPass) {
	took := make([]time.Duration, len(passes))
	for _, p := range passes { // warm up
		p.run()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, p := range passes {
			start := time.Now()
			p.run()
			took[k] += time.Since(start)
		}
	}
	for k, p := range passes {
		b.ReportMetric(float64(b.N*events)/took[k].Seconds(), p.name+"-events/s")
		if k > 0 {
			b.ReportMetric(took[0].Seconds()/took[k].Seconds(), p.name+"/"+passes[0].name)
		}
	}
	b.ReportMetric(0, "ns/op")
}

// scanPass returns a pass that parses and matches every line with m.
func scanPass(b *testing.B, name string, lines [][]byte, m *Matcher, ev Event, parse func([]byte) error) abPass {
	return abPass{name, func() {
		for _, l := range lines {
			if err := parse(l); err != nil {
				b.Fatal(err)
			}
			m.Match(ev, func(*Rule) {})
		}
	}}
}

// BenchmarkABAdapter compares the raw-JSON adapters, raw JSON in and
// matches out: fastjson parse + walk (rawEvent, the issue-3 figure until
// JSONEvent) against JSONEvent's one-pass scanner.
func BenchmarkABAdapter(b *testing.B) {
	lines, _ := loadSample(b)
	rs, _ := fullRuleset(b)
	fj, js := &rawEvent{uses: rs.Uses}, NewJSONEvent()
	benchAB(b, len(lines),
		scanPass(b, "fastjson", lines, rs.NewMatcher(), fj, fj.parse),
		scanPass(b, "jsonevent", lines, rs.NewMatcher(), js, js.Reset))
}

// BenchmarkABParse compares the parse-only pass of the 40 % figure
// (fastjson) with JSONEvent.Reset alone.
func BenchmarkABParse(b *testing.B) {
	lines, _ := loadSample(b)
	var p fastjson.Parser
	js := NewJSONEvent()
	benchAB(b, len(lines),
		abPass{"fastjson", func() {
			for _, l := range lines {
				if _, err := p.ParseBytes(l); err != nil {
					b.Fatal(err)
				}
			}
		}},
		abPass{"jsonevent", func() {
			for _, l := range lines {
				if err := js.Reset(l); err != nil {
					b.Fatal(err)
				}
			}
		}})
}
