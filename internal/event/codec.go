package event

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// codecVersion is the first byte of every encoded Event; bump it when the
// layout changes and keep decoding the old one.
// Version 2 added Entities.Email.
const codecVersion = 2

// MarshalBinary encodes the Event compactly for the pipeline (JetStream
// message bodies). It never fails.
func (e *Event) MarshalBinary() ([]byte, error) {
	return e.AppendBinary(nil), nil
}

// AppendBinary appends the binary encoding of e to b.
func (e *Event) AppendBinary(b []byte) []byte {
	b = append(b, codecVersion)
	b = appendString(b, e.ID)
	b = binary.AppendVarint(b, timeNanos(e.Time))
	b = binary.AppendVarint(b, timeNanos(e.Ingested))
	b = appendString(b, string(e.Format))
	for _, s := range [...]string{e.Entities.User, e.Entities.Host, e.Entities.SrcIP,
		e.Entities.DstIP, e.Entities.Patient, e.Entities.Device, e.Entities.Email} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Fields)))
	for _, f := range e.Fields {
		b = append(b, byte(f.Kind))
		b = appendString(b, f.Key)
		b = appendString(b, f.Value)
	}
	b = appendString(b, string(e.Raw))
	return b
}

// UnmarshalBinary decodes what MarshalBinary produced. Strings are copied out
// of data, so data may be reused afterwards.
func (e *Event) UnmarshalBinary(data []byte) error {
	d := decoder{buf: data}
	v := d.byte()
	if v != 1 && v != codecVersion {
		return fmt.Errorf("event codec: unknown version %d", v)
	}
	e.ID = d.string()
	e.Time = fromNanos(d.varint())
	e.Ingested = fromNanos(d.varint())
	e.Format = Format(d.string())
	e.Entities = Entities{User: d.string(), Host: d.string(), SrcIP: d.string(),
		DstIP: d.string(), Patient: d.string(), Device: d.string()}
	if v >= 2 {
		e.Entities.Email = d.string()
	}
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.buf)) {
		d.err = errors.New("event codec: field count exceeds data")
	}
	if d.err != nil {
		return d.err
	}
	e.Fields = make([]Field, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := Kind(d.byte())
		e.Fields = append(e.Fields, Field{Kind: k, Key: d.string(), Value: d.string()})
	}
	e.Raw = []byte(d.string())
	if d.err == nil && len(d.buf) != 0 {
		d.err = errors.New("event codec: trailing bytes")
	}
	return d.err
}

func timeNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

type decoder struct {
	buf []byte
	err error
}

var errShort = errors.New("event codec: truncated data")

func (d *decoder) byte() byte {
	if d.err != nil || len(d.buf) == 0 {
		d.fail(errShort)
		return 0
	}
	c := d.buf[0]
	d.buf = d.buf[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)) {
		d.fail(errShort)
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}
