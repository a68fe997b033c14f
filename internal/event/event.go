// Package event defines Vigil's common Event: the form every source is decoded
// into once, at ingest, and that every detector, the store and the API read.
//
// An Event is a flat table of dotted field names to scalar values (nested JSON
// objects become "a.b.c"; arrays become several fields with the same key), plus
// a stable id, event time, ingest time, source format, the raw bytes and the
// entity keys (user, host, ips, patient, device) that detectors partition and
// correlate on. It never holds map[string]any: decoding into maps is what makes
// other engines slow.
package event

import (
	"strings"
	"time"
)

// Canonical field names. Decoders fill these (in addition to the source's own
// fields) so that queries, detectors and correlation can rely on one name.
const (
	FieldTimestamp = "@timestamp"
	FieldUser      = "user.name"
	FieldHost      = "host.name"
	FieldSourceIP  = "source.ip"
	FieldDestIP    = "destination.ip"
	FieldPatient   = "patient.id"
	FieldDevice    = "device.id"
	FieldEmail     = "email.from.address" // sender of an email (ECS)
	FieldAction    = "event.action"
	FieldOutcome   = "event.outcome"
	FieldDataset   = "event.dataset"
)

// Format names the source format an Event was decoded from.
type Format string

// Source formats understood by the decoders in internal/ingest/decode.
const (
	FormatECS      Format = "ecs"    // ECS-style JSON (nested or dotted keys)
	FormatWinFlat  Format = "winevt" // flat Windows event JSON (System + EventData at top level)
	FormatEvtxJSON Format = "evtx"   // nested evtx-dump JSON (Event.System / Event.EventData)
	FormatFHIR     Format = "fhir"   // FHIR R4 AuditEvent
	FormatCEF      Format = "cef"    // ArcSight Common Event Format
	FormatSyslog   Format = "syslog" // RFC 5424 / RFC 3164 message
	FormatAuto     Format = ""       // detect from content
	FormatJSON     Format = "json"   // any other JSON object: fields kept as they are
	FormatEML      Format = "eml"    // one RFC 5322 email message (raw), or a JSON envelope with raw_base64
)

// Kind is the JSON kind a field value came from; values are always kept as text.
type Kind uint8

// Field value kinds.
const (
	KindString Kind = iota
	KindNumber
	KindBool
	KindNull
)

// Field is one flattened field. Value holds the text of the value (numbers in
// their JSON spelling, booleans as "true"/"false", null as "").
type Field struct {
	Key   string
	Value string
	Kind  Kind
}

// Entities are the keys Vigil partitions, correlates and searches on. Empty
// means unknown. They mirror the canonical fields of the same meaning.
type Entities struct {
	User    string `json:"user,omitempty"`
	Host    string `json:"host,omitempty"`
	SrcIP   string `json:"src_ip,omitempty"`
	DstIP   string `json:"dst_ip,omitempty"`
	Patient string `json:"patient,omitempty"`
	Device  string `json:"device,omitempty"`
	Email   string `json:"email,omitempty"` // sender address of an email
}

// PartitionKey is the entity that keyed state of this event belongs to: the
// user if known, else the host, device, source ip, patient, email sender. "" when none.
func (e Entities) PartitionKey() string {
	for _, k := range [...]string{e.User, e.Host, e.Device, e.SrcIP, e.Patient, e.Email} {
		if k != "" {
			return k
		}
	}
	return ""
}

// Event is one decoded record. The zero value is empty but usable.
// An Event is not safe for concurrent mutation; once published it is treated
// as immutable.
type Event struct {
	ID       string    // stable: the source's own id, else a content hash
	Time     time.Time // when it happened (source time), UTC
	Ingested time.Time // when Vigil accepted it, UTC
	Format   Format
	Entities Entities
	Fields   []Field // in source order; a key may repeat (array values)
	Raw      []byte  // the record as received
}

// Get returns the first value of key and whether the key is present.
// Lookup is exact and case-sensitive.
func (e *Event) Get(key string) (string, bool) {
	for i := range e.Fields {
		if e.Fields[i].Key == key {
			return e.Fields[i].Value, true
		}
	}
	return "", false
}

// Values appends every value of key to dst and returns it.
func (e *Event) Values(dst []string, key string) []string {
	for i := range e.Fields {
		if e.Fields[i].Key == key {
			dst = append(dst, e.Fields[i].Value)
		}
	}
	return dst
}

// GetFold is Get with a case-insensitive key match.
func (e *Event) GetFold(key string) (string, bool) {
	for i := range e.Fields {
		if strings.EqualFold(e.Fields[i].Key, key) {
			return e.Fields[i].Value, true
		}
	}
	return "", false
}

// Add appends a field.
func (e *Event) Add(key, value string, kind Kind) {
	e.Fields = append(e.Fields, Field{Key: key, Value: value, Kind: kind})
}

// Set replaces the first field named key, or appends it.
func (e *Event) Set(key, value string, kind Kind) {
	for i := range e.Fields {
		if e.Fields[i].Key == key {
			e.Fields[i].Value, e.Fields[i].Kind = value, kind
			return
		}
	}
	e.Add(key, value, kind)
}

// SetEntityFields writes the non-empty entity keys as canonical fields, so that
// a query like user.name:alice finds the event whatever its source spelling.
func (e *Event) SetEntityFields() {
	set := func(k, v string) {
		if v != "" {
			e.Set(k, v, KindString)
		}
	}
	set(FieldUser, e.Entities.User)
	set(FieldHost, e.Entities.Host)
	set(FieldSourceIP, e.Entities.SrcIP)
	set(FieldDestIP, e.Entities.DstIP)
	set(FieldPatient, e.Entities.Patient)
	set(FieldDevice, e.Entities.Device)
	set(FieldEmail, e.Entities.Email)
}
