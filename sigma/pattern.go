package sigma

import (
	"strings"
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
	pat   int32 // prefilter pattern id of lit, -1 if none (see known.go)
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
	p := strPattern{cased: cased, op: opGlob, glob: toks, pat: -1}
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

// match reports whether v matches the pattern. v is the field value, already
// lower-cased unless the pattern is cased. It does not allocate.
func (p *strPattern) match(v string) bool {
	switch p.op {
	case opEq:
		return v == p.lit
	case opPrefix:
		return strings.HasPrefix(v, p.lit)
	case opSuffix:
		return strings.HasSuffix(v, p.lit)
	case opContains:
		return strings.Contains(v, p.lit)
	}
	return globMatch(p.glob, v)
}

// globMatch matches v against wildcard tokens; '*' backtracks to the last star.
func globMatch(toks []globTok, v string) bool {
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
				if strings.HasPrefix(v[vi:], t.s) {
					vi += len(t.s)
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
