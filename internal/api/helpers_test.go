package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/auth"
)

// testAPI is an API over fakes, served by httptest, with one token per role
// plus a revoked one.
type testAPI struct {
	t       testing.TB
	srv     *server
	ts      *httptest.Server
	st      *memStore
	pub     *fakePublisher
	dlq     *fakeDLQ
	tokens  map[auth.Role]string
	revoked string
	reg     *prometheus.Registry
}

func newTestAPI(t testing.TB, cfg Config) *testAPI {
	t.Helper()
	ctx := context.Background()
	st := newMemStore()
	a := &testAPI{t: t, st: st, pub: &fakePublisher{}, dlq: &fakeDLQ{}, tokens: map[auth.Role]string{},
		reg: prometheus.NewRegistry()}
	for _, r := range auth.AllRoles {
		sec, _, err := auth.CreateToken(ctx, st, "tok-"+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[r] = sec
	}
	sec, _, err := auth.CreateToken(ctx, st, "tok-revoked", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, "tok-revoked", time.Now()); err != nil {
		t.Fatal(err)
	}
	a.revoked = sec
	if cfg.Registerer == nil {
		cfg.Registerer = a.reg
	}
	a.srv = newServer(cfg, Deps{
		Store: st, Auth: auth.NewAuthenticator(st, nil), Publisher: a.pub, DeadLetters: a.dlq,
		Decoder: fakeDecoder{}, Audit: audit.NewLog(st), Gatherer: a.reg,
	})
	a.ts = httptest.NewServer(a.srv.routes())
	t.Cleanup(a.ts.Close)
	return a
}

// do sends a request with the given bearer secret ("" = none) and returns
// the status and body.
func (a *testAPI) do(method, path, secret string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.ts.URL+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp, b
}

// ingest posts an NDJSON body as the ingest role.
func (a *testAPI) ingest(body string, hdr ...string) (*http.Response, ingestResult) {
	a.t.Helper()
	h := append([]string{"Content-Type", "application/x-ndjson"}, hdr...)
	resp, b := a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest], strings.NewReader(body), h...)
	var res ingestResult
	if resp.StatusCode == 200 {
		mustJSON(a.t, b, &res)
	}
	return resp, res
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
}
