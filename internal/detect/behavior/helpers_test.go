package behavior

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

var decoders = decode.NewSet()

// t0 is a Monday 00:00 UTC.
var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

var evSeq int

func nextID(prefix string) string {
	evSeq++
	return fmt.Sprintf("%s-%06d", prefix, evSeq)
}

// ecsEvent decodes an ECS event (dotted keys) with the real decoder.
func ecsEvent(t testing.TB, at time.Time, fields map[string]any) *event.Event {
	t.Helper()
	m := map[string]any{"@timestamp": at.Format(time.RFC3339Nano), "event.id": nextID("ecs")}
	for k, v := range fields {
		m[k] = v
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	ev := new(event.Event)
	if err := decoders.Decode(event.FormatECS, raw, ev); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return ev
}

// auditEvent decodes a FHIR AuditEvent of action (read, export, search) by
// user on patient with outcome "0" (success) or "4" (failure).
func auditEvent(t testing.TB, at time.Time, user, ip, patient, action, outcome string) *event.Event {
	t.Helper()
	typ := `{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"}`
	sub := `[{"system":"http://hl7.org/fhir/restful-interaction","code":"read"}]`
	switch action {
	case "export":
		typ = `{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110106"}`
		sub = `[]`
	case "search":
		sub = `[{"system":"http://hl7.org/fhir/restful-interaction","code":"search-type"}]`
	}
	raw := fmt.Sprintf(`{"resourceType":"AuditEvent","id":%q,"type":%s,"subtype":%s,"action":"R",
"recorded":%q,"outcome":%q,
"agent":[{"who":{"identifier":{"value":%q}},"requestor":true,"network":{"address":%q,"type":"2"}}],
"source":{"observer":{"display":"ehr-prod"}},
"entity":[{"what":{"reference":"Patient/%s"}}]}`,
		nextID("ae"), typ, sub, at.Format(time.RFC3339Nano), outcome, user, ip, patient)
	ev := new(event.Event)
	if err := decoders.Decode(event.FormatFHIR, []byte(raw), ev); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return ev
}

// run feeds events to d and returns the findings.
func run(d *Detector, evs ...*event.Event) []finding.Finding {
	var out []finding.Finding
	for _, ev := range evs {
		d.Detect(context.Background(), ev, func(f finding.Finding) { out = append(out, f) })
	}
	return out
}

// only keeps findings of one rule ("mass-access" → "behavior.mass-access").
func only(fs []finding.Finding, rule string) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.RuleID == Name+"."+rule {
			out = append(out, f)
		}
	}
	return out
}

func rules(fs []finding.Finding) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.RuleID+"/"+string(f.Severity))
	}
	return strings.Join(s, ",")
}

// checkFinding asserts the invariants every finding has.
func checkFinding(t *testing.T, f finding.Finding) {
	t.Helper()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(f.EventIDs) == 0 || len(f.EventIDs) > maxEvidence {
		t.Fatalf("%s: %d evidence ids", f.RuleID, len(f.EventIDs))
	}
	if !strings.HasPrefix(f.Tags[0], "score:") || !strings.Contains(f.Explanation, "Score ") {
		t.Fatalf("%s: no score in tags %v / explanation %q", f.RuleID, f.Tags, f.Explanation)
	}
	if f.ID != finding.DeriveID(Name, f.RuleID, f.EventIDs) {
		t.Fatalf("%s: id not derived from evidence", f.RuleID)
	}
}

func hasTag(f finding.Finding, prefix string) bool {
	for _, t := range f.Tags {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// dir is a test Directory.
type dir struct {
	users  map[string][2]string
	assets map[string]struct {
		kind string
		crit int
	}
}

func newDir() *dir {
	return &dir{users: map[string][2]string{}, assets: map[string]struct {
		kind string
		crit int
	}{}}
}

func (d *dir) user(name, role, dept string) *dir { d.users[name] = [2]string{role, dept}; return d }

func (d *dir) asset(kind string, crit int, keys ...string) *dir {
	for _, k := range keys {
		d.assets[k] = struct {
			kind string
			crit int
		}{kind, crit}
	}
	return d
}

func (d *dir) UserGroup(u string) (string, string, bool) {
	g, ok := d.users[u]
	return g[0], g[1], ok
}

func (d *dir) Asset(k string) (string, int, bool) {
	a, ok := d.assets[k]
	return a.kind, a.crit, ok
}
