package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/store"
)

// memResponses keeps approvals and actions in memory (no paging: the
// store suite tests paging; here only the API shape matters).
type memResponses struct {
	mu        sync.Mutex
	approvals []store.Approval
	actions   []store.Action
}

func (m *memResponses) InsertApproval(_ context.Context, a store.Approval) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.approvals = append(m.approvals, a)
	return true, nil
}
func (m *memResponses) UpdateApproval(context.Context, store.Approval) error { return nil }
func (m *memResponses) GetApproval(_ context.Context, id string) (store.Approval, error) {
	return store.Approval{}, fmt.Errorf("approval %s: %w", id, store.ErrNotFound)
}
func (m *memResponses) ListApprovals(_ context.Context, q store.ResponseQuery) (store.ApprovalPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Approval
	for _, a := range m.approvals {
		if q.Status == "" || a.Status == q.Status {
			out = append(out, a)
		}
	}
	return store.ApprovalPage{Approvals: out}, nil
}
func (m *memResponses) InsertAction(_ context.Context, a store.Action) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.actions = append(m.actions, a)
	return true, nil
}
func (m *memResponses) UpdateAction(context.Context, store.Action) error { return nil }
func (m *memResponses) GetAction(_ context.Context, id string) (store.Action, error) {
	return store.Action{}, fmt.Errorf("action %s: %w", id, store.ErrNotFound)
}
func (m *memResponses) ListActions(_ context.Context, q store.ResponseQuery) (store.ActionPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Action
	for _, a := range m.actions {
		if q.IncidentID == "" || a.IncidentID == q.IncidentID {
			out = append(out, a)
		}
	}
	return store.ActionPage{Actions: out}, nil
}

// fakeApprover answers by approval id.
type fakeApprover struct{ got []string }

func (f *fakeApprover) Decide(_ context.Context, id, actor, role, decision, reason string) (store.Approval, error) {
	f.got = append(f.got, strings.Join([]string{id, actor, role, decision, reason}, "|"))
	switch id {
	case "mine":
		return store.Approval{}, fmt.Errorf("requester: %w", ErrApprovalForbidden)
	case "old":
		return store.Approval{}, fmt.Errorf("expired: %w", ErrApprovalClosed)
	case "nope":
		return store.Approval{}, fmt.Errorf("x: %w", store.ErrNotFound)
	}
	if decision != "approve" && decision != "deny" {
		return store.Approval{}, fmt.Errorf("decision: %w", ErrApprovalInvalid)
	}
	return store.Approval{ID: id, Status: "approved"}, nil
}

func TestApprovalAndActionRoutes(t *testing.T) {
	a := newTestAPI(t, Config{})
	ap := &fakeApprover{}
	a.srv.deps.Approver = ap
	st := a.st
	exec := time.Date(2026, 11, 28, 10, 5, 0, 0, time.UTC)
	_, _ = st.InsertAction(context.Background(), store.Action{ID: "act-1", IncidentID: "inc-1", Playbook: "pb",
		Step: "s", Action: "scim.disable", Target: "user:jdoe42", Status: "succeeded",
		Params: map[string]string{"body": "pat-000123"}, RequestedAt: exec.Add(-time.Minute), ExecutedAt: exec})
	_, _ = st.InsertAction(context.Background(), store.Action{ID: "act-2", IncidentID: "inc-2", Status: "pending_approval"})
	_, _ = st.InsertApproval(context.Background(), store.Approval{ID: "apr-1", Status: "pending", Roles: []string{"responder"}})

	resp, body := a.do("GET", "/api/v1/actions?incident=inc-1", a.tokens[auth.RoleViewer], nil)
	var page struct {
		Actions []map[string]any `json:"actions"`
		Next    string           `json:"next"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &page) != nil || len(page.Actions) != 1 {
		t.Fatalf("GET actions: %d %s", resp.StatusCode, body)
	}
	for _, k := range []string{"id", "incident_id", "finding_id", "playbook", "step", "action", "target", "status",
		"dry_run", "requested_at", "executed_at", "error"} {
		if _, ok := page.Actions[0][k]; !ok {
			t.Errorf("action lacks %q: %s", k, body)
		}
	}
	if page.Actions[0]["executed_at"] != "2026-11-28T10:05:00Z" || strings.Contains(string(body), "pat-000123") {
		t.Errorf("action body %s: want executed_at and no params", body)
	}
	_, body = a.do("GET", "/api/v1/actions?incident=inc-2", a.tokens[auth.RoleViewer], nil)
	if !strings.Contains(string(body), `"executed_at":null`) {
		t.Errorf("not executed: %s", body)
	}
	resp, body = a.do("GET", "/api/v1/approvals?status=pending", a.tokens[auth.RoleClinicalEngineering], nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"id":"apr-1"`) {
		t.Fatalf("GET approvals: %d %s", resp.StatusCode, body)
	}
	cases := []struct {
		id, body string
		want     int
	}{
		{"apr-1", `{"decision":"approve","reason":"checked"}`, 200},
		{"mine", `{"decision":"approve"}`, 403},
		{"old", `{"decision":"deny"}`, 409},
		{"nope", `{"decision":"deny"}`, 404},
		{"apr-1", `{"decision":"maybe"}`, 400},
		{"apr-1", `{"decision":"approve","extra":1}`, 400},
		{"apr-1", `{"decision":"approve","reason":"` + strings.Repeat("x", 2<<20) + `"}`, 413},
	}
	for _, c := range cases {
		resp, body := a.do("POST", "/api/v1/approvals/"+c.id, a.tokens[auth.RoleClinicalEngineering], strings.NewReader(c.body),
			"Content-Type", "application/json")
		if resp.StatusCode != c.want {
			t.Errorf("POST %s %.60s: %d %s, want %d", c.id, c.body, resp.StatusCode, body, c.want)
		}
	}
	if len(ap.got) == 0 || ap.got[0] != "apr-1|tok-clinical_engineering|clinical_engineering|approve|checked" {
		t.Errorf("approver got %v", ap.got)
	}
	recs, _ := st.ListAudit(context.Background(), 0, 1000)
	found := false
	for _, r := range recs {
		found = found || (r.Action == "POST /api/v1/approvals/{id}" && r.Target == "apr-1" && r.Status == http.StatusOK)
	}
	if !found {
		t.Errorf("decision not in the audit chain: %+v", recs)
	}
}
