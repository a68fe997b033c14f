package decode

import (
	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// builder collects the flattened fields of one event in a single byte buffer
// (keys and values side by side); finish turns the buffer into one string and
// slices every key and value out of it, so an event costs one string
// allocation however many fields it has. A builder is reused across calls.
type builder struct {
	format event.Format
	buf    []byte
	spans  []span
	path   []byte // dotted prefix of the object being flattened
	// foldAttrs folds evtx "#attributes" objects: see flattenObject.
	foldAttrs bool
	// skip, if set, names one full dotted key that is not emitted.
	skip string
	// lastKeys[i] is the interned key of field i of the previous event ("" if
	// it was not interned): records of one source mostly repeat their key
	// order, and comparing with it is cheaper than a map lookup.
	lastKeys []string
	// escs lists the spans whose value still has JSON escapes (fast path).
	escs []int32
}

// intern returns the shared string for a top-level key, or "".
func (b *builder) intern(key []byte) string {
	if i := len(b.spans); i < len(b.lastKeys) {
		if k := b.lastKeys[i]; k != "" && k == string(key) {
			return k
		}
	}
	return internedKeys[string(key)]
}

type span struct {
	key            string // interned key, if not ""; else buf[k0:k1]
	k0, k1, v0, v1 uint32
	kind           event.Kind
}

func (b *builder) reset() {
	b.buf = b.buf[:0]
	b.spans = b.spans[:0]
	b.escs = b.escs[:0]
	b.path = b.path[:0]
	b.foldAttrs = false
	b.skip = ""
	b.format = ""
}

// add appends one field whose full key is prefix+key (prefix may be empty).
func (b *builder) add(prefix, key, value []byte, kind event.Kind) error {
	if len(b.spans) >= MaxFields {
		return errf(b.format, "", "more than %d fields (the limit)", MaxFields)
	}
	if len(prefix) == 0 {
		if ik := b.intern(key); ik != "" {
			v0 := len(b.buf)
			b.buf = append(b.buf, value...)
			b.spans = append(b.spans, span{ik, 0, 0, uint32(v0), uint32(len(b.buf)), kind})
			return nil
		}
	}
	k0 := len(b.buf)
	b.buf = append(b.buf, prefix...)
	b.buf = append(b.buf, key...)
	k1 := len(b.buf)
	if b.skip != "" && string(b.buf[k0:k1]) == b.skip {
		b.buf = b.buf[:k0]
		return nil
	}
	b.buf = append(b.buf, value...)
	b.spans = append(b.spans, span{"", uint32(k0), uint32(k1), uint32(k1), uint32(len(b.buf)), kind})
	return nil
}

// addString appends a field built from strings (canonical fields).
func (b *builder) addString(key, value string) error {
	if len(b.spans) >= MaxFields {
		return errf(b.format, "", "more than %d fields (the limit)", MaxFields)
	}
	k0 := len(b.buf)
	b.buf = append(b.buf, key...)
	k1 := len(b.buf)
	b.buf = append(b.buf, value...)
	b.spans = append(b.spans, span{"", uint32(k0), uint32(k1), uint32(k1), uint32(len(b.buf)), event.KindString})
	return nil
}

// finish appends the collected fields to ev.Fields.
func (b *builder) finish(ev *event.Event) { b.finishString(ev, string(b.buf)) }

// finishString appends the collected fields to ev.Fields, slicing keys and
// values out of s, which holds what the span offsets point into.
func (b *builder) finishString(ev *event.Event, s string) {
	if cap(ev.Fields)-len(ev.Fields) < len(b.spans) {
		f := make([]event.Field, len(ev.Fields), len(ev.Fields)+len(b.spans)+8)
		copy(f, ev.Fields)
		ev.Fields = f
	}
	if len(b.lastKeys) < len(b.spans) {
		b.lastKeys = append(b.lastKeys, make([]string, len(b.spans)-len(b.lastKeys))...)
	}
	for i := range b.spans {
		sp := &b.spans[i]
		b.lastKeys[i] = sp.key
		k := sp.key
		if k == "" {
			k = s[sp.k0:sp.k1]
		}
		ev.Fields = append(ev.Fields, event.Field{Key: k, Value: s[sp.v0:sp.v1], Kind: sp.kind})
	}
}

// flattenObject flattens the members of o under the current path. depth is
// the nesting level of o (the top-level object is 1).
//
// Nested objects become dotted keys; arrays of scalars become repeated keys;
// arrays of objects flatten their members under the same dotted key (no
// index). With foldAttrs (evtx), the members of an "#attributes" object are
// folded into their parent's level as "<parent>_<name>" (so
// Event.System.TimeCreated.#attributes.SystemTime becomes
// Event.System.TimeCreated_SystemTime, Provider.#attributes.Name becomes
// Provider_Name), and "#text" becomes the value of the parent key itself.
func (b *builder) flattenObject(o *fastjson.Object, depth int) error {
	if depth > MaxDepth {
		return errf(b.format, trimDot(b.path), "nesting deeper than %d levels (the limit)", MaxDepth)
	}
	var err error
	o.Visit(func(key []byte, v *fastjson.Value) {
		if err != nil {
			return
		}
		err = b.member(key, v, depth)
	})
	return err
}

func (b *builder) member(key []byte, v *fastjson.Value, depth int) error {
	if b.foldAttrs && len(key) > 0 && key[0] == '#' {
		switch string(key) {
		case "#attributes":
			if a, _ := v.Object(); a != nil && len(b.path) > 0 {
				return b.foldAttributes(a, depth+1)
			}
		case "#text":
			if len(b.path) > 0 {
				return b.value(b.path[:len(b.path)-1], nil, v, depth)
			}
		}
	}
	return b.value(b.path, key, v, depth)
}

// foldAttributes emits the members of an #attributes object as
// "<path>_<name>" where path is the parent element's dotted key.
func (b *builder) foldAttributes(a *fastjson.Object, depth int) error {
	if depth > MaxDepth {
		return errf(b.format, trimDot(b.path), "nesting deeper than %d levels (the limit)", MaxDepth)
	}
	saved := len(b.path)
	b.path[saved-1] = '_' // "Event.System.TimeCreated." -> "...TimeCreated_"
	var err error
	a.Visit(func(key []byte, v *fastjson.Value) {
		if err == nil {
			err = b.value(b.path, key, v, depth)
		}
	})
	b.path = b.path[:saved]
	b.path[saved-1] = '.'
	return err
}

// value emits v under prefix+key, recursing into objects and arrays.
func (b *builder) value(prefix, key []byte, v *fastjson.Value, depth int) error {
	switch v.Type() {
	case fastjson.TypeString:
		sb, _ := v.StringBytes()
		return b.add(prefix, key, sb, event.KindString)
	case fastjson.TypeNumber:
		return b.addNumber(prefix, key, v)
	case fastjson.TypeTrue:
		return b.add(prefix, key, []byte("true"), event.KindBool)
	case fastjson.TypeFalse:
		return b.add(prefix, key, []byte("false"), event.KindBool)
	case fastjson.TypeNull:
		return b.add(prefix, key, nil, event.KindNull)
	case fastjson.TypeObject:
		// prefix is always b.path or b.path minus its last byte (#text), so
		// the new path is built in place and cut back afterwards.
		o, _ := v.Object()
		saved := len(b.path)
		last := byte('.')
		if saved > 0 {
			last = b.path[saved-1]
		}
		b.path = append(append(b.path[:len(prefix)], key...), '.')
		err := b.flattenObject(o, depth+1)
		b.path = b.path[:saved]
		if saved > 0 {
			b.path[saved-1] = last
		}
		return err
	case fastjson.TypeArray:
		if depth+1 > MaxDepth {
			return errf(b.format, trimDot(append(append([]byte(nil), prefix...), key...)),
				"nesting deeper than %d levels (the limit)", MaxDepth)
		}
		arr, _ := v.Array()
		for _, e := range arr {
			if err := b.value(prefix, key, e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// addNumber appends a number field, copying its JSON spelling straight into
// the buffer (fastjson keeps numbers as text).
func (b *builder) addNumber(prefix, key []byte, v *fastjson.Value) error {
	if len(b.spans) >= MaxFields {
		return errf(b.format, "", "more than %d fields (the limit)", MaxFields)
	}
	if len(prefix) == 0 {
		if ik := b.intern(key); ik != "" {
			v0 := len(b.buf)
			b.buf = v.MarshalTo(b.buf)
			b.spans = append(b.spans, span{ik, 0, 0, uint32(v0), uint32(len(b.buf)), event.KindNumber})
			return nil
		}
	}
	k0 := len(b.buf)
	b.buf = append(b.buf, prefix...)
	b.buf = append(b.buf, key...)
	k1 := len(b.buf)
	if b.skip != "" && string(b.buf[k0:k1]) == b.skip {
		b.buf = b.buf[:k0]
		return nil
	}
	b.buf = v.MarshalTo(b.buf)
	b.spans = append(b.spans, span{"", uint32(k0), uint32(k1), uint32(k1), uint32(len(b.buf)), event.KindNumber})
	return nil
}

func trimDot(p []byte) string {
	if n := len(p); n > 0 && p[n-1] == '.' {
		p = p[:n-1]
	}
	return string(p)
}
