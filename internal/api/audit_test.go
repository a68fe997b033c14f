package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/auth"
)

func TestAuditMutationsOnly(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.ingest(`{"id":"a"}` + "\n" + `{"fail":"P12345"}` + "\n")
	a.do("GET", "/api/v1/events", a.tokens[auth.RoleViewer], nil)
	a.do("GET", "/api/v1/tokens", a.tokens[auth.RoleAdmin], nil)
	a.do("POST", "/api/v1/events", "", strings.NewReader("x"))                                       // 401
	a.do("POST", "/api/v1/tokens", a.tokens[auth.RoleViewer], strings.NewReader(`{"role":"admin"}`)) // 403
	_, b := a.do("POST", "/api/v1/tokens", a.tokens[auth.RoleAdmin], strings.NewReader(`{"name":"ci","role":"ingest"}`))
	var created map[string]string
	mustJSON(t, b, &created)
	a.do("DELETE", "/api/v1/tokens/ci", a.tokens[auth.RoleAdmin], nil)

	recs := a.st.auditRecords()
	type row struct {
		actor, action, target, detail string
		status                        int
	}
	want := []row{
		{"tok-ingest", "POST /api/v1/events", "", `{"accepted":1,"rejected":1}`, 200},
		{"anonymous", "POST /api/v1/events", "", "missing bearer token", 401},
		{"tok-viewer", "POST /api/v1/tokens", "", "role viewer lacks permission tokens:manage", 403},
		{"tok-admin", "POST /api/v1/tokens", "ci", `{"role":"ingest"}`, 201},
		{"tok-admin", "DELETE /api/v1/tokens/{idOrName}", "ci", "", 204},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d audit records, want %d: %+v", len(recs), len(want), recs)
	}
	for i, w := range want {
		r := recs[i]
		got := row{r.Actor, r.Action, r.Target, r.Detail, r.Status}
		if got != w {
			t.Errorf("record %d = %+v, want %+v", i+1, got, w)
		}
	}
	all, _ := json.Marshal(recs)
	for _, secret := range []string{created["token"], a.tokens[auth.RoleAdmin], "P12345"} {
		if secret == "" || strings.Contains(string(all), secret) {
			t.Fatalf("audit log contains a secret or PHI (%q)", secret)
		}
	}
	if n, err := audit.Verify(context.Background(), a.st); err != nil || n != 5 {
		t.Fatalf("chain: %d, %v", n, err)
	}
	// The revoked token is refused at once on this server.
	if resp, _ := a.do("GET", "/api/v1/tokens", created["token"], nil); resp.StatusCode != 401 {
		t.Fatalf("revoked token: %d", resp.StatusCode)
	}
}

func TestTokensAPI(t *testing.T) {
	a := newTestAPI(t, Config{})
	admin := a.tokens[auth.RoleAdmin]
	resp, b := a.do("POST", "/api/v1/tokens", admin, strings.NewReader(`{"name":"x","role":"root"}`))
	if resp.StatusCode != 400 || !strings.Contains(string(b), "viewer") {
		t.Fatalf("bad role: %d %s", resp.StatusCode, b)
	}
	resp, _ = a.do("POST", "/api/v1/tokens", admin, strings.NewReader(`{"name":"tok-admin","role":"viewer"}`))
	if resp.StatusCode != 409 {
		t.Fatalf("duplicate: %d", resp.StatusCode)
	}
	_, b = a.do("POST", "/api/v1/tokens", admin, strings.NewReader(`{"name":"new","role":"viewer"}`))
	var c map[string]string
	mustJSON(t, b, &c)
	if resp, _ := a.do("GET", "/api/v1/events", c["token"], nil); resp.StatusCode != 200 {
		t.Fatalf("new token unusable: %d", resp.StatusCode)
	}
	_, b = a.do("GET", "/api/v1/tokens", admin, nil)
	if strings.Contains(string(b), "hash") || !strings.Contains(string(b), `"name":"new"`) {
		t.Fatalf("list: %s", b)
	}
}

func TestDLQReplay(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.ingest("not json\n" + `{"fail":"1"}` + "\n" + "<13>syslog line\n")
	a.ingest("also bad\n")
	analyst, admin := a.tokens[auth.RoleAnalyst], a.tokens[auth.RoleAdmin]
	_, b := a.do("GET", "/api/v1/dlq?after=1&limit=10", analyst, nil)
	var list struct {
		DeadLetters []deadLetterView `json:"dead_letters"`
	}
	mustJSON(t, b, &list)
	if len(list.DeadLetters) != 2 || list.DeadLetters[0].Seq != 2 || list.DeadLetters[0].Raw != `{"fail":"1"}` {
		t.Fatalf("list: %s", b)
	}
	// Seq 1 ("not json") still fails; as syslog it would not either. Seq 3
	// ("also bad") fails. Replay with seqs: 1 fails, 99 not found.
	resp, b := a.do("POST", "/api/v1/dlq/replay", admin, strings.NewReader(`{"seqs":[1,99]}`))
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"replayed":0`) || !strings.Contains(string(b), "not found") {
		t.Fatalf("replay seqs: %d %s", resp.StatusCode, b)
	}
	// Turn the letters into decodable ones and replay all.
	a.dlq.mu.Lock()
	a.dlq.dls[0].Raw = []byte(`{"id":"fixed"}`)
	a.dlq.mu.Unlock()
	resp, b = a.do("POST", "/api/v1/dlq/replay", admin, strings.NewReader(`{"all":true}`))
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"replayed":1`) {
		t.Fatalf("replay all: %d %s", resp.StatusCode, b)
	}
	if n := len(a.dlq.list()); n != 2 {
		t.Fatalf("%d letters left, want 2", n)
	}
	if evs := a.pub.all(); evs[len(evs)-1].ID != "fixed" {
		t.Fatalf("replayed event not published")
	}
	if resp, _ := a.do("POST", "/api/v1/dlq/replay", admin, strings.NewReader(`{}`)); resp.StatusCode != 400 {
		t.Fatalf("empty replay: %d", resp.StatusCode)
	}
}

func TestHealthReadyRequestID(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.srv.deps.Ready = func(context.Context) error { return context.DeadlineExceeded }
	resp, b := a.do("GET", "/readyz", "", nil)
	if resp.StatusCode != 503 || !strings.Contains(string(b), "deadline") {
		t.Fatalf("readyz: %d %s", resp.StatusCode, b)
	}
	resp, b = a.do("GET", "/healthz", "", nil, "X-Request-Id", "abc-123")
	if resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") != "abc-123" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(string(b), "ok") {
		t.Fatalf("healthz: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	resp, _ = a.do("GET", "/api/v1/events", a.tokens[auth.RoleViewer], nil)
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("no Cache-Control: no-store on API JSON")
	}
	_, b = a.do("GET", "/metrics", a.tokens[auth.RoleViewer], nil)
	if !strings.Contains(string(b), `vigil_http_requests_total{code="200",route="/api/v1/events"}`) {
		t.Fatalf("metrics missing: %.500s", b)
	}
}

func TestPanicRecovered(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.srv.deps.ReloadRules = func() error { panic("boom") }
	a.ts.Config.Handler = a.srv.routes()
	resp, b := a.do("POST", "/api/v1/rules/reload", a.tokens[auth.RoleAdmin], nil)
	if resp.StatusCode != 500 || strings.Contains(string(b), "boom") || !strings.Contains(string(b), "request_id") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}
