package main

import (
	"fmt"
	"strings"
	"testing"
)

type behaviorFinding struct {
	RuleID      string            `json:"rule_id"`
	Severity    string            `json:"severity"`
	Entities    map[string]string `json:"entities"`
	EventIDs    []string          `json:"event_ids"`
	Tags        []string          `json:"tags"`
	Explanation string            `json:"explanation"`
}

func behaviorFindings(srv *server) map[string][]behaviorFinding {
	var f struct {
		Findings []behaviorFinding `json:"findings"`
	}
	srv.do("GET", "/api/v1/findings?detector=behavior&limit=1000", "", nil, &f)
	out := map[string][]behaviorFinding{}
	for _, x := range f.Findings {
		out[x.RuleID] = append(out[x.RuleID], x)
	}
	return out
}

func authLine(id, ts, action, outcome, user, ip string, extra string) string {
	return fmt.Sprintf(`{"@timestamp":%q,"event":{"id":%q,"dataset":"auth","category":"authentication","action":%q,"outcome":%q},"user":{"name":%q},"source":{"ip":%q}%s}`,
		ts, id, action, outcome, user, ip, extra)
}

// TestServeBehavior: `vigil serve` runs the behavior detector: a password
// spray becomes a finding, and the help-desk chain is recognised across a
// restart (the reset before, the MFA registration after).
func TestServeBehavior(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	data, addr := t.TempDir(), freePort(t)
	srv := startServer(t, data, addr)
	post := func(s *server, lines ...string) {
		t.Helper()
		body := strings.Join(lines, "\n") + "\n"
		if code, err := s.do("POST", "/api/v1/events", "application/x-ndjson", []byte(body), nil); err != nil || code != 200 {
			t.Fatalf("ingest: %d %v", code, err)
		}
	}
	var lines []string
	for i := 0; i < 12; i++ {
		lines = append(lines, authLine(fmt.Sprintf("spray-%d", i), fmt.Sprintf("2026-11-20T03:00:%02dZ", i),
			"logon", "failure", fmt.Sprintf("staff%02d", i), "203.0.113.9", ""))
	}
	lines = append(lines, authLine("reset-1", "2026-11-20T09:00:00Z", "password-reset", "success", "cfo1", "10.0.0.5",
		`,"related":{"user":["helpdesk7"]}`))
	post(srv, lines...)
	waitFor(t, func() bool { return len(behaviorFindings(srv)["behavior.password-spray"]) == 1 }, "a password-spray finding")
	f := behaviorFindings(srv)["behavior.password-spray"][0]
	if f.Severity != "high" || f.Entities["src_ip"] != "203.0.113.9" || len(f.EventIDs) != 8 ||
		!strings.Contains(f.Explanation, "10 distinct accounts") {
		t.Fatalf("spray finding %+v", f)
	}
	waitFor(t, func() bool { return srv.count(t, "/api/v1/events/count?q=user.name:cfo1") == 1 }, "the reset stored")

	srv.stop() // clean shutdown saves the detector state
	srv = startServer(t, data, addr)
	post(srv, authLine("mfa-1", "2026-11-20T09:20:00Z", "mfa-device-registered", "success", "cfo1", "203.0.113.50",
		`,"device":{"id":"authn-new"}`))
	waitFor(t, func() bool { return len(behaviorFindings(srv)["behavior.mfa-after-reset"]) == 1 },
		"an mfa-after-reset finding after the restart")
	m := behaviorFindings(srv)["behavior.mfa-after-reset"][0]
	if m.Entities["user"] != "cfo1" || len(m.EventIDs) != 2 || !strings.Contains(m.Explanation, `"helpdesk7"`) {
		t.Fatalf("mfa finding %+v", m)
	}
}
