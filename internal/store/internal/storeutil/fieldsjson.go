package storeutil

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigil-soc/vigil/internal/event"
)

// AppendFieldsJSON appends the same JSON document as ev.FieldsJSON (keys
// sorted, a repeated key as an array in source order) without building a
// map: InsertEvents calls it for every event. Invalid UTF-8 becomes U+FFFD
// as in encoding/json. With noNUL, U+0000 is written as U+FFFD too
// (PostgreSQL jsonb cannot hold it).
func AppendFieldsJSON(dst []byte, fs []event.Field, noNUL bool) []byte {
	var stack [64]int
	idx := stack[:0]
	for i := range fs {
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(fs[a].Key, fs[b].Key) })
	dst = append(dst, '{')
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && fs[idx[j]].Key == fs[idx[i]].Key {
			j++
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, fs[idx[i]].Key, noNUL)
		dst = append(dst, ':')
		if j-i == 1 {
			dst = appendString(dst, fs[idx[i]].Value, noNUL)
		} else {
			dst = append(dst, '[')
			for k := i; k < j; k++ {
				if k > i {
					dst = append(dst, ',')
				}
				dst = appendString(dst, fs[idx[k]].Value, noNUL)
			}
			dst = append(dst, ']')
		}
		i = j
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

func appendString(dst []byte, s string, noNUL bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c == 0 && noNUL:
				dst = append(dst, `\ufffd`...)
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
