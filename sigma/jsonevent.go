package sigma

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unsafe"
)

// JSONEvent is an Event over one JSON object (an NDJSON line, say), read
// without building a document tree. Reset checks the line's syntax in one
// pass and only records where each leaf value lies; a string value is
// unescaped when the matcher first reads it (most never are), and a value
// without backslashes needs no copy at all. Nested objects are flattened to
// dotted names ("a.b") and arrays to repeated names, as the issue-3 adapters
// always did; numbers keep their JSON spelling, true and false are "true"
// and "false", null is "".
//
// Escapes are decoded leniently: an unknown escape or an unpaired UTF-16
// surrogate is kept as written. Raw control characters inside strings are
// accepted. Everything else must be JSON: a syntax error is reported with its
// byte offset.
//
// A JSONEvent is reused from line to line (Reset) and is not safe for
// concurrent use. The strings it hands out point into the line and into its
// own buffers: they are valid until the next Reset, and the caller must not
// modify the line before then.
type JSONEvent struct {
	line   []byte
	leaves []jsonLeaf
	buf    []byte // unescaped text and nested names of this line
}

// jsonLeaf is one scalar of the line.
type jsonLeaf struct {
	name       string
	start, end int32 // the value's text in line (a string's without quotes)
	kind       leafKind
}

type leafKind uint8

const (
	leafString leafKind = iota // the text, unescaped, is the value
	leafNumber                 // the text is the value
	leafTrue
	leafFalse
	leafNull
)

// maxJSONDepth bounds the nesting of objects and arrays in an event.
const maxJSONDepth = 300

// JSONError is a syntax error in a JSON event, at byte Offset of the line.
type JSONError struct {
	Offset int
	Msg    string
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("sigma: JSON event: offset %d: %s", e.Offset, e.Msg)
}

// NewJSONEvent returns an empty JSONEvent; Reset loads a line into it.
func NewJSONEvent() *JSONEvent { return &JSONEvent{} }

// Reset loads line, which must hold one JSON object (white space around it
// is allowed). After an error the event has no fields.
func (e *JSONEvent) Reset(line []byte) error {
	e.line, e.leaves, e.buf = line, e.leaves[:0], e.buf[:0]
	if len(line) > math.MaxInt32 {
		return &JSONError{Offset: 0, Msg: "line longer than 2 GiB"}
	}
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		e.leaves = e.leaves[:0]
		return &JSONError{Offset: i, Msg: "not a JSON object"}
	}
	i, err := e.object(i, "", 1)
	if err == nil {
		if i = skipSpace(line, i); i < len(line) {
			err = &JSONError{Offset: i, Msg: "text after the object"}
		}
	}
	if err != nil {
		e.leaves = e.leaves[:0]
	}
	return err
}

func skipSpace(b []byte, i int) int {
	// JSON white space is below '!', and event lines are mostly compact:
	// one comparison settles the common case.
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// object parses the object at line[i] ('{'), its members named below
// prefix, and returns the offset after it.
func (e *JSONEvent) object(i int, prefix string, depth int) (int, error) {
	if depth > maxJSONDepth {
		return i, &JSONError{Offset: i, Msg: "nested too deeply"}
	}
	line := e.line
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(line) || line[i] != '"' {
			return i, &JSONError{Offset: i, Msg: `expected '"' to start a member name`}
		}
		end, escaped, err := e.nameEnd(i + 1)
		if err != nil {
			return end, err
		}
		name := e.memberName(prefix, i+1, end, escaped)
		i = skipSpace(line, end+1)
		if i >= len(line) || line[i] != ':' {
			return i, &JSONError{Offset: i, Msg: "expected ':' after a member name"}
		}
		if i, err = e.value(skipSpace(line, i+1), name, depth); err != nil {
			return i, err
		}
		i = skipSpace(line, i)
		if i < len(line) && line[i] == ',' {
			i = skipSpace(line, i+1)
			continue
		}
		if i < len(line) && line[i] == '}' {
			return i + 1, nil
		}
		return i, &JSONError{Offset: i, Msg: "expected ',' or '}' in an object"}
	}
}

// memberName returns the flattened name of the member whose name text is
// line[start:end].
func (e *JSONEvent) memberName(prefix string, start, end int, escaped bool) string {
	if prefix == "" && !escaped {
		return bstr(e.line[start:end])
	}
	out := e.reserve(len(prefix) + 1 + end - start)
	n := len(out)
	if prefix != "" {
		out = append(append(out, prefix...), '.')
	}
	if escaped {
		out = unescapeJSON(out, e.line[start:end])
	} else {
		out = append(out, e.line[start:end]...)
	}
	e.buf = out
	return bstr(out[n:])
}

// reserve returns buf with room for n more bytes without moving the text
// already handed out: a full buffer is replaced, not grown.
func (e *JSONEvent) reserve(n int) []byte {
	if cap(e.buf)-len(e.buf) < n {
		e.buf = make([]byte, 0, max(2*cap(e.buf), n, 4096))
	}
	return e.buf
}

// value parses the value at line[i], recording its leaves under name, and
// returns the offset after it.
func (e *JSONEvent) value(i int, name string, depth int) (int, error) {
	line := e.line
	if i >= len(line) {
		return i, &JSONError{Offset: i, Msg: "value expected"}
	}
	switch c := line[i]; {
	case c == '"':
		end, err := e.stringEnd(i + 1)
		if err != nil {
			return end, err
		}
		e.leaves = append(e.leaves, jsonLeaf{name: name, start: int32(i + 1), end: int32(end), kind: leafString})
		return end + 1, nil
	case c == '{':
		return e.object(i, name, depth+1)
	case c == '[':
		return e.array(i, name, depth+1)
	case c == '-' || '0' <= c && c <= '9':
		end, err := numberEnd(line, i)
		if err != nil {
			return end, err
		}
		e.leaves = append(e.leaves, jsonLeaf{name: name, start: int32(i), end: int32(end), kind: leafNumber})
		return end, nil
	}
	for _, w := range [...]struct {
		text string
		kind leafKind
	}{{"true", leafTrue}, {"false", leafFalse}, {"null", leafNull}} {
		if end := i + len(w.text); end <= len(line) && string(line[i:end]) == w.text {
			e.leaves = append(e.leaves, jsonLeaf{name: name, start: int32(i), end: int32(i + len(w.text)), kind: w.kind})
			return i + len(w.text), nil
		}
	}
	return i, &JSONError{Offset: i, Msg: fmt.Sprintf("unexpected %q", line[i])}
}

// array parses the array at line[i] ('['), each element named name.
func (e *JSONEvent) array(i int, name string, depth int) (int, error) {
	if depth > maxJSONDepth {
		return i, &JSONError{Offset: i, Msg: "nested too deeply"}
	}
	line := e.line
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = e.value(i, name, depth); err != nil {
			return i, err
		}
		i = skipSpace(line, i)
		if i < len(line) && line[i] == ',' {
			i = skipSpace(line, i+1)
			continue
		}
		if i < len(line) && line[i] == ']' {
			return i + 1, nil
		}
		return i, &JSONError{Offset: i, Msg: "expected ',' or ']' in an array"}
	}
}

// nameEnd is stringEnd for a member name, and reports whether the name
// holds a backslash. Names are short: eight bytes at a time tested for a
// quote or a backslash (with the exact zero-byte test), their end is found
// sooner than a vector search would start.
func (e *JSONEvent) nameEnd(i int) (int, bool, error) {
	line := e.line
	for j := i; j+8 <= len(line) && j < i+maxShortName; j += 8 {
		x := binary.LittleEndian.Uint64(line[j:])
		if m := zeroBytes(x^0x2222222222222222) | zeroBytes(x^0x5c5c5c5c5c5c5c5c); m != 0 {
			k := j + bits.TrailingZeros64(m)/8
			if line[k] == '"' {
				return k, false, nil
			}
			end, err := e.stringEnd(i)
			return end, true, err
		}
	}
	end, err := e.stringEnd(i)
	return end, err == nil && bytes.IndexByte(line[i:end], '\\') >= 0, err
}

// zeroBytes returns x with 0x80 in each of its zero bytes and 0 elsewhere.
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&low7 + low7) | x | low7)
}

// maxShortName is the length up to which nameEnd searches a word at a time.
const maxShortName = 48

// stringEnd returns the offset of the closing quote of the string whose
// text starts at line[i]: the first quote preceded by an even number of
// backslashes.
func (e *JSONEvent) stringEnd(i int) (int, error) {
	line := e.line
	for j := i; ; {
		q := bytes.IndexByte(line[j:], '"')
		if q < 0 {
			return len(line), &JSONError{Offset: i - 1, Msg: "unterminated string"}
		}
		q += j
		k := q
		for k > i && line[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			return q, nil
		}
		j = q + 1
	}
}

// numberEnd returns the offset after the JSON number at line[i].
func numberEnd(line []byte, i int) (int, error) {
	start := i
	if line[i] == '-' {
		i++
	}
	digits := func() bool {
		j := i
		for i < len(line) && '0' <= line[i] && line[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(line) && line[i] == '0':
		i++
	case !digits():
		return i, &JSONError{Offset: start, Msg: "malformed number"}
	}
	if i < len(line) && line[i] == '.' {
		i++
		if !digits() {
			return i, &JSONError{Offset: start, Msg: "malformed number"}
		}
	}
	if i < len(line) && (line[i] == 'e' || line[i] == 'E') {
		i++
		if i < len(line) && (line[i] == '+' || line[i] == '-') {
			i++
		}
		if !digits() {
			return i, &JSONError{Offset: start, Msg: "malformed number"}
		}
	}
	return i, nil
}

// leafValue returns the value of leaf k, unescaping a string if need be.
func (e *JSONEvent) leafValue(k int) string {
	l := &e.leaves[k]
	raw := e.line[l.start:l.end]
	switch l.kind {
	case leafNumber:
		return bstr(raw)
	case leafString:
		if bytes.IndexByte(raw, '\\') < 0 {
			return bstr(raw)
		}
		out := e.reserve(len(raw)) // unescaping never lengthens
		n := len(out)
		out = unescapeJSON(out, raw)
		e.buf = out
		return bstr(out[n:])
	case leafTrue:
		return "true"
	case leafFalse:
		return "false"
	}
	return ""
}

// Field implements Event: the first value of name.
func (e *JSONEvent) Field(name string) (string, bool) {
	for k := range e.leaves {
		if e.leaves[k].name == name {
			return e.leafValue(k), true
		}
	}
	return "", false
}

// Keywords implements Event: every value, in line order.
func (e *JSONEvent) Keywords(fn func(string) bool) bool {
	for k := range e.leaves {
		if fn(e.leafValue(k)) {
			return true
		}
	}
	return false
}

// RangeFields implements FieldRanger.
func (e *JSONEvent) RangeFields(fn func(name, value string)) {
	for k := range e.leaves {
		fn(e.leaves[k].name, e.leafValue(k))
	}
}

// RangeLazyFields implements LazyFieldRanger.
func (e *JSONEvent) RangeLazyFields(fn func(name string, h int)) {
	for k := range e.leaves {
		fn(e.leaves[k].name, k)
	}
}

// FieldValue implements LazyFieldRanger.
func (e *JSONEvent) FieldValue(h int) string { return e.leafValue(h) }

// FieldToken implements FieldTokener: the value's JSON token as written
// (a string's with its quotes).
func (e *JSONEvent) FieldToken(h int) string {
	l := &e.leaves[h]
	if l.kind == leafString {
		return bstr(e.line[l.start-1 : l.end+1])
	}
	return bstr(e.line[l.start:l.end])
}

func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
