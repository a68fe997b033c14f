package query

import (
	"strings"

	"github.com/vigil-soc/vigil/internal/event"
)

// Match reports whether value matches the term's value pattern,
// case-insensitively (Unicode lower-casing), with * matching any run of
// characters. An Exists term matches every value. Field and Negate are
// not considered here.
func (t Term) Match(value string) bool {
	if t.Exists {
		return true
	}
	v := strings.ToLower(value)
	if !t.Wildcard || len(t.Pattern) < 2 {
		return v == strings.ToLower(t.Value)
	}
	ps := t.Pattern
	first, last := strings.ToLower(ps[0]), strings.ToLower(ps[len(ps)-1])
	if !strings.HasPrefix(v, first) {
		return false
	}
	v = v[len(first):]
	for _, mid := range ps[1 : len(ps)-1] {
		m := strings.ToLower(mid)
		i := strings.Index(v, m)
		if i < 0 {
			return false
		}
		v = v[i+len(m):]
	}
	return strings.HasSuffix(v, last)
}

// MatchEvent is the reference semantics of q on ev: every term must hold.
// A field term holds when any value of that key matches; a bare word when
// any value of any key matches. NOT inverts a term, so a missing field
// satisfies NOT field:x.
func (q Query) MatchEvent(ev *event.Event) bool {
	for _, t := range q.Terms {
		if t.matchFields(ev.Fields) == t.Negate {
			return false
		}
	}
	return true
}

func (t Term) matchFields(fs []event.Field) bool {
	for i := range fs {
		if t.Field != "" && fs[i].Key != t.Field {
			continue
		}
		if t.Match(fs[i].Value) {
			return true
		}
	}
	return false
}

// LikePattern returns the term's value as a SQL LIKE pattern with escape
// character '\': wildcards become %, and %, _ and \ in the text are escaped.
// Use it with "LIKE ? ESCAPE '\'".
func (t Term) LikePattern() string {
	parts := t.Pattern
	if !t.Wildcard || len(parts) == 0 {
		parts = []string{t.Value}
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('%')
		}
		for j := 0; j < len(p); j++ {
			if c := p[j]; c == '%' || c == '_' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(p[j])
		}
	}
	return b.String()
}
