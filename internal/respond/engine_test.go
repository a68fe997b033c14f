package respond

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// forcedIsolate tries every way a playbook could skip a human: approval
// none, force true. The guard must still hold tier 1-2 devices.
const forcedIsolate = `
name: forced-isolate
trigger: {on: incident, rules: ["behavior.device-*"]}
steps:
  - name: isolate
    action: isolate.device
    connector: nac
    approval: none
    force: true
    with: {device: '{{ entity "device" }}'}
`

const disableUser = `
name: disable-user
trigger: {on: any, entity_kinds: [user], min_severity: high}
steps:
  - name: disable
    action: scim.disable
    approval: none
    force: true
    with: {user: '{{ entity "user" }}'}
    retries: 2
    backoff: 10ms
    timeout: 1s
`

func TestGuardHoldsCriticalDeviceWhateverThePlaybookSays(t *testing.T) {
	h := newHarness(t, false, forcedIsolate)
	h.runWorker(t)
	for _, dev := range []string{"vent-01", "mon-02", "10.1.2.3"} {
		if err := h.eng.HandleIncident(t.Context(), incident("inc-"+dev, finding.SeverityCritical,
			[]string{"behavior.device-beaconing"}, "device:"+dev)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // give the worker a chance to (wrongly) run something
	acts := h.actions(t)
	if len(acts) != 3 {
		t.Fatalf("actions = %d, want 3", len(acts))
	}
	for _, a := range acts {
		if a.Status != "pending_approval" || a.ApprovalID == "" {
			t.Errorf("action on %s: status %s, want pending_approval", a.Target, a.Status)
		}
		ap, err := h.st.GetApproval(t.Context(), a.ApprovalID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ap.Roles, []string{"clinical_engineering", "responder"}) || !strings.Contains(ap.Context, "tier") {
			t.Errorf("approval %+v: want clinical_engineering/responder roles and the tier in the context", ap)
		}
	}
	if n := h.exec.count(); n != 0 {
		t.Fatalf("executed %d actions on critical devices without approval", n)
	}
	// Clinical engineering approves one: only then it runs.
	a := acts[0]
	if _, err := h.eng.Decide(t.Context(), a.ApprovalID, Approver{Name: "ce-1", Role: "clinical_engineering"}, "approve", "pump swapped"); err != nil {
		t.Fatal(err)
	}
	done := h.waitStatus(t, a.ID, "succeeded")
	if done.ExecutedAt.IsZero() || done.RequestedAt.IsZero() || done.Attempts != 1 {
		t.Errorf("executed action %+v: want requested_at, executed_at and one attempt", done)
	}
	if h.exec.count() != 1 {
		t.Errorf("executions = %d, want 1", h.exec.count())
	}
	if !strings.Contains(h.log.joined(), "succeeded") {
		t.Errorf("incident timeline lacks the execution:\n%s", h.log.joined())
	}
}

func TestGuardUnrestrictedOfficeDeviceRunsAutomatically(t *testing.T) {
	h := newHarness(t, false, forcedIsolate)
	h.runWorker(t)
	s := incident("inc-ws", finding.SeverityHigh, []string{"behavior.device-lateral"}, "device:ws-office-9")
	if err := h.eng.HandleIncident(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	acts := h.actions(t)
	if len(acts) != 1 {
		t.Fatalf("actions = %+v", acts)
	}
	h.waitStatus(t, acts[0].ID, "succeeded")
	if h.exec.calls[0].Params["device"] != "ws-office-9" || h.exec.calls[0].Target != "device:ws-office-9" {
		t.Errorf("call = %+v", h.exec.calls[0])
	}
	// Replaying the same incident requests nothing new.
	if err := h.eng.HandleIncident(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if n := len(h.actions(t)); n != 1 {
		t.Errorf("after replay: %d actions, want 1", n)
	}
	want := []string{"respond.action.request", "respond.action.execute"}
	if got := h.auditActions(t); !slices.Equal(got, want) {
		t.Errorf("audit = %v, want %v", got, want)
	}
}

// A device missing from the asset inventory may be unregistered clinical
// equipment: isolating it waits for a person.
func TestGuardHoldsUnknownDevice(t *testing.T) {
	h := newHarness(t, false, forcedIsolate)
	h.runWorker(t)
	s := incident("inc-unknown", finding.SeverityHigh, []string{"behavior.device-lateral"}, "device:mystery-box")
	if err := h.eng.HandleIncident(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	acts := h.actions(t)
	if len(acts) != 1 || acts[0].Status != "pending_approval" {
		t.Fatalf("actions = %+v", acts)
	}
	if !internalTarget("ip", "10.9.9.9") || internalTarget("ip", "203.0.113.7") || !internalTarget("host", "x") {
		t.Error("internalTarget")
	}
}

func TestGuardClinicianOnShiftAndBreakTheGlass(t *testing.T) {
	h := newHarness(t, false, disableUser)
	h.runWorker(t)
	onShift := incident("inc-shift", finding.SeverityHigh, []string{"behavior.new-country"}, "user:nurse7")
	btg := incident("inc-btg", finding.SeverityHigh, []string{"privacy.btg-unexplained"}, "user:doc1")
	tagged := incident("inc-btg2", finding.SeverityHigh, []string{"behavior.off-hours"}, "user:doc2")
	tagged.Tags = []string{"break-the-glass"}
	plain := incident("inc-plain", finding.SeverityHigh, []string{"behavior.new-country"}, "user:clerk3")
	for _, s := range []Subject{onShift, btg, tagged, plain} {
		if err := h.eng.HandleIncident(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	byInc := map[string]string{}
	for _, a := range h.actions(t) {
		byInc[a.IncidentID] = a.ID
	}
	h.waitStatus(t, byInc["inc-plain"], "succeeded")
	for _, inc := range []string{"inc-shift", "inc-btg", "inc-btg2"} {
		a := h.waitStatus(t, byInc[inc], "pending_approval")
		ap, _ := h.st.GetApproval(t.Context(), a.ApprovalID)
		if !strings.Contains(ap.Reason, "patient-safety guard") {
			t.Errorf("%s: approval reason %q", inc, ap.Reason)
		}
		if inc == "inc-shift" && !strings.Contains(ap.Context, "enc-55") {
			t.Errorf("clinical context not shown: %q", ap.Context)
		}
	}
	if h.exec.count() != 1 {
		t.Errorf("executions = %d, want 1 (only the clerk)", h.exec.count())
	}
}

func TestGuardFailsClosedWithoutContext(t *testing.T) {
	h := newHarness(t, false, disableUser)
	h.eng.SetSafety(nil)
	if err := h.eng.HandleFinding(t.Context(), incident("f-x", finding.SeverityHigh, nil, "user:clerk3")); err != nil {
		t.Fatal(err)
	}
	if a := h.actions(t); len(a) != 1 || a[0].Status != "pending_approval" {
		t.Fatalf("actions = %+v, want one pending approval", a)
	}
}

const gated = `
name: gated
trigger: {on: incident}
steps:
  - name: only-critical
    condition: '{{ ge .SeverityRank 4 }}'
  - name: two-people
    approval: {roles: [responder], quorum: 2, expires: 1h}
  - name: ticket
    action: ticket
    with: {title: 'incident {{ .IncidentID }}'}
`

func TestApprovalQuorumRolesAndSelfApproval(t *testing.T) {
	h := newHarness(t, false, gated)
	h.runWorker(t)
	if err := h.eng.HandleIncident(t.Context(), incident("inc-low", finding.SeverityLow, nil)); err != nil {
		t.Fatal(err)
	}
	if a := h.actions(t); len(a) != 1 || a[0].Status != "skipped" || !strings.Contains(a[0].Error, "only-critical was false") {
		t.Fatalf("condition false: actions %+v, want one skipped", a)
	}
	if err := h.eng.HandleIncident(t.Context(), incident("inc-1", finding.SeverityHigh, nil)); err != nil {
		t.Fatal(err)
	}
	page, _ := h.st.ListActions(t.Context(), store.ResponseQuery{IncidentID: "inc-1"})
	acts := page.Actions
	if len(acts) != 1 || acts[0].Status != "pending_approval" || acts[0].Params["title"] != "incident inc-1" {
		t.Fatalf("actions = %+v", acts)
	}
	id := acts[0].ApprovalID
	cases := []struct {
		who  Approver
		want error
	}{
		{Approver{"viewer1", "analyst"}, ErrForbidden},
		{Approver{"playbook:gated", "responder"}, ErrForbidden}, // the requester
		{Approver{"r1", "responder"}, nil},
		{Approver{"r1", "responder"}, ErrForbidden}, // counts once
	}
	for _, c := range cases {
		_, err := h.eng.Decide(t.Context(), id, c.who, "approve", "ok")
		if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
			t.Errorf("Decide by %+v: %v, want %v", c.who, err, c.want)
		}
	}
	if h.waitStatus(t, acts[0].ID, "pending_approval"); h.exec.count() != 0 {
		t.Fatal("ran before quorum")
	}
	ap, err := h.eng.Decide(t.Context(), id, Approver{"r2", "responder"}, "approve", "agreed")
	if err != nil || ap.Status != "approved" || ap.Decided.IsZero() || len(ap.Decisions) != 2 {
		t.Fatalf("second approval: %+v, %v", ap, err)
	}
	h.waitStatus(t, acts[0].ID, "succeeded")
	if _, err := h.eng.Decide(t.Context(), id, Approver{"r3", "admin"}, "deny", "late"); !errors.Is(err, ErrDecided) {
		t.Errorf("decision after approval: %v, want ErrDecided", err)
	}
}

func TestApprovalDenyAndExpiry(t *testing.T) {
	h := newHarness(t, false, gated)
	for _, id := range []string{"inc-a", "inc-b"} {
		if err := h.eng.HandleIncident(t.Context(), incident(id, finding.SeverityCritical, nil)); err != nil {
			t.Fatal(err)
		}
	}
	acts := map[string]string{}
	apr := map[string]string{}
	for _, a := range h.actions(t) {
		acts[a.IncidentID], apr[a.IncidentID] = a.ID, a.ApprovalID
	}
	if _, err := h.eng.Decide(t.Context(), apr["inc-a"], Approver{"r1", "responder"}, "deny", "false positive"); err != nil {
		t.Fatal(err)
	}
	h.waitStatus(t, acts["inc-a"], "denied")
	h.clk.add(2 * time.Hour)
	if n, err := h.eng.ExpireApprovals(t.Context()); err != nil || n != 1 {
		t.Fatalf("ExpireApprovals = %d, %v; want 1", n, err)
	}
	h.waitStatus(t, acts["inc-b"], "expired")
	ap, _ := h.st.GetApproval(t.Context(), apr["inc-b"])
	if ap.Status != "expired" {
		t.Errorf("approval status %s, want expired", ap.Status)
	}
	if _, err := h.eng.Decide(t.Context(), apr["inc-b"], Approver{"r1", "responder"}, "approve", ""); !errors.Is(err, ErrDecided) {
		t.Errorf("approve after expiry: %v, want ErrDecided", err)
	}
	got := h.auditActions(t)
	for _, want := range []string{"respond.approval.request", "respond.approval.decide", "respond.approval.expire"} {
		if !slices.Contains(got, want) {
			t.Errorf("audit lacks %s: %v", want, got)
		}
	}
}

func TestUnreachableEndpointRetriesThenFailsVisibly(t *testing.T) {
	h := newHarness(t, false, strings.Replace(disableUser, "retries: 2", "retries: 3", 1))
	h.exec.fail = errors.New("dial tcp 127.0.0.1:1: connection refused")
	var mu sync.Mutex
	var waits []time.Duration
	h.eng.sleep = func(ctx context.Context, d time.Duration) bool {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return sleepCtx(ctx, time.Millisecond)
	}
	h.runWorker(t)
	if err := h.eng.HandleIncident(t.Context(), incident("inc-f", finding.SeverityHigh, nil, "user:clerk3")); err != nil {
		t.Fatal(err)
	}
	a := h.waitStatus(t, h.actions(t)[0].ID, "failed")
	if a.Attempts != 4 || !strings.Contains(a.Error, "connection refused") || a.ExecutedAt.IsZero() {
		t.Errorf("failed action = %+v, want 4 attempts and the error", a)
	}
	mu.Lock()
	if want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}; !slices.Equal(waits, want) {
		t.Errorf("backoff = %v, want %v (exponential from the step's 10ms)", waits, want)
	}
	mu.Unlock()
	if !strings.Contains(h.log.joined(), "FAILED after 4 attempt(s)") {
		t.Errorf("incident timeline:\n%s", h.log.joined())
	}
}

func TestDryRunRecordsOnly(t *testing.T) {
	h := newHarness(t, true, disableUser, forcedIsolate)
	h.runWorker(t)
	_ = h.eng.HandleIncident(t.Context(), incident("inc-d", finding.SeverityHigh, []string{"behavior.device-lateral"},
		"user:clerk3", "device:vent-01"))
	acts := h.actions(t)
	if len(acts) != 2 {
		t.Fatalf("actions = %d, want 2", len(acts))
	}
	for _, a := range acts {
		if a.Status != "dry_run" || !a.DryRun {
			t.Errorf("action %+v: want dry_run", a)
		}
		if a.Target == "device:vent-01" && !strings.Contains(a.Error, "patient-safety guard") {
			t.Errorf("dry run does not say the guard would hold it: %q", a.Error)
		}
	}
	time.Sleep(60 * time.Millisecond)
	if h.exec.count() != 0 {
		t.Error("dry run executed something")
	}
}

func TestMissingEntityFailsTheActionVisibly(t *testing.T) {
	h := newHarness(t, false, disableUser)
	pb := h.eng.pbs[0]
	pb.Trigger.EntityKinds = nil
	if err := h.eng.HandleIncident(t.Context(), incident("inc-m", finding.SeverityHigh, nil, "host:ws1")); err != nil {
		t.Fatal(err)
	}
	a := h.actions(t)
	if len(a) != 1 || a[0].Status != "failed" || !strings.Contains(a[0].Error, "no user entity") {
		t.Fatalf("actions = %+v", a)
	}
}

func TestProposeOnlyCreatesAnApproval(t *testing.T) {
	h := newHarness(t, false)
	h.runWorker(t)
	id, err := h.eng.Propose(t.Context(), Proposal{IncidentID: "inc-9", Action: "scim.disable",
		Params: map[string]string{"user": "clerk3"}, Reason: "model says so"})
	if err != nil || id == "" {
		t.Fatal(id, err)
	}
	time.Sleep(60 * time.Millisecond)
	acts := h.actions(t)
	if len(acts) != 1 || acts[0].Status != "pending_approval" || h.exec.count() != 0 {
		t.Fatalf("actions = %+v, executions %d", acts, h.exec.count())
	}
	if _, err := h.eng.Decide(t.Context(), id, Approver{"assist", "responder"}, "approve", ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("the proposer approving itself: %v, want ErrForbidden", err)
	}
	if _, err := h.eng.Propose(t.Context(), Proposal{IncidentID: "inc-9", Action: "rm -rf"}); !errors.Is(err, ErrBadInput) {
		t.Errorf("unknown action: %v", err)
	}
}

func TestPlaybookWithMissingConnectorIsRejectedOthersRun(t *testing.T) {
	bad := strings.Replace(disableUser, "action: scim.disable", "action: scim.disable\n    connector: missing", 1)
	bad = strings.Replace(bad, "name: disable-user", "name: bad", 1)
	h := newHarness(t, false, bad, forcedIsolate)
	if len(h.rejec) != 1 || !strings.Contains(h.rejec[0].Error(), "pb0.yaml:") {
		t.Fatalf("rejected = %v", h.rejec)
	}
	if len(h.eng.Playbooks()) != 1 || h.eng.Playbooks()[0].Name != "forced-isolate" {
		t.Fatalf("running playbooks = %v", h.eng.Playbooks())
	}
}

func TestEmptyRequiredInputFailsTheAction(t *testing.T) {
	pb := strings.Replace(disableUser, `user: '{{ entity "user" }}'`, `user: '{{ if false }}x{{ end }}'`, 1)
	h := newHarness(t, false, pb)
	if err := h.eng.HandleIncident(t.Context(), incident("inc-e", finding.SeverityHigh, nil, "user:clerk3")); err != nil {
		t.Fatal(err)
	}
	if a := h.actions(t); len(a) != 1 || a[0].Status != "failed" || a[0].Error != "input user rendered empty" {
		t.Fatalf("actions = %+v", a)
	}
}

const disableTakenOver = `
name: disable-taken-over
trigger: {on: incident, rules: [behavior.new-country], entity_kinds: [user], min_severity: high}
steps:
  - name: disable
    action: scim.disable
    approval: none
    with: {user: '{{ entity "user" }}'}
`

// An incident holding several users disables the account the takeover
// finding names, not the alphabetically first user; a second takeover
// joining the incident later gets its own action; a replay changes nothing.
func TestTakeoverPlaybookActsOnTheFindingsUser(t *testing.T) {
	h := newHarness(t, false, disableTakenOver)
	s := incident("inc-t", finding.SeverityHigh, []string{"behavior.off-hours", "behavior.new-country"},
		"user:aanderson44", "user:zgraham66", "ip:203.0.113.9")
	s.Evidence = []Evidence{
		{Detector: "behavior", RuleID: "behavior.off-hours", Entities: []string{"user:aanderson44"}},
		{Detector: "behavior", RuleID: "behavior.new-country", Entities: []string{"user:zgraham66", "ip:203.0.113.9"}},
	}
	for range 2 { // the second call is a replay
		if err := h.eng.HandleIncident(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	acts := h.actions(t)
	if len(acts) != 1 || acts[0].Params["user"] != "zgraham66" {
		t.Fatalf("actions %+v: want one disable of zgraham66", acts)
	}
	s.Evidence = []Evidence{{Detector: "behavior", RuleID: "behavior.new-country", Entities: []string{"user:bbrown12"}}}
	s.Entities = append(s.Entities, "user:bbrown12")
	if err := h.eng.HandleIncident(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if acts = h.actions(t); len(acts) != 2 {
		t.Fatalf("a second taken-over account in the incident: %d actions, want 2", len(acts))
	}
}
