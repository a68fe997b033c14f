package event

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// batchMagic starts an encoded batch (distinct from codecVersion).
const batchMagic = 0xB1

// AppendBatch appends the encoding of several events as one pipeline
// message: a magic byte, the count, then each event's binary encoding with
// its length.
func AppendBatch(b []byte, evs []*Event) []byte {
	b = append(b, batchMagic)
	b = binary.AppendUvarint(b, uint64(len(evs)))
	var one []byte
	for _, ev := range evs {
		one = ev.AppendBinary(one[:0])
		b = binary.AppendUvarint(b, uint64(len(one)))
		b = append(b, one...)
	}
	return b
}

// DecodeBatch decodes what AppendBatch produced (or a single event encoded
// by MarshalBinary) and appends the events to dst.
func DecodeBatch(dst []*Event, data []byte) ([]*Event, error) {
	if len(data) > 0 && data[0] == codecVersion {
		ev := new(Event)
		if err := ev.UnmarshalBinary(data); err != nil {
			return dst, err
		}
		return append(dst, ev), nil
	}
	if len(data) == 0 || data[0] != batchMagic {
		return dst, errors.New("event batch: bad magic byte")
	}
	d := decoder{buf: data[1:]}
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.buf)) {
		return dst, errors.New("event batch: count exceeds data")
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		size := d.uvarint()
		if d.err != nil || size > uint64(len(d.buf)) {
			return dst, fmt.Errorf("event batch: event %d truncated", i)
		}
		ev := new(Event)
		if err := ev.UnmarshalBinary(d.buf[:size]); err != nil {
			return dst, fmt.Errorf("event batch: event %d: %w", i, err)
		}
		d.buf = d.buf[size:]
		dst = append(dst, ev)
	}
	if d.err != nil {
		return dst, d.err
	}
	if len(d.buf) != 0 {
		return dst, errors.New("event batch: trailing bytes")
	}
	return dst, nil
}
