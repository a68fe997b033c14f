package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

type sigmaFinding struct {
	ID          string   `json:"id"`
	RuleID      string   `json:"rule_id"`
	Severity    string   `json:"severity"`
	Techniques  []string `json:"attack_techniques"`
	EventIDs    []string `json:"event_ids"`
	Explanation string   `json:"explanation"`
}

// sigmaFindings returns the server's sigma findings by rule id.
func sigmaFindings(srv *server) map[string][]sigmaFinding {
	var f struct {
		Findings []sigmaFinding `json:"findings"`
	}
	srv.do("GET", "/api/v1/findings?detector=sigma&limit=1000", "", nil, &f)
	out := map[string][]sigmaFinding{}
	for _, x := range f.Findings {
		out[x.RuleID] = append(out[x.RuleID], x)
	}
	return out
}

// TestServeSigmaRules: `vigil serve --rules DIR` turns a matching event into
// a sigma finding; POST /api/v1/rules/reload and SIGHUP pick up new rules; a
// reload that cannot read the rules keeps the old ones.
func TestServeSigmaRules(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	rules := t.TempDir()
	writeFile(t, filepath.Join(rules, "whoami.yml"), testRuleWhoami)
	srv := startServer(t, t.TempDir(), freePort(t), "--rules", rules)
	post := func(lines ...string) {
		t.Helper()
		body := strings.Join(lines, "\n") + "\n"
		if code, err := srv.do("POST", "/api/v1/events", "application/x-ndjson", []byte(body), nil); err != nil || code != 200 {
			t.Fatalf("ingest: %d %v", code, err)
		}
	}
	const whoami, cmd = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	post(sysmonLine(1, `C:\\Windows\\System32\\whoami.exe`), sysmonLine(2, `C:\\Windows\\System32\\cmd.exe`))
	waitFor(t, func() bool { return len(sigmaFindings(srv)[whoami]) == 1 }, "a sigma finding for whoami")
	f := sigmaFindings(srv)[whoami][0]
	if f.Severity != "high" || len(f.Techniques) != 1 || f.Techniques[0] != "T1033" || len(f.EventIDs) != 1 ||
		!strings.Contains(f.Explanation, `Image="C:\\Windows\\System32\\whoami.exe"`) {
		t.Errorf("finding %+v", f)
	}

	// New rule + POST reload: the next cmd.exe event matches it.
	writeFile(t, filepath.Join(rules, "cmd.yml"), testRuleCmd)
	if code, err := srv.do("POST", "/api/v1/rules/reload", "", nil, nil); err != nil || code != 200 {
		t.Fatalf("reload: %d %v", code, err)
	}
	post(sysmonLine(3, `C:\\Windows\\System32\\cmd.exe`))
	waitFor(t, func() bool { return len(sigmaFindings(srv)[cmd]) == 1 }, "a sigma finding from the reloaded rule")

	// SIGHUP: a third rule. The reload is asynchronous, so keep sending
	// fresh events until one is matched.
	writeFile(t, filepath.Join(rules, "notepad.yml"), strings.NewReplacer("22222222-2222-4222-8222-222222222222",
		"55555555-5555-4555-8555-555555555555", `\cmd.exe`, `\notepad.exe`).Replace(testRuleCmd))
	if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	n := 10
	waitFor(t, func() bool {
		n++
		post(sysmonLine(n, `C:\\Windows\\notepad.exe`))
		return len(sigmaFindings(srv)["55555555-5555-4555-8555-555555555555"]) > 0
	}, "a sigma finding after SIGHUP")

	// A reload that cannot read the rules fails and keeps the old set.
	if err := os.RemoveAll(rules); err != nil {
		t.Fatal(err)
	}
	if code, err := srv.do("POST", "/api/v1/rules/reload", "", nil, nil); err != nil || code != 422 {
		t.Fatalf("reload of a missing dir: %d %v", code, err)
	}
	post(sysmonLine(4, `C:\\Windows\\System32\\whoami.exe`))
	waitFor(t, func() bool { return len(sigmaFindings(srv)[whoami]) == 2 }, "old rules still active")
	srv.stop()
	if strings.Contains(srv.output.String(), "nurse001") {
		t.Error("server log contains event content")
	}
}
