package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

func seedEvents(t *testing.T, a *testAPI) {
	t.Helper()
	mk := func(id, user, patient, ref string, at time.Time) *event.Event {
		ev := &event.Event{ID: id, Time: at, Format: event.FormatFHIR, Raw: []byte(`{"raw":"` + patient + `"}`)}
		ev.Entities.User, ev.Entities.Patient = user, patient
		ev.Add("entity.what.reference", ref, event.KindString)
		ev.Add("note", "seen "+patient, event.KindString)
		ev.SetEntityFields()
		return ev
	}
	now := time.Now().UTC()
	if _, err := a.st.InsertEvents(context.Background(), []*event.Event{
		mk("ev1", "alice", "P12345", "https://fhir.example/Patient/P12345", now.Add(-time.Hour)),
		mk("ev2", "bob", "P99999", "Patient/P99999", now.Add(-48*time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}
}

func TestSearchMasksForViewer(t *testing.T) {
	a := newTestAPI(t, Config{})
	seedEvents(t, a)
	_, b := a.do("GET", "/api/v1/events?q=user.name:alice&from=now-24h", a.tokens[auth.RoleViewer], nil)
	var page eventPage
	mustJSON(t, b, &page)
	if len(page.Events) != 1 || page.Events[0].ID != "ev1" {
		t.Fatalf("viewer search: %s", b)
	}
	if strings.Contains(string(b), "P12345") {
		t.Fatalf("patient id visible to viewer: %s", b)
	}
	v := page.Events[0]
	if v.Entities.Patient != "***" || v.Fields["patient.id"] != "***" ||
		v.Fields["entity.what.reference"] != "https://fhir.example/Patient/***" || v.Fields["note"] != "seen ***" {
		t.Fatalf("masking: %+v", v)
	}
	_, b = a.do("GET", "/api/v1/events?q=user.name:alice", a.tokens[auth.RoleAnalyst], nil)
	if !strings.Contains(string(b), `"patient":"P12345"`) || !strings.Contains(string(b), "Patient/P12345") {
		t.Fatalf("analyst should see PHI: %s", b)
	}
}

func TestCountAndTimeRange(t *testing.T) {
	a := newTestAPI(t, Config{})
	seedEvents(t, a)
	for q, want := range map[string]string{
		"":                             `{"count":2}`,
		"?from=now-24h":                `{"count":1}`,
		"?to=now-1d":                   `{"count":1}`,
		"?q=user.name:bob&from=now-7d": `{"count":1}`,
		"?from=2000-01-01T00:00:00Z":   `{"count":2}`,
		"?q=NOT%20user.name:alice":     `{"count":1}`,
	} {
		resp, b := a.do("GET", "/api/v1/events/count"+q, a.tokens[auth.RoleViewer], nil)
		if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != want {
			t.Errorf("count%s = %d %s, want %s", q, resp.StatusCode, b, want)
		}
	}
}

func TestBadSearchParams(t *testing.T) {
	a := newTestAPI(t, Config{})
	for q, want := range map[string]string{
		`q=user.name:"unterminated`: "column",
		"from=yesterday":            "from:",
		"to=now-xyz":                "to:",
		"limit=0":                   "limit",
		"limit=5000":                "limit",
		"from=now&to=now-1h":        "before",
	} {
		resp, b := a.do("GET", "/api/v1/events?"+q, a.tokens[auth.RoleViewer], nil)
		var e errorBody
		mustJSON(t, b, &e)
		if resp.StatusCode != 400 || !strings.Contains(e.Error, want) || e.RequestID == "" {
			t.Errorf("%s: %d %s, want 400 mentioning %q", q, resp.StatusCode, b, want)
		}
	}
}

func TestGetEventRawOnlyWithPHI(t *testing.T) {
	a := newTestAPI(t, Config{})
	seedEvents(t, a)
	_, b := a.do("GET", "/api/v1/events/ev1", a.tokens[auth.RoleAnalyst], nil)
	var got eventWithRaw
	mustJSON(t, b, &got)
	if got.ID != "ev1" || got.Raw == "" {
		t.Fatalf("analyst: %s", b)
	}
	_, b = a.do("GET", "/api/v1/events/ev1", a.tokens[auth.RoleAuditor], nil)
	if strings.Contains(string(b), `"raw"`) || strings.Contains(string(b), "P12345") {
		t.Fatalf("auditor sees raw/PHI: %s", b)
	}
	if resp, _ := a.do("GET", "/api/v1/events/none", a.tokens[auth.RoleAnalyst], nil); resp.StatusCode != 404 {
		t.Fatalf("missing: %d", resp.StatusCode)
	}
}

func TestFindingsMasked(t *testing.T) {
	a := newTestAPI(t, Config{})
	f := finding.Finding{ID: "f1", Detector: "privacy", Severity: finding.SeverityHigh,
		Entities: event.Entities{User: "alice", Patient: "P12345"}, Explanation: "alice opened P12345's chart"}
	_, _ = a.st.PutFindings(context.Background(), []finding.Finding{f})
	_, b := a.do("GET", "/api/v1/findings?severity=medium", a.tokens[auth.RoleViewer], nil)
	if strings.Contains(string(b), "P12345") || !strings.Contains(string(b), "alice opened ***") {
		t.Fatalf("viewer: %s", b)
	}
	_, b = a.do("GET", "/api/v1/findings", a.tokens[auth.RoleResponder], nil)
	var page findingPage
	mustJSON(t, b, &page)
	if len(page.Findings) != 1 || page.Findings[0].Entities.Patient != "P12345" {
		t.Fatalf("responder: %s", b)
	}
	if resp, _ := a.do("GET", "/api/v1/findings?severity=urgent", a.tokens[auth.RoleViewer], nil); resp.StatusCode != 400 {
		t.Fatalf("bad severity: %d", resp.StatusCode)
	}
}

func TestMaskPHIShortIDsAndLists(t *testing.T) {
	v := event.View{Entities: event.Entities{Patient: "12"}, Fields: map[string]any{
		"event.code": "4120", "patient.name": []string{"Ann", "Lee"}, "pid": "12",
		"refs": []string{"Patient/abc", "Device/1"},
	}}
	maskPHI(&v)
	want := `{"event.code":"4120","patient.name":["***","***"],"pid":"***","refs":["Patient/***","Device/1"]}`
	if b, _ := json.Marshal(v.Fields); string(b) != want {
		t.Fatalf("got %s\nwant %s", b, want)
	}
}
