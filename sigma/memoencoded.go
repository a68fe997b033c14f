package sigma

import "strings"

// The memo of encoded values. Decoding a JSON string with escapes (Windows
// paths, call traces: a backslash every few bytes) costs about what
// scanning it does when the memo knows its text. So a value still encoded
// is looked up by its source text first, in the same memos under its field
// id with encodedBit set (a source text and a decoded one never meet), and
// decoded only if it is not there. Only an event's first value of a field
// is remembered so: the patterns it found are then exactly those the
// event's scan added since it began (pattern ids are per field).

// FieldTokener is a LazyFieldRanger that can give a value as written in its
// source: for JSON, the value's token with its quotes. Two handles with the
// same token have the same FieldValue.
type FieldTokener interface {
	LazyFieldRanger
	FieldToken(h int) string
}

// encodedBit marks memo entries keyed by a value's source text.
const encodedBit = 1 << 30

// encodedToken returns the source text of value i if it is the field's
// first value in the event (first), still encoded and has an escape to
// decode.
func (m *Matcher) encodedToken(i int32, first bool) (string, bool) {
	s := m.s
	v := &s.vals[i]
	if !first || !v.lazy || !m.memo.encoded || m.memo.slots == nil {
		return "", false
	}
	tk, ok := s.lz.(FieldTokener)
	if !ok {
		return "", false
	}
	tok := tk.FieldToken(int(v.h))
	if len(tok) > lineMaxLen || strings.IndexByte(tok, '\\') < 0 {
		return "", false
	}
	return tok, true
}

// replayEncoded replays the patterns remembered for source text tok of
// field f.
func (m *Matcher) replayEncoded(f int32, tok string) bool {
	if len(tok) <= memoMaxLen {
		return m.lookupShort(f|encodedBit, tok, m.memo.hash(f|encodedBit, tok))
	}
	return m.lines.slots != nil && m.lookupLine(f|encodedBit, tok)
}

// rememberEncoded remembers for source text tok of field f the patterns
// found since found[before]: all those of the value, whatever its bytes.
func (m *Matcher) rememberEncoded(f int32, tok string, before int) {
	pats := m.pf.found[before:]
	switch {
	case len(tok) <= memoMaxLen:
		if len(pats) <= memoMaxPats {
			m.storeShort(f|encodedBit, tok, m.memo.hash(f|encodedBit, tok), pats)
		}
	case m.lines.slots != nil && len(pats) <= lineMaxPats:
		m.storeLine(f|encodedBit, tok, pats)
	}
}
