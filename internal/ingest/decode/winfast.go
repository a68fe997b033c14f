package decode

import (
	"bytes"
	"strings"
	"unsafe"

	"github.com/vigil-soc/vigil/internal/event"
)

// The fast path for flat Windows event JSON: one pass over the record that
// fills the builder's spans with offsets into the record, then one copy of
// the record into a fresh buffer (strings with escapes are unescaped in place
// there) whose string form backs every key and value of the event.
//
// It only takes records it can decode exactly as the general path (fastjson
// parse + flattenObject + decodeWinFlat) would: a top-level object whose
// values are strings, numbers, true, false, null or arrays of those, keys
// without escapes, strings whose escapes are the plain JSON ones (\uXXXX
// outside the surrogate range), numbers in strict JSON syntax. Anything else
// — nested objects, other formats, odd or broken JSON, too many fields —
// makes it decline, and the general path decodes the record (and words any
// error). TestWinFlatFastMatchesGeneral and the fuzz targets check that both
// paths agree.

// fastWinFlat decodes body as flat Windows event JSON if the fast path can,
// and reports whether it did; when it did, err is the decode's result.
// format is event.FormatWinFlat or event.FormatAuto; with FormatAuto the
// record must be one Detect classifies as winevt.
func (s *Set) fastWinFlat(b *builder, format event.Format, body []byte, ev *event.Event) (done bool, err error) {
	b.reset()
	b.format = event.FormatWinFlat
	hints, ok := b.scanFlat(body, format == event.FormatAuto)
	if !ok {
		return false, nil
	}
	if format == event.FormatAuto && hints&(hintEventID|hintWinHint) != hintEventID|hintWinHint {
		return false, nil // not winevt by detection: the general path decides
	}
	all, ok := b.copyFlat(body)
	if !ok {
		return false, nil
	}
	ev.Format = event.FormatWinFlat
	b.finishString(ev, all)
	return true, finishWindows(ev, "Hostname", "RecordNumber")
}

// copyFlat copies body once into a fresh buffer and unescapes each escaped
// value in place, within its own span (unescaping only shrinks; the bytes
// left over are not part of any field). The buffer comes from a
// strings.Builder, which does not zero it first; it is written only here,
// before the string is handed out, so that string is immutable as Go
// requires. false: an escape the fast path does not take.
func (b *builder) copyFlat(body []byte) (string, bool) {
	var sb strings.Builder
	sb.Grow(len(body))
	sb.Write(body)
	all := sb.String()
	buf := unsafe.Slice(unsafe.StringData(all), len(all))
	for _, i := range b.escs {
		sp := &b.spans[i]
		n, ok := unescapeInPlace(buf[sp.v0:sp.v1])
		if !ok {
			return "", false
		}
		sp.v1 = sp.v0 + uint32(n)
	}
	return all, true
}

// Detection hints gathered while scanning (see scanTop).
const (
	hintEventID = 1 << iota // "EventID"
	hintWinHint             // "Channel", "SourceName" or "Hostname"
)

// scanFlat scans a flat JSON object into b.spans (offsets into body) and
// b.escs (spans whose value has escapes). ok is false when the record is not
// one the fast path takes. With auto, keys that steer detection elsewhere
// (vigil.format, vigil, resourceType) also decline.
func (b *builder) scanFlat(body []byte, auto bool) (hints int, ok bool) {
	n := len(body)
	if n < 2 || body[0] != '{' {
		return 0, false
	}
	i := skipWSAt(body, 1)
	if i < n && body[i] == '}' {
		return 0, false // empty object: rare, left to the general path
	}
	for {
		// Key.
		if i >= n || body[i] != '"' {
			return 0, false
		}
		k0 := i + 1
		q := bytes.IndexByte(body[k0:], '"')
		if q < 0 {
			return 0, false
		}
		k1 := k0 + q
		key := body[k0:k1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return 0, false
		}
		if auto {
			switch string(key) {
			case "EventID":
				hints |= hintEventID
			case "Channel", "SourceName", "Hostname":
				hints |= hintWinHint
			case "vigil.format", "vigil", "resourceType":
				return 0, false
			}
		}
		i = skipWSAt(body, k1+1)
		if i >= n || body[i] != ':' {
			return 0, false
		}
		i = skipWSAt(body, i+1)
		if i >= n {
			return 0, false
		}
		if body[i] == '[' {
			i = skipWSAt(body, i+1)
			if i < n && body[i] == ']' {
				i++
			} else {
				for {
					if i, ok = b.scanScalar(body, i, k0, k1); !ok {
						return 0, false
					}
					i = skipWSAt(body, i)
					if i >= n {
						return 0, false
					}
					if body[i] == ']' {
						i++
						break
					}
					if body[i] != ',' {
						return 0, false
					}
					i = skipWSAt(body, i+1)
				}
			}
		} else if i, ok = b.scanScalar(body, i, k0, k1); !ok {
			return 0, false
		}
		i = skipWSAt(body, i)
		if i >= n {
			return 0, false
		}
		switch body[i] {
		case ',':
			i = skipWSAt(body, i+1)
		case '}':
			if skipWSAt(body, i+1) != n {
				return 0, false
			}
			return hints, true
		default:
			return 0, false
		}
	}
}

// scanScalar scans the scalar value at body[i] and appends its span under
// the key body[k0:k1]. It returns the offset after it. Keys are not
// interned here: they are in the event's copy of the record anyway.
func (b *builder) scanScalar(body []byte, i int, k0, k1 int) (int, bool) {
	if len(b.spans) >= MaxFields {
		return 0, false
	}
	sp := span{k0: uint32(k0), k1: uint32(k1), v0: uint32(i), kind: event.KindString}
	switch c := body[i]; {
	case c == '"':
		end, esc, ok := scanString(body, i+1)
		if !ok {
			return 0, false
		}
		sp.v0, sp.v1 = uint32(i+1), uint32(end)
		if esc {
			b.escs = append(b.escs, int32(len(b.spans)))
		}
		i = end + 1
	case c == 't' || c == 'f' || c == 'n':
		lit, kind := "true", event.KindBool
		if c == 'f' {
			lit = "false"
		} else if c == 'n' {
			lit, kind = "null", event.KindNull
		}
		if len(body)-i < len(lit) || string(body[i:i+len(lit)]) != lit {
			return 0, false
		}
		sp.kind, sp.v1 = kind, uint32(i+len(lit))
		if kind == event.KindNull {
			sp.v1 = sp.v0 // null is ""
		}
		i += len(lit)
	default:
		end := scanNumber(body, i)
		if end < 0 {
			return 0, false
		}
		sp.kind, sp.v1 = event.KindNumber, uint32(end)
		i = end
	}
	b.spans = append(b.spans, sp)
	return i, true
}
