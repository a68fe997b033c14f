package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/auth"
)

// roleCase is one route of the role table: how to call it and, written out
// by hand, which roles may (everything else must get 403).
type roleCase struct {
	method, pattern, path, body string
	allowed                     string // space-separated roles; "public" = no token needed
}

var roleTable = []roleCase{
	{"GET", "/healthz", "/healthz", "", "public"},
	{"GET", "/readyz", "/readyz", "", "public"},
	{"GET", "/metrics", "/metrics", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/openapi.json", "/api/openapi.json", "", "ingest viewer analyst responder auditor admin clinical_engineering"},
	{"POST", "/api/v1/events", "/api/v1/events", `{"a":"b"}`, "ingest admin"},
	{"PATCH", "/api/v1/incidents/{id}", "/api/v1/incidents/nope", `{}`, "analyst responder admin"},
	{"POST", "/api/v1/incidents/{id}/notes", "/api/v1/incidents/nope/notes", `{"text":"x"}`, "analyst responder admin"},
	{"POST", "/api/v1/incidents/{id}/merge", "/api/v1/incidents/nope/merge", `{"incidents":["b"]}`, "analyst responder admin"},
	{"POST", "/api/v1/incidents/{id}/split", "/api/v1/incidents/nope/split", `{"findings":["f"]}`, "analyst responder admin"},
	{"POST", "/api/v1/incidents/{id}/summary", "/api/v1/incidents/nope/summary", "", "analyst responder admin"},
	{"POST", "/api/v1/assist/ask", "/api/v1/assist/ask", `{"incident_id":"nope","question":"why?"}`, "analyst responder admin"},
	{"GET", "/api/v1/events", "/api/v1/events", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/events/count", "/api/v1/events/count", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/events/{id}", "/api/v1/events/nope", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/findings", "/api/v1/findings", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/incidents", "/api/v1/incidents", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/incidents/{id}", "/api/v1/incidents/nope", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/dlq", "/api/v1/dlq", "", "analyst responder admin"},
	{"POST", "/api/v1/dlq/replay", "/api/v1/dlq/replay", `{"all":true}`, "admin"},
	{"GET", "/api/v1/audit", "/api/v1/audit", "", "auditor admin"},
	{"GET", "/api/v1/tokens", "/api/v1/tokens", "", "admin"},
	{"POST", "/api/v1/tokens", "/api/v1/tokens", `{"role":"viewer"}`, "admin"},
	{"DELETE", "/api/v1/tokens/{idOrName}", "/api/v1/tokens/nobody", "", "admin"},
	{"POST", "/api/v1/rules/reload", "/api/v1/rules/reload", "", "admin"},
	{"POST", "/api/v1/context", "/api/v1/context?file=assets.csv", "", "ingest admin"},
	{"GET", "/api/v1/context", "/api/v1/context", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"GET", "/api/v1/approvals", "/api/v1/approvals", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"POST", "/api/v1/approvals/{id}", "/api/v1/approvals/nope", `{"decision":"approve"}`, "responder admin clinical_engineering"},
	{"GET", "/api/v1/actions", "/api/v1/actions", "", "viewer analyst responder auditor admin clinical_engineering"},
	{"POST", "/api/v1/email/analyze", "/api/v1/email/analyze", "From: a@b.c\n\nhi", "viewer analyst responder auditor admin clinical_engineering"},
}

func TestRoleTable(t *testing.T) {
	a := newTestAPI(t, Config{})
	covered := map[string]bool{}
	for _, rc := range roleTable {
		covered[rc.method+" "+rc.pattern] = true
		callers := map[string]string{"none": "", "bad": "vgl_" + strings.Repeat("a", 52), "revoked": a.revoked}
		for _, r := range auth.AllRoles {
			callers[string(r)] = a.tokens[r]
		}
		for who, secret := range callers {
			t.Run(fmt.Sprintf("%s %s as %s", rc.method, rc.pattern, who), func(t *testing.T) {
				resp, body := a.do(rc.method, rc.path, secret, strings.NewReader(rc.body),
					"Content-Type", "application/json")
				got := resp.StatusCode
				switch {
				case rc.allowed == "public":
					if got == 401 || got == 403 {
						t.Fatalf("public route: status %d %s", got, body)
					}
				case who == "none" || who == "bad" || who == "revoked":
					if got != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
						t.Fatalf("status %d (WWW-Authenticate %q), want 401 Bearer", got, resp.Header.Get("WWW-Authenticate"))
					}
				case strings.Contains(" "+rc.allowed+" ", " "+who+" "):
					if got == 401 || got == 403 || got >= 500 && got != 501 {
						t.Fatalf("allowed role got %d %s", got, body)
					}
				default:
					if got != http.StatusForbidden {
						t.Fatalf("denied role got %d %s, want 403", got, body)
					}
				}
			})
		}
	}
	for _, rt := range a.srv.routeTable() {
		if !covered[rt.method+" "+rt.pattern] {
			t.Errorf("route %s %s missing from roleTable", rt.method, rt.pattern)
		}
	}
}
