package sigma

import (
	"runtime"
	"syscall"
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
//
// Besides wall-clock rates it reports rates over the CPU time of the
// benchmark's thread (cpu-events/s), which waiting for the other work of a
// shared machine does not inflate; the ratios are of CPU time.
func benchAB(b *testing.B, events int, passes ...abPass) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	took := make([]time.Duration, len(passes))
	cpu := make([]time.Duration, len(passes))
	for _, p := range passes { // warm up
		p.run()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, p := range passes {
			start, startCPU := time.Now(), threadCPU()
			p.run()
			took[k] += time.Since(start)
			cpu[k] += threadCPU() - startCPU
		}
	}
	for k, p := range passes {
		b.ReportMetric(float64(b.N*events)/took[k].Seconds(), p.name+"-events/s")
		b.ReportMetric(float64(b.N*events)/cpu[k].Seconds(), p.name+"-cpu-events/s")
		if k > 0 {
			b.ReportMetric(cpu[0].Seconds()/cpu[k].Seconds(), p.name+"/"+passes[0].name)
		}
	}
	b.ReportMetric(0, "ns/op")
}

// threadCPU returns the CPU time (user and system) of the calling thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rusageThread is Linux's RUSAGE_THREAD.
const rusageThread = 1

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

// BenchmarkABParse compares the parse-only pass of the issue's 40 % figure
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

// BenchmarkIssue3Figures measures, interleaved in one run, the passes of
// issue 3's speed figure: fastjson parse only (the reference), JSONEvent
// parse only, the engine alone on pre-flattened events, and raw JSON in,
// matches out with JSONEvent (the figure). The ratio of the last to the
// first is the issue's "≥ 40 % of a parse-only pass".
func BenchmarkIssue3Figures(b *testing.B) {
	lines, _ := loadSample(b)
	rs, _ := fullRuleset(b)
	var p fastjson.Parser
	js := NewJSONEvent()
	evs := flattenSample(b, lines)
	mm := rs.NewMatcher()
	benchAB(b, len(lines),
		abPass{"parseonly", func() {
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
		}},
		abPass{"matchonly", func() {
			for j := range evs {
				mm.Match(&evs[j], func(*Rule) {})
			}
		}},
		scanPass(b, "scan", lines, rs.NewMatcher(), js, js.Reset))
}

// BenchmarkABMemo compares matching without and with the scan memo of
// short values (raw JSON in, matches out).
func BenchmarkABMemo(b *testing.B) { benchOffOn(b, func(m *Matcher) { m.memo.slots = nil }) }

// BenchmarkABLineMemo compares matching without and with the memo of long
// lines (raw JSON in, matches out).
func BenchmarkABLineMemo(b *testing.B) { benchOffOn(b, func(m *Matcher) { m.lines.slots = nil }) }

// BenchmarkABEncodedMemo compares matching without and with the memo of
// encoded values by their source text (raw JSON in, matches out).
func BenchmarkABEncodedMemo(b *testing.B) { benchOffOn(b, func(m *Matcher) { m.memo.encoded = false }) }

// BenchmarkABEncodedMemoFile is BenchmarkABEncodedMemo over the whole file,
// one pass with fresh Matchers.
func BenchmarkABEncodedMemoFile(b *testing.B) {
	lines := loadWholeFile(b)
	rs, _ := fullRuleset(b)
	ev := NewJSONEvent()
	pass := func(name string, encoded bool) abPass {
		return abPass{name, func() {
			m := rs.NewMatcher()
			m.memo.encoded = encoded
			for _, l := range lines {
				if err := ev.Reset(l); err != nil {
					b.Fatal(err)
				}
				m.Match(ev, func(*Rule) {})
			}
		}}
	}
	benchAB(b, len(lines), pass("off", false), pass("on", true))
}

// benchOffOn compares, raw JSON in and matches out over the sample, a
// Matcher with a feature switched off by off against a default one.
func benchOffOn(b *testing.B, off func(*Matcher)) {
	lines, _ := loadSample(b)
	rs, _ := fullRuleset(b)
	ev := NewJSONEvent()
	mOff, mOn := rs.NewMatcher(), rs.NewMatcher()
	off(mOff)
	benchAB(b, len(lines),
		scanPass(b, "off", lines, mOff, ev, ev.Reset),
		scanPass(b, "on", lines, mOn, ev, ev.Reset))
}
