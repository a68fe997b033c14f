package decode

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

func TestFHIR(t *testing.T) {
	cases := []struct {
		file   string
		id     string // "" = content id
		time   time.Time
		ent    event.Entities
		fields map[string]string
		absent []string
	}{
		{
			file: filepath.Join(dataDir, "fhir/r4/AuditEvent-example-media.json"),
			id:   event.SourceID(event.FormatFHIR, "example-media"),
			time: time.Date(2015, 8, 27, 23, 42, 24, 0, time.UTC),
			ent: event.Entities{User: "95",
				Patient: "e3cdfc81a0d24bd^^^&2.16.840.1.113883.4.2&ISO"},
			fields: map[string]string{"event.action": "export", "event.outcome": "success",
				"fhir.type.code": "110106", "fhir.subtype.code": "ITI-32", "fhir.agent.name": "Grahame Grieve",
				"fhir.text.status": "generated", "user.name": "95"},
			absent: []string{"fhir.text.div", "fhir.purpose_of_use", "fhir.query"},
		},
		{
			file: "testdata/fhir/breakglass-r4.json",
			id:   event.SourceID(event.FormatFHIR, "btg-1"),
			time: time.Date(2024, 5, 1, 1, 4, 5, 123e6, time.UTC),
			ent:  event.Entities{User: "Practitioner/f001", SrcIP: "10.20.30.40", Patient: "example"},
			fields: map[string]string{"event.action": "break-the-glass", "fhir.purpose_of_use": "BTG",
				"patient.id": "example", "source.ip": "10.20.30.40"},
			absent: []string{"fhir.text.div"},
		},
		{
			file: "testdata/fhir/search-r4.json",
			time: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
			ent:  event.Entities{User: "nurse.jane", Patient: "MRN-555"},
			fields: map[string]string{"event.action": "search", "event.outcome": "failure",
				"fhir.purpose_of_use": "TREAT", "fhir.query": "name=Smith&birthdate=1970-01-01"},
		},
	}
	s := NewSet()
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			raw := mustRead(t, c.file)
			if f := Detect(raw); f != event.FormatFHIR {
				t.Errorf("Detect = %q", f)
			}
			var ev event.Event
			if err := s.Decode(event.FormatAuto, raw, &ev); err != nil {
				t.Fatal(err)
			}
			id := c.id
			if id == "" {
				id = event.ContentID(raw)
			}
			if ev.ID != id || ev.Format != event.FormatFHIR {
				t.Errorf("ID %s format %q, want %s fhir", ev.ID, ev.Format, id)
			}
			if !ev.Time.Equal(c.time) || ev.Time.Location() != time.UTC {
				t.Errorf("time %v want %v", ev.Time, c.time)
			}
			if ev.Entities != c.ent {
				t.Errorf("entities %+v\nwant %+v", ev.Entities, c.ent)
			}
			for k, v := range c.fields {
				if got, ok := ev.Get(k); !ok || got != v {
					t.Errorf("%s = %q (%v), want %q", k, got, ok, v)
				}
			}
			for _, k := range c.absent {
				if _, ok := ev.Get(k); ok {
					t.Errorf("%s present", k)
				}
			}
			if !strings.Contains(string(ev.Raw), `"div"`) && strings.Contains(string(raw), `"div"`) {
				t.Error("narrative must stay in Raw")
			}
		})
	}
}

// TestFHIRBreakGlassR5 follows the break-glass start example of the FHIR
// build (fhir/build-xml/auditevent-example-breakglass-start.xml), in JSON:
// R5 outcome object, authorization ETREAT and subtype 110127.
func TestFHIRBreakGlassR5(t *testing.T) {
	raw := []byte(`{"resourceType":"AuditEvent","id":"example-breakglass-start",
	"type":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110113","display":"Security Alert"}]},
	"subtype":[{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110127","display":"Emergency Override Started"}]}],
	"action":"E","recorded":"2013-09-22T00:08:00Z",
	"outcome":{"code":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-outcome","code":"0","display":"Success"}},
	"authorization":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"ETREAT"}]}],
	"agent":[{"who":{"reference":"Practitioner/f001"},"requestor":true,"networkString":"custodian.net"}],
	"source":{"observer":{"display":"Watchers Accounting of Disclosures Application"}},
	"entity":[{"what":{"reference":"Patient/example"},"role":{"coding":[{"code":"1","display":"Patient"}]}}]}`)
	var ev event.Event
	if err := NewSet().Decode(event.FormatFHIR, raw, &ev); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"event.action": "break-the-glass", "event.outcome": "success",
		"fhir.purpose_of_use": "ETREAT", "patient.id": "example", "user.name": "Practitioner/f001",
		"source.ip": "custodian.net"} {
		if got, _ := ev.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestFHIRErrors(t *testing.T) {
	cases := []struct{ raw, field, text string }{
		{`{"resourceType":"AuditEvent","recorded":5}`, "recorded", `field "recorded": not a string`},
		{`{"resourceType":"AuditEvent","recorded":"27/08/2015"}`, "recorded", `field "recorded": not an RFC 3339 time`},
		{`{"resourceType":"AuditEvent","outcome":true}`, "outcome", ""},
		{`{"resourceType":"AuditEvent","outcome":"3"}`, "outcome", ""},
		{`{"resourceType":"AuditEvent","id":1}`, "id", ""},
		{`{"resourceType":"AuditEvent","agent":{}}`, "agent", `field "agent": not an array`},
		{`{"resourceType":"Patient"}`, "resourceType", ""},
	}
	s := NewSet()
	for _, c := range cases {
		var ev event.Event
		err := s.Decode(event.FormatFHIR, []byte(c.raw), &ev)
		assertErr(t, err, event.FormatFHIR, c.field, c.text)
	}
}

func TestFHIRBadBase64Query(t *testing.T) {
	raw := []byte(`{"resourceType":"AuditEvent","entity":[{"query":"%%%not base64"}]}`)
	var ev event.Event
	if err := NewSet().Decode(event.FormatAuto, raw, &ev); err != nil {
		t.Fatal(err)
	}
	if _, ok := ev.Get("fhir.query"); ok {
		t.Error("undecodable query must not produce fhir.query")
	}
	if v, _ := ev.Get("fhir.entity.query"); v != "%%%not base64" {
		t.Errorf("raw query kept as %q", v)
	}
	if v, _ := ev.Get("event.action"); v != "unknown" {
		t.Errorf("action %q", v)
	}
}
