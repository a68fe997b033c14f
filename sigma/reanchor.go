package sigma

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// An unanchored search for an expression such as \w+`(\w+|-|.)` tries
// every position of the value (a PowerShell script of 15 KB takes the
// regexp package ~0.5 ms). But a match of P L S, where P matches at most
// n bytes and L is a literal, starts at most n bytes before an occurrence
// of L: finding L with strings.Index and trying only those starts, each
// with the expression anchored there, gives the same answer. A leading
// X+ counts as X, X* and X? as nothing, X{k,} as X{k}: a match of the
// expression contains a match of the shortened one starting at the same
// place, and the anchored attempts run the whole expression.

// litAnchor decides an expression from the occurrences of a literal.
type litAnchor struct {
	lit    string
	maxPre int            // the most bytes a match has before lit
	re     *regexp.Regexp // the expression anchored at the start (\A)
	full   *regexp.Regexp // the expression, for values with many occurrences
}

// maxAnchorTries bounds the anchored attempts on one value (each may read
// to its end); past it the whole value is searched once.
const maxAnchorTries = 16

// newLitAnchor returns the anchor of expr (its Go syntax, flags included)
// or nil if it has none: the expression must not look before its start
// (^, \A, \b, \B), and what comes before the literal must match ASCII
// characters only, so that each start tried is one the search would try.
func newLitAnchor(expr string, full *regexp.Regexp) *litAnchor {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil || looksBehind(re) {
		return nil
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat {
		return nil
	}
	subs := re.Sub
	pre := 0
	for i, sub := range subs {
		if i == 0 {
			sub = shortenRepeat(sub)
		}
		if sub == nil {
			continue
		}
		if sub.Op == syntax.OpLiteral && (sub.Flags&syntax.FoldCase == 0 || !hasLetter(string(sub.Rune))) {
			if i == 0 && pre == 0 {
				return nil // a literal prefix: the regexp package looks for it itself
			}
			anch, err := regexp.Compile(`\A(?:` + expr + `)`)
			if err != nil {
				return nil
			}
			return &litAnchor{lit: string(sub.Rune), maxPre: pre, re: anch, full: full}
		}
		w, ok := asciiWidth(sub)
		if !ok {
			return nil
		}
		pre += w
	}
	return nil
}

// shortenRepeat returns the leading element a match must contain: X for
// X+, X{k} for X{k,}, nil (nothing) for X* and X?.
func shortenRepeat(re *syntax.Regexp) *syntax.Regexp {
	switch {
	case re.Op == syntax.OpStar || re.Op == syntax.OpQuest:
		return nil
	case re.Op == syntax.OpPlus:
		return re.Sub[0]
	case re.Op == syntax.OpRepeat && re.Max == -1:
		if re.Min == 0 {
			return nil
		}
		return &syntax.Regexp{Op: syntax.OpRepeat, Min: re.Min, Max: re.Min, Sub: re.Sub, Flags: re.Flags}
	}
	return re
}

// asciiWidth returns the most bytes re matches, when it matches only ASCII
// characters (case-folded letters included: (?i)k also matches U+212A)
// and is bounded.
func asciiWidth(re *syntax.Regexp) (int, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpEndLine, syntax.OpEndText:
		return 0, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 && hasLetter(string(re.Rune)) || !isASCII(string(re.Rune)) {
			return 0, false
		}
		return len(re.Rune), true
	case syntax.OpCharClass:
		for _, r := range re.Rune {
			if r >= 0x80 {
				return 0, false
			}
		}
		return 1, true
	case syntax.OpCapture:
		return asciiWidth(re.Sub[0])
	case syntax.OpQuest:
		return asciiWidth(re.Sub[0])
	case syntax.OpRepeat:
		w, ok := asciiWidth(re.Sub[0])
		return w * re.Max, ok && re.Max >= 0
	case syntax.OpConcat, syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			w, ok := asciiWidth(sub)
			if !ok {
				return 0, false
			}
			if re.Op == syntax.OpConcat {
				n += w
			} else {
				n = max(n, w)
			}
		}
		return n, true
	}
	return 0, false
}

// looksBehind reports whether re has an assertion about what precedes a
// position: anchored at a later start, it would see a different text.
func looksBehind(re *syntax.Regexp) bool {
	return anyNode(re, func(n *syntax.Regexp) bool {
		switch n.Op {
		case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			return true
		}
		return false
	})
}

// match reports whether the expression matches v.
func (a *litAnchor) match(v string) bool {
	next, tries := 0, 0 // next: the lowest start not tried yet
	for off := 0; ; {
		i := strings.Index(v[off:], a.lit)
		if i < 0 {
			return false
		}
		q := off + i
		for st := max(next, q-a.maxPre); st <= q; st++ {
			if tries++; tries > maxAnchorTries {
				return a.full.MatchString(v)
			}
			if a.re.MatchString(v[st:]) {
				return true
			}
		}
		next, off = q+1, q+1
	}
}

// anchorRegexps switches literal anchors on (tests compare without).
var anchorRegexps = true
