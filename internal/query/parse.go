package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on what Parse accepts.
const (
	MaxInput = 4096 // bytes
	MaxTerms = 32
)

// SyntaxError is a parse failure at a 1-based character column.
type SyntaxError struct {
	Column  int
	Problem string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("query: column %d: %s", e.Column, e.Problem)
}

// Parse parses s (see the package documentation). Errors are *SyntaxError
// naming the column and the problem. An empty or blank s gives the zero
// Query, which matches everything.
func Parse(s string) (Query, error) {
	p := parser{src: s}
	if len(s) > MaxInput {
		return Query{}, &SyntaxError{Column: 1, Problem: fmt.Sprintf("query longer than %d bytes", MaxInput)}
	}
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return Query{}, p.errAt(i, "invalid UTF-8")
		}
		if r == 0 {
			return Query{}, p.errAt(i, "NUL character")
		}
	}
	var q Query
	for {
		p.skipSpace()
		if p.pos >= len(s) {
			break
		}
		t, err := p.term()
		if err != nil {
			return Query{}, err
		}
		if len(q.Terms) == MaxTerms {
			return Query{}, p.errAt(p.termStart, fmt.Sprintf("more than %d terms", MaxTerms))
		}
		q.Terms = append(q.Terms, t)
	}
	return q, nil
}

type parser struct {
	src       string
	pos       int // byte offset
	termStart int
}

// errAt builds an error at byte offset off, reported as a rune column.
func (p *parser) errAt(off int, problem string) error {
	return &SyntaxError{Column: utf8.RuneCountInString(p.src[:off]) + 1, Problem: problem}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

// term parses [NOT|-] (word | word:value).
func (p *parser) term() (Term, error) {
	p.termStart = p.pos
	var t Term
	if strings.HasPrefix(p.src[p.pos:], "NOT") &&
		(p.pos+3 == len(p.src) || isSpace(p.src[p.pos+3])) {
		notAt := p.pos
		p.pos += 3
		p.skipSpace()
		if p.pos >= len(p.src) {
			return t, p.errAt(notAt, "NOT without a term after it")
		}
		t.Negate = true
	} else if p.src[p.pos] == '-' {
		p.pos++
		if p.pos >= len(p.src) || isSpace(p.src[p.pos]) {
			return t, p.errAt(p.pos-1, "'-' without a term after it")
		}
		t.Negate = true
	}
	if t.Negate && (p.src[p.pos] == '-' || strings.HasPrefix(p.src[p.pos:], "NOT ") || p.src[p.pos:] == "NOT") {
		return t, p.errAt(p.pos, "double negation")
	}
	first, err := p.word(true)
	if err != nil {
		return t, err
	}
	if p.pos < len(p.src) && p.src[p.pos] == ':' {
		field := first.literal()
		if field == "" {
			return t, p.errAt(p.pos, "empty field name")
		}
		p.pos++
		if p.pos >= len(p.src) || isSpace(p.src[p.pos]) {
			return t, p.errAt(p.pos-1, "missing value after ':'")
		}
		val, err := p.word(false)
		if err != nil {
			return t, err
		}
		t.Field = field
		if len(val) == 2 && val[0] == "" && val[1] == "" {
			t.Exists = true
			return t, nil
		}
		val.fill(&t)
		return t, nil
	}
	first.fill(&t)
	return t, nil
}

// pattern is a word split at unescaped stars.
type pattern []string

func (w pattern) literal() string { return strings.Join(w, "*") }

func (w pattern) fill(t *Term) {
	t.Value = w.literal()
	t.Wildcard = len(w) > 1
	t.Pattern = []string(w)
}

// word reads a quoted string or an unquoted run. An unquoted field part
// stops at ':' (stopColon); an unquoted value runs to the next space.
func (p *parser) word(stopColon bool) (pattern, error) {
	if p.src[p.pos] == '"' {
		return p.quoted(stopColon)
	}
	w := pattern{""}
	var cur strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case isSpace(c):
			w[len(w)-1] = cur.String()
			return w, nil
		case c == ':' && stopColon:
			w[len(w)-1] = cur.String()
			return w, nil
		case c == '"':
			return nil, p.errAt(p.pos, "unexpected quote inside a word")
		case c == '\\':
			if p.pos+1 >= len(p.src) {
				return nil, p.errAt(p.pos, "backslash at end of input")
			}
			p.pos++
			_, n := utf8.DecodeRuneInString(p.src[p.pos:])
			cur.WriteString(p.src[p.pos : p.pos+n])
			p.pos += n
			continue
		case c == '*':
			w[len(w)-1] = cur.String()
			cur.Reset()
			w = append(w, "")
		default:
			cur.WriteByte(c)
		}
		p.pos++
	}
	w[len(w)-1] = cur.String()
	return w, nil
}

// quoted reads "…" with \" \\ \* escapes; * inside is a wildcard.
func (p *parser) quoted(stopColon bool) (pattern, error) {
	open := p.pos
	p.pos++
	w := pattern{""}
	var cur strings.Builder
	for {
		if p.pos >= len(p.src) {
			return nil, p.errAt(open, "unterminated quote")
		}
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			w[len(w)-1] = cur.String()
			if p.pos < len(p.src) && !isSpace(p.src[p.pos]) && (p.src[p.pos] != ':' || !stopColon) {
				return nil, p.errAt(p.pos, "unexpected character after closing quote")
			}
			return w, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return nil, p.errAt(open, "unterminated quote")
			}
			e := p.src[p.pos+1]
			if e != '"' && e != '\\' && e != '*' {
				return nil, p.errAt(p.pos, fmt.Sprintf("unknown escape \\%c (use \\\", \\\\ or \\*)", e))
			}
			cur.WriteByte(e)
			p.pos += 2
			continue
		case '*':
			w[len(w)-1] = cur.String()
			cur.Reset()
			w = append(w, "")
		default:
			cur.WriteByte(c)
		}
		p.pos++
	}
}
