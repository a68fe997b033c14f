package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/assist"
	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/store/sqlite"
)

// incidentAPI serves the API over a real SQLite store and incident manager.
func incidentAPI(t *testing.T) (*testAPI, *incident.Manager, *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/vigil.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mgr := incident.NewManager(st, incident.Config{}, incident.Options{})
	a := &testAPI{t: t, tokens: map[auth.Role]string{}}
	for _, r := range auth.AllRoles {
		sec, _, err := auth.CreateToken(ctx, st, "tok-"+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[r] = sec
	}
	a.srv = newServer(Config{}, Deps{Store: st, Auth: auth.NewAuthenticator(st, nil), Publisher: &fakePublisher{},
		DeadLetters: &fakeDLQ{}, Decoder: fakeDecoder{}, Audit: audit.NewLog(st), Incidents: mgr})
	a.ts = httptest.NewServer(a.srv.routes())
	t.Cleanup(a.ts.Close)
	base := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	fs := []finding.Finding{
		{ID: "fa", Time: base, Detector: "privacy", RuleID: "privacy.vip", Title: "VIP record opened by pat-000042's neighbour",
			Severity: finding.SeverityHigh, Confidence: 0.9, Entities: event.Entities{User: "jdoe42", Patient: "pat-000042"}, EventIDs: []string{"e1"}},
		{ID: "fb", Time: base.Add(time.Minute), Detector: "behavior", RuleID: "behavior.mass-access", Title: "mass access",
			Severity: finding.SeverityMedium, Confidence: 0.8, Entities: event.Entities{User: "jdoe42"}, EventIDs: []string{"e2"}},
		{ID: "fc", Time: base, Detector: "behavior", RuleID: "behavior.device-beaconing", Title: "beaconing",
			Severity: finding.SeverityCritical, Confidence: 0.9, Entities: event.Entities{Device: "AST-1"}, EventIDs: []string{"e3"}},
	}
	if _, err := st.PutFindings(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if err := mgr.HandleFindings(ctx, fs); err != nil {
		t.Fatal(err)
	}
	return a, mgr, st
}

func decodeAs[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

func TestIncidentRoutes(t *testing.T) {
	a, _, st := incidentAPI(t)
	an := a.tokens[auth.RoleAnalyst]
	ia, ic := incident.IDFor("fa"), incident.IDFor("fc")

	resp, body := a.do("GET", "/api/v1/incidents?entity=user:jdoe42", an, nil)
	page := decodeAs[incidentPage](t, body)
	if resp.StatusCode != 200 || len(page.Incidents) != 1 || page.Incidents[0].ID != ia {
		t.Fatalf("list by entity: %d %s", resp.StatusCode, body)
	}
	_, body = a.do("GET", "/api/v1/incidents?severity=critical", an, nil)
	if p := decodeAs[incidentPage](t, body); len(p.Incidents) != 1 || p.Incidents[0].ID != ic {
		t.Fatalf("list by severity: %s", body)
	}
	if resp, _ := a.do("GET", "/api/v1/incidents?severity=urgent", an, nil); resp.StatusCode != 400 {
		t.Errorf("bad severity: %d", resp.StatusCode)
	}

	patch := func(body string) (int, []byte) {
		resp, b := a.do("PATCH", "/api/v1/incidents/"+ia, an, strings.NewReader(body), "Content-Type", "application/json")
		return resp.StatusCode, b
	}
	if code, b := patch(`{"status":"resolved"}`); code != http.StatusConflict || !strings.Contains(string(b), "cannot change") {
		t.Errorf("invalid transition: %d %s", code, b)
	}
	if code, b := patch(`{"status":"done"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown status: %d %s", code, b)
	}
	if code, b := patch(`{"status":"investigating","assignee":"alice"}`); code != 200 {
		t.Fatalf("patch: %d %s", code, b)
	}
	_, body = a.do("GET", "/api/v1/incidents?assignee=alice&status=investigating", an, nil)
	if p := decodeAs[incidentPage](t, body); len(p.Incidents) != 1 {
		t.Errorf("list by assignee: %s", body)
	}
	resp, body = a.do("POST", "/api/v1/incidents/"+ia+"/notes", an, strings.NewReader(`{"text":"spoke to HR"}`))
	if resp.StatusCode != 201 {
		t.Fatalf("note: %d %s", resp.StatusCode, body)
	}
	resp, body = a.do("POST", "/api/v1/incidents/"+ia+"/merge", an, strings.NewReader(`{"incidents":["`+ic+`"]}`))
	if resp.StatusCode != 200 {
		t.Fatalf("merge: %d %s", resp.StatusCode, body)
	}
	resp, body = a.do("POST", "/api/v1/incidents/"+ia+"/split", an, strings.NewReader(`{"findings":["fc"]}`))
	split := decodeAs[map[string]incidentDetail](t, body)
	if resp.StatusCode != 201 || !slices.Equal(split["incident"].FindingIDs, []string{"fc"}) {
		t.Fatalf("split: %d %s", resp.StatusCode, body)
	}

	resp, body = a.do("GET", "/api/v1/incidents/"+ia, an, nil)
	d := decodeAs[incidentDetail](t, body)
	if resp.StatusCode != 200 || len(d.Findings) != 2 || d.Details.Risk == 0 {
		t.Fatalf("get: %d %s", resp.StatusCode, body)
	}
	var kinds []string
	for _, e := range d.Details.Timeline {
		kinds = append(kinds, e.Kind)
	}
	for _, k := range []string{"finding", "status", "assign", "note", "merge", "split"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("timeline lacks %s: %v", k, kinds)
		}
	}
	// A viewer sees the patient masked everywhere, timeline included.
	_, body = a.do("GET", "/api/v1/incidents/"+ia, a.tokens[auth.RoleViewer], nil)
	if strings.Contains(string(body), "pat-000042") {
		t.Errorf("viewer sees a patient id: %s", body)
	}
	recs, err := st.ListAudit(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, r := range recs {
		audited = append(audited, r.Action+" "+r.Target)
		if strings.Contains(r.Detail, "spoke to HR") {
			t.Error("note text in the audit log")
		}
	}
	for _, want := range []string{"PATCH /api/v1/incidents/{id} incident:" + ia, "POST /api/v1/incidents/{id}/notes incident:" + ia} {
		if !slices.Contains(audited, want) {
			t.Errorf("audit lacks %q: %v", want, audited)
		}
	}
}

func TestIncidentRoutesWithoutService(t *testing.T) {
	a := newTestAPI(t, Config{})
	resp, _ := a.do("PATCH", "/api/v1/incidents/x", a.tokens[auth.RoleAdmin], strings.NewReader(`{}`))
	if resp.StatusCode != http.StatusNotImplemented {
		t.Errorf("PATCH without a service: %d", resp.StatusCode)
	}
}

// assistAdapter adapts assist.Service to Assistant as internal/app does.
type assistAdapter struct{ s *assist.Service }

func (a assistAdapter) Summarize(ctx context.Context, id, actor string) (any, error) {
	return a.s.Summarize(ctx, id, actor)
}

func (a assistAdapter) Ask(ctx context.Context, r AskRequest, actor string) (any, error) {
	return a.s.Ask(ctx, r.IncidentID, r.Entity, r.Question, actor)
}

func TestAssistRoutes(t *testing.T) {
	a, mgr, st := incidentAPI(t)
	a.srv.deps.Assistant = assistAdapter{assist.NewService(assist.ServiceDeps{Source: st, Tagger: mgr})}
	an := a.tokens[auth.RoleAnalyst]
	resp, body := a.do("POST", "/api/v1/incidents/"+incident.IDFor("fa")+"/summary", an, nil)
	ans := decodeAs[assist.Answer](t, body)
	if resp.StatusCode != 200 || ans.Analyst != "deterministic" || len(ans.Statements) == 0 || ans.Flags == nil {
		t.Fatalf("summary: %d %s", resp.StatusCode, body)
	}
	if resp, _ := a.do("POST", "/api/v1/incidents/nope/summary", an, nil); resp.StatusCode != 404 {
		t.Errorf("summary of an unknown incident: %d", resp.StatusCode)
	}
	for body, want := range map[string]int{
		`{"entity":"user:jdoe42","question":"what happened?"}`:                   200,
		`{"incident_id":"x","entity":"user:jdoe42","question":"q"}`:              422,
		`{"entity":"jdoe42","question":"q"}`:                                     422,
		`{"entity":"user:jdoe42","question":"  "}`:                               422,
		`{"entity":"user:jdoe42","question":"q","close":true}`:                   400,
		`{"incident_id":"` + incident.IDFor("fc") + `","question":"is it bad?"}`: 200,
	} {
		resp, b := a.do("POST", "/api/v1/assist/ask", an, strings.NewReader(body))
		if resp.StatusCode != want {
			t.Errorf("ask %s: %d %s, want %d", body, resp.StatusCode, b, want)
		}
	}
}
