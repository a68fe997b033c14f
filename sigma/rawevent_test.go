package sigma

import (
	"github.com/valyala/fastjson"
)

// rawEvent is the scan benchmark's raw-JSON Event: unlike jsonEvent it does
// not flatten the line up front. RangeLazyFields walks the parsed object and
// hands the matcher only the fields the ruleset uses (Ruleset.Uses), as
// handles, so fastjson unescapes only the values the matcher then reads
// (FieldValue); Keywords walks (and unescapes) everything. Strings point
// into the parser's memory (valid until the next parse).
type rawEvent struct {
	p      fastjson.Parser
	v      *fastjson.Value
	uses   func(name string) bool // nil: every field
	numBuf []byte
	hs     []*fastjson.Value // RangeLazyFields handles of this event
}

func (e *rawEvent) parse(line []byte) error {
	v, err := e.p.ParseBytes(line)
	if err != nil {
		return err
	}
	e.v, e.numBuf, e.hs = v, e.numBuf[:0], e.hs[:0]
	return nil
}

// walk calls fn with the leaves under v, named as jsonEvent names them;
// with filter set, only leaves whose name the ruleset uses are decoded.
func (e *rawEvent) walk(key string, v *fastjson.Value, filter bool, fn func(name string, v *fastjson.Value) bool) bool {
	if o := v.GetObject(); o != nil {
		stop := false
		o.Visit(func(k []byte, c *fastjson.Value) {
			if stop {
				return
			}
			name := bstr(k)
			if key != "" {
				name = key + "." + name // nested objects are rare in this file
			}
			stop = e.walk(name, c, filter, fn)
		})
		return stop
	}
	if filter && e.uses != nil && !e.uses(key) {
		return false // no rule reads it: leave it raw (an array shares its key)
	}
	if a := v.GetArray(); a != nil {
		for _, c := range a {
			if e.walk(key, c, filter, fn) {
				return true
			}
		}
		return false
	}
	return fn(key, v)
}

// leaf returns the text of a scalar as jsonEvent spells it.
func (e *rawEvent) leaf(v *fastjson.Value) string {
	switch v.Type() { // Type unescapes a string in place, once
	case fastjson.TypeString:
		return bstr(v.GetStringBytes())
	case fastjson.TypeNull:
		return ""
	case fastjson.TypeTrue:
		return "true"
	case fastjson.TypeFalse:
		return "false"
	}
	// number: its JSON spelling, kept in numBuf
	if cap(e.numBuf) == 0 {
		e.numBuf = make([]byte, 0, 1<<16)
	}
	n := len(e.numBuf)
	buf := v.MarshalTo(e.numBuf)
	if cap(buf) == cap(e.numBuf) {
		e.numBuf = buf
		return bstr(buf[n:])
	}
	return string(buf[n:]) // numBuf is full (never for this file)
}

// Field implements Event: the first value of name.
func (e *rawEvent) Field(name string) (value string, ok bool) {
	e.walk("", e.v, false, func(k string, v *fastjson.Value) bool {
		if k == name {
			value, ok = e.leaf(v), true
		}
		return ok
	})
	return value, ok
}

// RangeFields implements FieldRanger: only the fields the ruleset uses.
func (e *rawEvent) RangeFields(fn func(name, value string)) {
	e.walk("", e.v, true, func(k string, v *fastjson.Value) bool {
		fn(k, e.leaf(v))
		return false
	})
}

// RangeLazyFields implements LazyFieldRanger: only the fields the ruleset
// uses, undecoded.
func (e *rawEvent) RangeLazyFields(fn func(name string, h int)) {
	e.walk("", e.v, false, func(k string, v *fastjson.Value) bool {
		e.hs = append(e.hs, v)
		fn(k, len(e.hs)-1)
		return false
	})
}

// FieldValue implements LazyFieldRanger.
func (e *rawEvent) FieldValue(h int) string { return e.leaf(e.hs[h]) }

// Keywords implements Event: every value.
func (e *rawEvent) Keywords(fn func(string) bool) bool {
	return e.walk("", e.v, false, func(_ string, v *fastjson.Value) bool { return fn(e.leaf(v)) })
}
