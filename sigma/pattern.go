package sigma

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// strOp is the shape a string pattern was reduced to at compile time.
type strOp uint8

const (
	opEq strOp = iota
	opPrefix
	opSuffix
	opContains
	opGlob
)

type globKind uint8

const (
	globLit  globKind = iota // literal text
	globStar                 // '*': any run of characters
	globOne                  // '?': exactly one character
)

type globTok struct {
	kind globKind
	s    string
}

// strPattern is a compiled Sigma string value. Literal text is stored
// lower-cased unless cased is set.
type strPattern struct {
	op    strOp
	lit   string
	glob  []globTok
	cased bool
}

// parseSigmaString splits a Sigma string value into literal text and
// wildcards. '\' escapes '*', '?' and '\'; before any other character (and at
// the end) it is a literal backslash, as in pySigma.
func parseSigmaString(s string) []globTok {
	var toks []globTok
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, globTok{kind: globLit, s: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '?' || s[i+1] == '\\') {
				lit.WriteByte(s[i+1])
				i++
			} else {
				lit.WriteByte('\\')
			}
		case '*':
			flush()
			if len(toks) == 0 || toks[len(toks)-1].kind != globStar {
				toks = append(toks, globTok{kind: globStar})
			}
		case '?':
			flush()
			toks = append(toks, globTok{kind: globOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return toks
}

// newStrPattern reduces tokens to the cheapest equivalent test.
func newStrPattern(toks []globTok, cased bool) strPattern {
	if !cased {
		for i := range toks {
			toks[i].s = strings.ToLower(toks[i].s)
		}
	}
	p := strPattern{cased: cased, op: opGlob, glob: toks}
	isLit := func(i int) bool { return i < len(toks) && toks[i].kind == globLit }
	isStar := func(i int) bool { return i < len(toks) && toks[i].kind == globStar }
	switch {
	case len(toks) == 0:
		p.op, p.lit = opEq, ""
	case len(toks) == 1 && isLit(0):
		p.op, p.lit = opEq, toks[0].s
	case len(toks) == 1 && isStar(0):
		p.op, p.lit = opContains, ""
	case len(toks) == 2 && isLit(0) && isStar(1):
		p.op, p.lit = opPrefix, toks[0].s
	case len(toks) == 2 && isStar(0) && isLit(1):
		p.op, p.lit = opSuffix, toks[1].s
	case len(toks) == 3 && isStar(0) && isLit(1) && isStar(2):
		p.op, p.lit = opContains, toks[1].s
	}
	if p.op != opGlob {
		p.glob = nil
	}
	return p
}

// foldMode says how a value is compared with lower-cased pattern text.
type foldMode uint8

const (
	foldNone    foldMode = iota // exact (cased)
	foldASCII                   // value is ASCII: lower its letters byte by byte
	foldUnicode                 // value has non-ASCII: lower rune by rune
)

// match reports whether v matches the pattern. It does not allocate.
func (p *strPattern) match(v string) bool {
	mode := foldNone
	if !p.cased {
		mode = foldASCII
		if !isASCII(v) {
			mode = foldUnicode
		}
	}
	switch p.op {
	case opEq:
		return prefixLen(v, p.lit, mode) == len(v)
	case opPrefix:
		return prefixLen(v, p.lit, mode) >= 0
	case opSuffix:
		if mode != foldUnicode {
			return len(v) >= len(p.lit) && prefixLen(v[len(v)-len(p.lit):], p.lit, mode) >= 0
		}
		for i := range v {
			if prefixLen(v[i:], p.lit, mode) == len(v)-i {
				return true
			}
		}
		return p.lit == ""
	case opContains:
		return index(v, p.lit, mode) >= 0
	}
	return globMatch(p.glob, v, mode)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// prefixLen reports how many bytes of v match lit at its start, or -1 if v
// does not start with lit (lit is lower case unless mode is foldNone).
func prefixLen(v, lit string, mode foldMode) int {
	switch mode {
	case foldNone:
		if strings.HasPrefix(v, lit) {
			return len(lit)
		}
		return -1
	case foldASCII:
		if len(v) < len(lit) {
			return -1
		}
		for i := 0; i < len(lit); i++ {
			if lowerASCII(v[i]) != lit[i] {
				return -1
			}
		}
		return len(lit)
	}
	n := 0
	for _, rl := range lit {
		if n >= len(v) {
			return -1
		}
		rv, size := utf8.DecodeRuneInString(v[n:])
		if unicode.ToLower(rv) != rl {
			return -1
		}
		n += size
	}
	return n
}

// index returns the first offset of lit in v, or -1.
func index(v, lit string, mode foldMode) int {
	switch {
	case mode == foldNone:
		return strings.Index(v, lit)
	case lit == "":
		return 0
	case mode == foldUnicode:
		for i := range v {
			if prefixLen(v[i:], lit, mode) >= 0 {
				return i
			}
		}
		return -1
	}
	first := lit[0]
	upper := first
	if 'a' <= first && first <= 'z' {
		upper = first - ('a' - 'A')
	}
	for i := 0; i+len(lit) <= len(v); i++ {
		if c := v[i]; (c == first || c == upper) && prefixLen(v[i:], lit, mode) >= 0 {
			return i
		}
	}
	return -1
}

// globMatch matches v against wildcard tokens; '*' backtracks to the last star.
func globMatch(toks []globTok, v string, mode foldMode) bool {
	ti, vi := 0, 0
	starTi, starVi := -1, 0
	for {
		if ti < len(toks) {
			t := toks[ti]
			switch t.kind {
			case globStar:
				starTi, starVi = ti, vi
				ti++
				continue
			case globOne:
				if vi < len(v) {
					_, n := utf8.DecodeRuneInString(v[vi:])
					vi += n
					ti++
					continue
				}
			case globLit:
				if n := prefixLen(v[vi:], t.s, mode); n >= 0 {
					vi += n
					ti++
					continue
				}
			}
		} else if vi == len(v) {
			return true
		}
		if starTi < 0 || starVi >= len(v) {
			return false
		}
		_, n := utf8.DecodeRuneInString(v[starVi:])
		starVi += n
		vi, ti = starVi, starTi+1
	}
}
