package sigma

import "testing"

// compileCorpusWith compiles the corpus with a compile-time switch set to
// on, restoring it afterwards (A/B benchmarks of compiled layouts).
func compileCorpusWith(b *testing.B, sw *bool, on bool) *Ruleset {
	old := *sw
	*sw = on
	defer func() { *sw = old }()
	rs, _ := compileCorpus(b)
	return rs
}

// BenchmarkABAnyOf compares rule evaluation without and with the any-of
// layout of items (raw JSON in, matches out).
func BenchmarkABAnyOf(b *testing.B) {
	lines, _ := loadSample(b)
	off := compileCorpusWith(b, &anyOfLayout, false)
	on := compileCorpusWith(b, &anyOfLayout, true)
	ev := NewJSONEvent()
	benchAB(b, len(lines),
		scanPass(b, "off", lines, off.NewMatcher(), ev, ev.Reset),
		scanPass(b, "on", lines, on.NewMatcher(), ev, ev.Reset))
}

// matchPass returns a pass that matches every pre-flattened event with m.
func matchPass(name string, evs []flatEvent, m *Matcher) abPass {
	return abPass{name, func() {
		for j := range evs {
			m.Match(&evs[j], func(*Rule) {})
		}
	}}
}

// BenchmarkABAnyOfMatchOnly is BenchmarkABAnyOf on pre-flattened events.
func BenchmarkABAnyOfMatchOnly(b *testing.B) { abMatchOnly(b, &anyOfLayout) }

// BenchmarkABDropShortAll compares regular expression screens with and
// without their one- and two-letter literals (pre-flattened events).
func BenchmarkABDropShortAll(b *testing.B) { abMatchOnly(b, &dropShortAll) }

// abMatchOnly compares two rulesets compiled with sw off and on, matching
// pre-flattened events.
func abMatchOnly(b *testing.B, sw *bool) {
	lines, _ := loadSample(b)
	evs := flattenSample(b, lines)
	off := compileCorpusWith(b, sw, false)
	on := compileCorpusWith(b, sw, true)
	benchAB(b, len(lines), matchPass("off", evs, off.NewMatcher()), matchPass("on", evs, on.NewMatcher()))
}

// BenchmarkABAnchor compares regular expressions searched by the regexp
// package with those decided from a literal's occurrences (pre-flattened
// events).
func BenchmarkABAnchor(b *testing.B) { abMatchOnly(b, &anchorRegexps) }

// compileCorpusWithAll compiles the corpus with every switch of sws set to
// on, restoring them afterwards.
func compileCorpusWithAll(b *testing.B, on bool, sws ...*bool) *Ruleset {
	old := make([]bool, len(sws))
	for i, sw := range sws {
		old[i], *sw = *sw, on
	}
	defer func() {
		for i, sw := range sws {
			*sw = old[i]
		}
	}()
	rs, _ := compileCorpus(b)
	return rs
}

// BenchmarkABFourthPass compares rule evaluation without and with the
// fourth pass's switches (any-of layout, short screen literals left out,
// literal anchors, keyword fold searches): matching pre-flattened events,
// and raw JSON in, matches out.
func BenchmarkABFourthPass(b *testing.B) {
	lines, _ := loadSample(b)
	evs := flattenSample(b, lines)
	sws := []*bool{&anyOfLayout, &dropShortAll, &anchorRegexps, &foldKeywords}
	off := compileCorpusWithAll(b, false, sws...)
	on := compileCorpusWithAll(b, true, sws...)
	ev := NewJSONEvent()
	benchAB(b, len(lines),
		matchPass("match-off", evs, off.NewMatcher()), matchPass("match-on", evs, on.NewMatcher()),
		scanPass(b, "scan-off", lines, off.NewMatcher(), ev, ev.Reset),
		scanPass(b, "scan-on", lines, on.NewMatcher(), ev, ev.Reset))
}

// BenchmarkABFoldKeywords compares keyword searches in lower-cased copies
// of the values with fold searches in the values (pre-flattened events).
func BenchmarkABFoldKeywords(b *testing.B) { abMatchOnly(b, &foldKeywords) }
