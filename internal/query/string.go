package query

import "strings"

// String returns the canonical text of q: terms separated by one space,
// negation written as NOT, quotes only where needed. Parse(q.String())
// gives back q.
func (q Query) String() string {
	var b strings.Builder
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.String())
	}
	return b.String()
}

// String returns the canonical text of one term.
func (t Term) String() string {
	var b strings.Builder
	if t.Negate {
		b.WriteString("NOT ")
	}
	if t.Field != "" {
		writeWord(&b, []string{t.Field}, true)
		b.WriteByte(':')
		if t.Exists {
			b.WriteByte('*')
			return b.String()
		}
	}
	parts := t.Pattern
	if !t.Wildcard || len(parts) == 0 {
		parts = []string{t.Value}
	}
	writeWord(&b, parts, t.Field == "")
	return b.String()
}

// writeWord writes parts joined by wildcard stars, quoting when the text
// would otherwise be read differently. A bare word (first=true) must also
// not look like a field, a negation or NOT.
func writeWord(b *strings.Builder, parts []string, first bool) {
	lit := strings.Join(parts, "")
	quote := len(parts) == 1 && lit == ""
	if first && (strings.HasPrefix(lit, "-") || lit == "NOT") {
		quote = true
	}
	if strings.ContainsAny(lit, " \t\r\n\"\\:") {
		quote = true
	}
	if quote {
		b.WriteByte('"')
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('*')
		}
		for j := 0; j < len(p); j++ {
			switch c := p[j]; c {
			case '*', '\\', '"':
				b.WriteByte('\\')
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
		}
	}
	if quote {
		b.WriteByte('"')
	}
}
