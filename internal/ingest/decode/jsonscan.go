package decode

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// Small JSON lexing helpers of the flat Windows fast path (winfast.go).

// scanString finds the closing quote of the string starting at body[i]
// (just after its opening quote) and reports whether the string has escapes
// (checked later, by appendUnescaped). ok is false if there is no closing
// quote.
func scanString(body []byte, i int) (end int, esc, ok bool) {
	start := i
	for {
		r := bytes.IndexByte(body[i:], '"')
		if r < 0 {
			return 0, false, false
		}
		q := i + r
		if !esc && bytes.IndexByte(body[i:q], '\\') >= 0 {
			esc = true
		}
		if !esc {
			return q, false, true
		}
		k := q // the quote is escaped if an odd number of backslashes precede it
		for k > start && body[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			return q, true, true
		}
		i = q + 1
	}
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescapeInPlace unescapes a string body whose backslashes each start an
// escape (scanString's strings) and returns its new length. It reports
// false for an escape the fast path does not take: anything but \" \\ \/
// \b \f \n \r \t and \uXXXX outside the surrogates.
//
// Text between escapes moves left eight bytes at a time: a word is stored
// whole at the write position w, which lies before the read position r. A
// word with no backslash covers only bytes already read; a word that holds
// one at offset k is stored whole too once r-w >= 8 (the store then ends
// before the backslash), else byte by byte.
func unescapeInPlace(s []byte) (int, bool) {
	r := bytes.IndexByte(s, '\\')
	if r < 0 {
		return len(s), true
	}
	w := r
	for r < len(s) {
		for r+8 <= len(s) {
			x := binary.LittleEndian.Uint64(s[r:])
			m := hasBackslash(x)
			if m == 0 {
				binary.LittleEndian.PutUint64(s[w:], x)
				w, r = w+8, r+8
				continue
			}
			k := bits.TrailingZeros64(m) >> 3
			if r-w >= 8 {
				binary.LittleEndian.PutUint64(s[w:], x)
				w, r = w+k, r+k
				break
			}
			for ; k > 0; k-- {
				s[w] = s[r]
				w, r = w+1, r+1
			}
			break
		}
		for r < len(s) && s[r] != '\\' {
			s[w] = s[r]
			w, r = w+1, r+1
		}
		if r >= len(s) {
			break
		}
		e := s[r+1] // present: scanString ends strings at an unescaped quote
		r += 2
		if c := unescapeByte[e]; c != 0 {
			s[w] = c
			w++
			continue
		}
		if e != 'u' {
			return 0, false
		}
		x, ok := hex4(s[r:])
		if !ok || x >= 0xD800 && x < 0xE000 {
			return 0, false
		}
		r += 4
		w += utf8.EncodeRune(s[w:], x)
	}
	return w, true
}

// unescapeByte maps the character after a backslash to what it stands for;
// 0 for \u and invalid escapes.
var unescapeByte = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hasBackslash returns a mask with the high bit set in (at least) the lowest
// byte of x that is a backslash, or 0 if none is.
func hasBackslash(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	v := x ^ (ones * '\\')
	return (v - ones) &^ v & highs
}

// number scanning states follow the JSON grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?

// scanNumber returns the end of the strict JSON number at body[i], or -1.
func scanNumber(body []byte, i int) int {
	n := len(body)
	if i < n && body[i] == '-' {
		i++
	}
	switch {
	case i < n && body[i] == '0':
		i++
	case i < n && body[i] >= '1' && body[i] <= '9':
		i = digits(body, i+1)
	default:
		return -1
	}
	if i < n && body[i] == '.' {
		j := digits(body, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < n && (body[i] == 'e' || body[i] == 'E') {
		i++
		if i < n && (body[i] == '+' || body[i] == '-') {
			i++
		}
		j := digits(body, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// skipWSAt returns the offset of the first non-space byte at or after i.
func skipWSAt(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	return i
}
