package sigma

import (
	"regexp/syntax"
	"strings"
)

// regexLiterals returns lower-cased literals of which at least one occurs in
// every string the regular expression matches (so a value that contains
// none of them, lower-cased, cannot match), or nil if the expression has no
// such set with literals of at least minAtomLen ASCII bytes.
func regexLiterals(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits, ok := reqLits(re.Simplify())
	if !ok {
		return nil
	}
	return lits
}

// reqLits computes a necessary literal set: concatenation needs one child's
// set (the best), alternation all children's sets.
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

// mayMatch reports whether low (a lower-cased value) contains one of lits.
func mayMatch(low string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(low, l) {
			return true
		}
	}
	return false
}
