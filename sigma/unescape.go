package sigma

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// unescapeJSON appends to dst the text of a JSON string body (without its
// quotes) with its escapes decoded. Decoding is lenient, as in the JSON
// adapters Vigil used before JSONEvent: an unknown escape, a \u not followed
// by four hexadecimal digits, and a surrogate not followed by another \u
// escape are kept as written; a surrogate followed by a \u escape that does
// not complete a pair gives U+FFFD.
func unescapeJSON(dst, s []byte) []byte {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i+1:]
		if len(s) == 0 {
			return append(dst, '\\')
		}
		c := s[0]
		s = s[1:]
		if r, ok := simpleEscape(c); ok {
			dst = append(dst, r)
			continue
		}
		if c != 'u' {
			dst = append(dst, '\\', c)
			continue
		}
		dst, s = unescapeU(dst, s)
	}
	return dst
}

// unescapeU decodes the \u escape whose hexadecimal digits start s.
func unescapeU(dst, s []byte) ([]byte, []byte) {
	x, ok := hex4(s)
	if !ok {
		return append(dst, '\\', 'u'), s
	}
	if !utf16.IsSurrogate(x) {
		return utf8.AppendRune(dst, x), s[4:]
	}
	if len(s) >= 10 && s[4] == '\\' && s[5] == 'u' {
		if y, ok := hex4(s[6:]); ok {
			return utf8.AppendRune(dst, utf16.DecodeRune(x, y)), s[10:]
		}
	}
	return append(append(dst, '\\', 'u'), s[:4]...), s[4:]
}

func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// hex4 decodes four hexadecimal digits at the start of s.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
