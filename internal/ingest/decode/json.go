package decode

import (
	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// decodeJSON decodes any other JSON object: flattened as it is, ID
// ContentID(raw), time from the first of @timestamp, timestamp, time that
// parses as RFC 3339 (unparsable values are left alone: the record's shape
// is unknown). Entities come from canonical field names when present.
func decodeJSON(b *builder, v *fastjson.Value, ev *event.Event) error {
	b.format = event.FormatJSON
	o, _ := v.Object()
	if err := b.flattenObject(o, 1); err != nil {
		return err
	}
	b.finish(ev)
	ev.ID = event.ContentID(ev.Raw)
	for _, k := range [...]string{event.FieldTimestamp, "timestamp", "time"} {
		if s, ok := ev.Get(k); ok {
			if t, ok := parseRFC3339(s); ok {
				ev.Time = t
				break
			}
		}
	}
	for i := range ev.Fields {
		f := &ev.Fields[i]
		switch f.Key {
		case event.FieldUser:
			setOnce(&ev.Entities.User, f.Value)
		case event.FieldHost:
			setOnce(&ev.Entities.Host, f.Value)
		case event.FieldSourceIP:
			setOnce(&ev.Entities.SrcIP, f.Value)
		case event.FieldDestIP:
			setOnce(&ev.Entities.DstIP, f.Value)
		case event.FieldPatient:
			setOnce(&ev.Entities.Patient, f.Value)
		case event.FieldDevice:
			setOnce(&ev.Entities.Device, f.Value)
		case event.FieldEmail:
			setOnce(&ev.Entities.Email, f.Value)
		}
	}
	return nil
}
