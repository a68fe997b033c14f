package respond

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/respond/action"
)

// A real connector aimed at a port nobody listens on: the action retries,
// then fails visibly (status, error, audit, incident timeline).
func TestRealUnreachableEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // now nothing listens there
	t.Setenv("VIGIL_TEST_KEY", "k")
	set, err := action.Parse([]byte("connectors:\n  firewall: {type: webhook, url: \"http://" + addr + "/block\", secret: env:VIGIL_TEST_KEY}\n"))
	if err != nil {
		t.Fatal(err)
	}
	pb, err := ParsePlaybook("block.yaml", []byte(`
name: block
trigger: {on: incident}
steps:
  - name: block
    action: block.domain
    with: {domain: '{{ domain (entity "email") }}'}
    retries: 2
    backoff: 20ms
    timeout: 2s
`))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, false)
	h.eng, _ = New(Config{Store: h.st, Audit: audit.NewLog(h.st), Exec: set, Log: h.log, Safety: safety,
		Playbooks: []*Playbook{pb}, Now: h.clk.now, PollInterval: 20 * time.Millisecond})
	h.runWorker(t)
	if err := h.eng.HandleIncident(t.Context(), incident("inc-u", finding.SeverityHigh, nil, "email:ceo@hospita1.example")); err != nil {
		t.Fatal(err)
	}
	a := h.waitStatus(t, h.actions(t)[0].ID, "failed")
	if a.Attempts != 3 || !strings.Contains(a.Error, "connection refused") || a.Target != "domain:hospita1.example" {
		t.Errorf("action = %+v", a)
	}
	if !strings.Contains(h.log.joined(), "inc-u|action|respond|block.domain domain:hospita1.example FAILED after 3 attempt(s)") {
		t.Errorf("timeline:\n%s", h.log.joined())
	}
}
