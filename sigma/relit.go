package sigma

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Regular expressions are screened before they run (see reScreen): by
// literals of which one must occur in a match (the "any" set, which also
// serves the prefilter as atoms), literals that must all occur, the
// shortest length of a match, and .{n,} decided by counting.

// reqLits computes a necessary literal set, lower-cased, of literals of at
// least minAtomLen ASCII bytes: concatenation needs one child's set (the
// best), alternation all children's sets.
func reqLits(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := strings.ToLower(string(re.Rune))
		if len(s) < minAtomLen || !isASCII(s) {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCapture:
		return reqLits(re.Sub[0])
	case syntax.OpPlus:
		return reqLits(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reqLits(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		found := false
		for _, sub := range re.Sub {
			if l, ok := reqLits(sub); ok && (!found || betterLits(l, best)) {
				best, found = l, true
			}
		}
		return best, found
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := reqLits(sub)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	}
	return nil, false
}

func betterLits(a, b []string) bool {
	qa, qb := 6, 6
	for _, s := range a {
		qa = min(qa, len(s))
	}
	for _, s := range b {
		qb = min(qb, len(s))
	}
	if qa != qb {
		return qa > qb
	}
	return len(a) < len(b)
}

// reScreen is the literal screening of one regular expression: a value
// whose lower-cased form lacks every literal of any or one literal of all
// cannot match, and the expression need not run.
type reScreen struct {
	any []string // one of these occurs in every match (nil: no such set)
	all []string // each of these occurs in every match
	// rawAll are the literals of all without letters: raw and lower-cased
	// text agree on them, so they are tested before lower-casing.
	rawAll []string
	foldS  bool // a case-folded literal has 's', which (?i) also matches as U+017F
	// minLen is the fewest characters (so bytes) of a match.
	minLen int
	// run > 0: the expression is just "run or more characters"
	// (.{run,}), decided by counting; anyNL says '.' matches newlines too.
	run   int
	anyNL bool
}

// newReScreen derives the screen of expr, or nil if it has no literals.
func newReScreen(expr string) *reScreen {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	sc := &reScreen{minLen: minRunes(re)}
	r := re
	if r.Op == syntax.OpCapture {
		r = r.Sub[0]
	}
	if r.Op == syntax.OpRepeat && r.Max == -1 && r.Min > 0 && len(r.Sub) == 1 &&
		(r.Sub[0].Op == syntax.OpAnyCharNotNL || r.Sub[0].Op == syntax.OpAnyChar) {
		sc.run, sc.anyNL = r.Min, r.Sub[0].Op == syntax.OpAnyChar
	}
	re = re.Simplify()
	if lits, ok := reqLits(re); ok {
		sc.any = lits
	}
	for _, l := range allLits(re) {
		if !slices.ContainsFunc(sc.all, func(x string) bool { return strings.Contains(x, l) }) {
			sc.all = slices.DeleteFunc(sc.all, func(x string) bool { return strings.Contains(l, x) })
			sc.all = append(sc.all, l)
		}
	}
	if len(sc.any) == 1 && slices.Contains(sc.all, sc.any[0]) {
		sc.all = slices.DeleteFunc(sc.all, func(x string) bool { return x == sc.any[0] })
	}
	sc.all = slices.DeleteFunc(sc.all, func(x string) bool {
		if !hasLetter(x) {
			sc.rawAll = append(sc.rawAll, x)
			return true
		}
		// One or two letters occur in nearly every value: not worth
		// lower-casing the value for.
		return dropShortAll && len(x) < minAtomLen
	})
	if len(sc.all) == 0 {
		sc.all = nil
	}
	sc.foldS = hasFoldS(re)
	if sc.any == nil && sc.all == nil && sc.rawAll == nil && sc.minLen == 0 && sc.run == 0 {
		return nil
	}
	return sc
}

// dropShortAll leaves literals of one or two letters out of the screens
// (tests compare with them).
var dropShortAll = true

// needLow reports whether the screen reads the lower-cased value.
func (sc *reScreen) needLow() bool { return sc.any != nil || sc.all != nil }

// minRunes returns the fewest characters a match of re has.
func minRunes(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minRunes(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minRunes(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minRunes(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if k := minRunes(sub); n < 0 || k < n {
				n = k
			}
		}
		return max(n, 0)
	}
	return 0
}

// hasRun reports whether v has n characters in a row ('.' characters: no
// newline unless anyNL), as the expression .{n,} decides.
func hasRun(v string, n int, anyNL bool) bool {
	for len(v) >= n {
		line := v
		if i := strings.IndexByte(v, '\n'); i >= 0 && !anyNL {
			line, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		if len(line) >= n && utf8.RuneCountInString(line) >= n {
			return true
		}
	}
	return false
}

// allLits returns lower-cased ASCII literals that every match contains,
// each of them (the literal parts of the top-level concatenation).
func allLits(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		s := strings.ToLower(string(re.Rune))
		if !isASCII(s) {
			return nil
		}
		return []string{s}
	case syntax.OpCapture, syntax.OpPlus:
		return allLits(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return allLits(re.Sub[0])
		}
	case syntax.OpConcat:
		var out []string
		for _, sub := range re.Sub {
			out = append(out, allLits(sub)...)
		}
		return out
	}
	return nil
}

// hasFoldS reports whether a case-insensitive literal of re has an 's':
// (?i)s also matches U+017F, which lower-casing leaves as it is.
func hasFoldS(re *syntax.Regexp) bool {
	return anyNode(re, func(n *syntax.Regexp) bool {
		return n.Op == syntax.OpLiteral && n.Flags&syntax.FoldCase != 0 &&
			(slices.Contains(n.Rune, 's') || slices.Contains(n.Rune, 'S'))
	})
}

// anyNode reports whether pred holds for re or any of its subexpressions.
func anyNode(re *syntax.Regexp, pred func(*syntax.Regexp) bool) bool {
	if pred(re) {
		return true
	}
	for _, sub := range re.Sub {
		if anyNode(sub, pred) {
			return true
		}
	}
	return false
}

// passRaw screens raw by what needs no lower-casing: the length and the
// literals without letters.
func (sc *reScreen) passRaw(raw string) bool {
	if len(raw) < sc.minLen {
		return false
	}
	for _, l := range sc.rawAll {
		if !strings.Contains(raw, l) {
			return false
		}
	}
	return true
}

// hasLetter reports whether s has a byte that lower-casing could change or
// produce: an ASCII letter or a non-ASCII byte.
func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if 'a' <= c && c <= 'z' || s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// pass reports whether low (a lower-cased value) may match.
func (sc *reScreen) pass(low string) bool {
	ok := sc.any == nil
	for _, l := range sc.any {
		if strings.Contains(low, l) {
			ok = true
			break
		}
	}
	for i := 0; ok && i < len(sc.all); i++ {
		ok = strings.Contains(low, sc.all[i])
	}
	// U+017F (long s) matches (?i)s but is not lower-cased to 's'.
	return ok || sc.foldS && strings.Contains(low, "\u017f")
}
