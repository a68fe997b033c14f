package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/respond/action"
)

// hookReceiver is a NAC/firewall webhook endpoint that checks signatures.
type hookReceiver struct {
	mu       sync.Mutex
	accepted []map[string]any
	refused  int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := action.VerifySignature("e2e-nac-key", r.Header.Get(action.HeaderTimestamp),
		r.Header.Get(action.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		h.refused++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	h.accepted = append(h.accepted, m)
}

func (h *hookReceiver) actions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, m := range h.accepted {
		target, _ := m["target"].(string)
		out = append(out, m["action"].(string)+" "+target)
	}
	return out
}

const e2ePlaybook = `
name: contain-log-clear
trigger: {on: finding, detectors: [logclear]}
steps:
  - name: tell-soc
    action: webhook
    connector: nac
    with: {note: 'log cleared on {{ entity "host" }}'}
  - name: isolate
    action: isolate.device
    connector: nac
    approval: none
    force: true
    with: {device: '{{ entity "host" }}'}
`

func TestResponseEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	recv := &hookReceiver{}
	hook := httptest.NewServer(recv)
	defer hook.Close()
	dir := t.TempDir()
	pbDir := filepath.Join(dir, "playbooks")
	must(t, os.MkdirAll(pbDir, 0o755))
	must(t, os.WriteFile(filepath.Join(pbDir, "contain.yaml"), []byte(e2ePlaybook), 0o600))
	must(t, os.WriteFile(filepath.Join(pbDir, "broken.yaml"), []byte("name: broken\ntrigger: {on: finding}\nsteps:\n  - action: launch.missiles\n"), 0o600))
	actions := filepath.Join(dir, "actions.yaml")
	must(t, os.WriteFile(actions, []byte("connectors:\n  nac: {type: webhook, url: \""+hook.URL+"\", secret: env:VIGIL_E2E_NAC_KEY}\n"), 0o600))
	t.Setenv("VIGIL_E2E_NAC_KEY", "e2e-nac-key")

	// playbook check: exit 1, names the broken file and line, lists the valid one.
	out, errOut, code := vigil(t, "playbook", "check", "--actions", actions, pbDir)
	if code != 1 || !strings.Contains(errOut, "broken.yaml:4:") || !strings.Contains(out, "ok: "+filepath.Join(pbDir, "contain.yaml")) {
		t.Fatalf("playbook check: exit %d\n%s\n%s", code, out, errOut)
	}

	data := filepath.Join(dir, "data")
	srv := startServer(t, data, freePort(t), "--playbooks", pbDir, "--actions", actions)
	if !strings.Contains(srv.output.String(), "broken.yaml:4") {
		t.Errorf("rejected playbook not logged:\n%s", srv.output.String())
	}
	ev := winEvent("resp", 0) // EventID 1102 on WS-000.hospital.local
	if code, err := srv.do("POST", "/api/v1/events?format=winevt", "application/x-ndjson", []byte(ev+"\n"), nil); err != nil || code/100 != 2 {
		t.Fatalf("ingest: %d %v", code, err)
	}
	type actionRow struct {
		ID, Action, Status, Target string
		ApprovalID                 string     `json:"approval_id"`
		ExecutedAt                 *time.Time `json:"executed_at"`
	}
	list := func() map[string]actionRow {
		var ans struct{ Actions []actionRow }
		if code, err := srv.do("GET", "/api/v1/actions", "", nil, &ans); err != nil || code != 200 {
			t.Fatalf("GET actions: %d %v", code, err)
		}
		m := map[string]actionRow{}
		for _, a := range ans.Actions {
			m[a.Action] = a
		}
		return m
	}
	waitFor(t, func() bool { return list()["webhook"].Status == "succeeded" }, "the notification webhook to run")
	// No hospital context is wired on this server: the guard fails closed,
	// so isolating the host waits for a human despite force: true.
	iso := list()["isolate.device"]
	if iso.Status != "pending_approval" || iso.ApprovalID == "" {
		t.Fatalf("isolate: %+v, want pending_approval", iso)
	}
	if got := recv.actions(); len(got) != 1 || got[0] != "webhook " {
		t.Fatalf("receiver got %v before approval", got)
	}

	// A clinical engineer approves with the CLI.
	// (POST /api/v1/tokens answers 201, which srv.do does not decode.)
	var tok struct{ Token string }
	req, _ := http.NewRequest("POST", "http://"+srv.addr+"/api/v1/tokens", strings.NewReader(`{"name":"ce-anna","role":"clinical_engineering"}`))
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || tok.Token == "" {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	srvURL := "http://" + srv.addr
	out, errOut, code = vigil(t, "approval", "list", "--server", srvURL, "--token", tok.Token)
	if code != 0 || !strings.Contains(out, iso.ApprovalID) || !strings.Contains(out, "patient-safety guard") {
		t.Fatalf("approval list: %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = vigil(t, "approval", "approve", iso.ApprovalID, "--reason", "workstation, not a device", "--server", srvURL, "--token", tok.Token)
	if code != 0 || !strings.Contains(out, "approved") {
		t.Fatalf("approval approve: %d\n%s\n%s", code, out, errOut)
	}
	waitFor(t, func() bool { return list()["isolate.device"].Status == "succeeded" }, "the approved isolation to run")
	if got := recv.actions(); len(got) != 2 || !strings.Contains(got[1], "isolate.device device:") {
		t.Fatalf("receiver got %v", got)
	}
	done := list()["isolate.device"]
	if done.ExecutedAt == nil {
		t.Error("executed_at missing")
	}
	// Deciding again is refused; the audit chain holds request, decision, execution.
	if _, _, code = vigil(t, "approval", "deny", iso.ApprovalID, "--server", srvURL, "--token", srv.token); code == 0 {
		t.Error("second decision accepted")
	}
	var audit struct{ Entries []struct{ Action string } }
	_, _ = srv.do("GET", "/api/v1/audit?limit=1000", "", nil, &audit)
	seen := map[string]bool{}
	for _, r := range audit.Entries {
		seen[r.Action] = true
	}
	for _, want := range []string{"respond.action.request", "respond.approval.request", "respond.approval.decide", "respond.action.execute"} {
		if !seen[want] {
			t.Errorf("audit lacks %s (have %v)", want, seen)
		}
	}
	if recv.refused != 0 {
		t.Errorf("%d webhook deliveries had bad signatures", recv.refused)
	}
	if strings.Contains(srv.output.String(), "e2e-nac-key") {
		t.Error("the webhook secret appears in the server log")
	}
	srv.stop()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
