package app

import (
	"bytes"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/api"
	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/respond"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/sqlite"
)

func TestIncidentHookAndApproverAdapter(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out bytes.Buffer
	log := slog.New(slog.DiscardHandler)
	// No actions file: dry-run, built-ins only.
	eng, err := newResponder(Config{Out: &out}, st, audit.NewLog(st), log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "5 response playbooks (0 rejected), dry-run=true") {
		t.Errorf("startup line: %q", out.String())
	}
	inc := store.Incident{ID: "inc-7", Title: "device beaconing", Severity: finding.SeverityHigh,
		Entities: []string{"device:pump-3", "host:pump-3.ward"}, FindingIDs: []string{"f-1"}}
	added := []finding.Finding{{ID: "f-1", Detector: "behavior", RuleID: "behavior.device-beaconing",
		Severity: finding.SeverityHigh, Time: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}}
	RespondIncidentHook(eng, log)(t.Context(), inc, added)
	page, err := st.ListActions(t.Context(), store.ResponseQuery{IncidentID: "inc-7"})
	if err != nil || len(page.Actions) != 2 {
		t.Fatalf("actions = %+v, %v; want isolate + syslog of isolate-device", page.Actions, err)
	}
	for _, a := range page.Actions {
		if a.Status != "dry_run" || a.Playbook != "isolate-device" || !a.FirstEvent.Equal(added[0].Time) {
			t.Errorf("action %+v", a)
		}
	}
	// Proposals go to approval; the adapter maps the engine's refusals.
	pr := respondProposal("inc-7")
	id, err := RespondProposer{eng}.Propose(t.Context(), pr.IncidentID, pr.Action, pr.Params, pr.Reason)
	if err != nil {
		t.Fatal(err)
	}
	ad := approverAdapter{eng}
	if _, err := ad.Decide(t.Context(), id, "assist", "responder", "approve", ""); !errors.Is(err, api.ErrApprovalForbidden) {
		t.Errorf("self-approval: %v", err)
	}
	if _, err := ad.Decide(t.Context(), id, "r1", "responder", "perhaps", ""); !errors.Is(err, api.ErrApprovalInvalid) {
		t.Errorf("bad decision: %v", err)
	}
	if _, err := ad.Decide(t.Context(), id, "r1", "responder", "deny", "no"); err != nil {
		t.Fatal(err)
	}
	if _, err := ad.Decide(t.Context(), id, "r2", "responder", "approve", ""); !errors.Is(err, api.ErrApprovalClosed) {
		t.Errorf("decided twice: %v", err)
	}
}

func respondProposal(inc string) respond.Proposal {
	return respond.Proposal{IncidentID: inc, Action: "block.ip", Params: map[string]string{"ip": "203.0.113.7"},
		Reason: "beaconing destination"}
}
