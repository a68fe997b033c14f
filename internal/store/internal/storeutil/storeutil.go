// Package storeutil holds what the SQL store implementations share: keyset
// cursors, limit handling, rebuilding event fields from their stored JSON,
// decoding finding, incident, token and audit rows (through a scan
// function, so *sql.Rows and pgx.Rows both serve) and the mapping of
// canonical entity fields to indexed columns.
package storeutil

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
)

// ErrBadCursor is returned (wrapped) for a cursor that was not produced by
// this store.
var ErrBadCursor = errors.New("store: bad cursor")

// EncodeCursor makes the opaque cursor for the keyset position (t, id).
func EncodeCursor(t int64, id string) string {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(id)), uint64(t))
	return base64.RawURLEncoding.EncodeToString(append(b, id...))
}

// DecodeCursor reverses EncodeCursor.
func DecodeCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 8 {
		return 0, "", ErrBadCursor
	}
	return int64(binary.BigEndian.Uint64(b)), string(b[8:]), nil
}

// Limit applies DefaultLimit and MaxLimit; negative limits are an error.
func Limit(n int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("store: negative limit %d", n)
	case n == 0:
		return store.DefaultLimit, nil
	case n > store.MaxLimit:
		return store.MaxLimit, nil
	}
	return n, nil
}

// Nanos is t as Unix nanoseconds, 0 for the zero time.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Time reverses Nanos (UTC).
func Time(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// EntityColumns maps canonical entity field names to event-table columns.
var EntityColumns = map[string]string{
	event.FieldUser:     "user_name",
	event.FieldHost:     "host_name",
	event.FieldSourceIP: "src_ip",
	event.FieldDestIP:   "dst_ip",
	event.FieldPatient:  "patient",
	event.FieldDevice:   "device",
}

// EntityValues returns the entity keys stored in the entity columns, in
// the order user, host, src_ip, dst_ip, patient, device. Searches on the
// canonical entity fields use these columns: decoders mirror each entity
// into its canonical field (event.SetEntityFields), so they agree.
func EntityValues(ev *event.Event) [6]string {
	e := ev.Entities
	return [6]string{e.User, e.Host, e.SrcIP, e.DstIP, e.Patient, e.Device}
}

// DecodeFields rebuilds event fields from the stored FieldsJSON: keys in
// sorted order (as FieldsJSON writes them), values of a repeated key in
// their original order, every Kind KindString.
func DecodeFields(data []byte) ([]event.Field, error) {
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		return nil, fmt.Errorf("store: stored fields: %w", err)
	}
	o, err := v.Object()
	if err != nil {
		return nil, fmt.Errorf("store: stored fields: %w", err)
	}
	var fs []event.Field
	o.Visit(func(k []byte, v *fastjson.Value) {
		key := string(k)
		switch v.Type() {
		case fastjson.TypeArray:
			for _, e := range v.GetArray() {
				fs = append(fs, event.Field{Key: key, Value: string(e.GetStringBytes())})
			}
		default:
			fs = append(fs, event.Field{Key: key, Value: string(v.GetStringBytes())})
		}
	})
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Key < fs[j].Key })
	return fs, nil
}
