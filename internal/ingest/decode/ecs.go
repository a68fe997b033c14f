package decode

import (
	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// decodeECS decodes Elastic Common Schema JSON, nested ({"user":{"name":..}})
// or dotted ({"user.name":..}) or mixed: both flatten to the same dotted keys.
//
// Entities: user.name; host.name, else host.hostname, else observer.hostname,
// else observer.name; source.ip; destination.ip; and the hospital fields
// patient.id and device.id. ID: SourceID(ecs, event.id) when event.id is
// present, else ContentID(raw). Time: @timestamp (RFC 3339; an error if
// present and unparsable).
func decodeECS(b *builder, v *fastjson.Value, ev *event.Event) error {
	b.format = event.FormatECS
	o, _ := v.Object()
	if err := b.flattenObject(o, 1); err != nil {
		return err
	}
	b.finish(ev)
	var host [4]string
	var eventID string
	for i := range ev.Fields {
		f := &ev.Fields[i]
		switch f.Key {
		case event.FieldUser:
			setOnce(&ev.Entities.User, f.Value)
		case event.FieldHost:
			host[0] = first(host[0], f.Value)
		case "host.hostname":
			host[1] = first(host[1], f.Value)
		case "observer.hostname":
			host[2] = first(host[2], f.Value)
		case "observer.name":
			host[3] = first(host[3], f.Value)
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
		case "event.id":
			eventID = first(eventID, f.Value)
		}
	}
	ev.Entities.Host = pick(host[:])
	if eventID != "" {
		ev.ID = event.SourceID(event.FormatECS, eventID)
	} else {
		ev.ID = event.ContentID(ev.Raw)
	}
	return firstTime(ev, event.FieldTimestamp)
}

func setOnce(dst *string, v string) {
	if *dst == "" && usable(v) {
		*dst = v
	}
}

func first(cur, v string) string {
	if cur == "" {
		return v
	}
	return cur
}
