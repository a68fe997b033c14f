package respond

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/respond/action"
)

// syncBuf is a goroutine-safe log sink.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestSecretsNeverLogged(t *testing.T) {
	const secret = "TOP-SECRET-HMAC-7f3a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "firewall busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	t.Setenv("VIGIL_TEST_FW_KEY", secret)
	set, err := action.Parse([]byte("connectors:\n  firewall: {type: webhook, url: \"" + srv.URL + "\", secret: env:VIGIL_TEST_FW_KEY}\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, false)
	var logs syncBuf
	pb, err := ParsePlaybook("block.yaml", []byte(`
name: block
trigger: {on: finding}
steps:
  - name: block
    action: block.ip
    with: {ip: '{{ entity "ip" }}'}
    retries: 1
    backoff: 10ms
`))
	if err != nil {
		t.Fatal(err)
	}
	h.eng, _ = New(Config{Store: h.st, Audit: audit.NewLog(h.st), Exec: set, Log: h.log, Safety: safety,
		Playbooks: []*Playbook{pb}, Now: h.clk.now, PollInterval: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	h.eng.log.Info("connectors", "set", set, "secret", action.NewSecret(secret))
	h.runWorker(t)
	if err := h.eng.HandleFinding(t.Context(), incident("f-1", finding.SeverityHigh, nil, "ip:203.0.113.5")); err != nil {
		t.Fatal(err)
	}
	a := h.waitStatus(t, h.actions(t)[0].ID, "failed")
	if !strings.Contains(a.Error, "503") || a.Attempts != 2 {
		t.Fatalf("action = %+v", a)
	}
	recs, _ := h.st.ListAudit(t.Context(), 0, 100)
	everything := logs.String() + h.log.joined() + a.Error
	for _, r := range recs {
		everything += r.Detail
	}
	if !strings.Contains(logs.String(), "action attempt failed") {
		t.Fatalf("expected the failure to be logged:\n%s", logs.String())
	}
	if strings.Contains(everything, secret) {
		t.Fatalf("secret leaked into logs, audit or the action record:\n%s", everything)
	}
}
