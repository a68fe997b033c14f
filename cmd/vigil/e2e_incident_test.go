package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestIncidentsEndToEnd: log clears become findings, the incident consumer
// turns them into incidents, the CLI lists, updates and shows them, the AI
// analyst summarises with citations, and a restart plus a re-sent batch
// changes no incident.
func TestIncidentsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	data, addr := t.TempDir(), freePort(t)
	srv := startServer(t, data, addr)
	var b strings.Builder
	for n := range 101 { // records 0, 50, 100 are log clears on three hosts/users
		b.WriteString(winEvent("inc", n) + "\n")
	}
	if code, err := srv.do("POST", "/api/v1/events", "application/x-ndjson", []byte(b.String()), nil); err != nil || code != 200 {
		t.Fatalf("ingest: %d %v", code, err)
	}
	type page struct {
		Incidents []struct {
			ID         string   `json:"id"`
			Status     string   `json:"status"`
			FindingIDs []string `json:"finding_ids"`
			Updated    string   `json:"updated"`
		} `json:"incidents"`
	}
	list := func() page {
		var p page
		srv.do("GET", "/api/v1/incidents", "", nil, &p)
		return p
	}
	waitFor(t, func() bool { return len(list().Incidents) == 3 }, "three incidents")
	client := []string{"--server", "http://" + addr, "--token", srv.token}
	id := list().Incidents[0].ID

	out, errOut, code := vigil(t, append([]string{"incident", "list"}, client...)...)
	if code != 0 || strings.Count(out, "inc-") != 3 || !strings.Contains(out, "new") {
		t.Fatalf("incident list: %d %q %q", code, out, errOut)
	}
	_, errOut, code = vigil(t, append([]string{"incident", "update", id, "--status", "resolved"}, client...)...)
	if code == 0 || !strings.Contains(errOut, "409") {
		t.Fatalf("invalid transition accepted: %d %q", code, errOut)
	}
	out, errOut, code = vigil(t, append([]string{"incident", "update", id, "--status", "investigating",
		"--assignee", "alice", "--note", "checking with the ward"}, client...)...)
	if code != 0 || !strings.Contains(out, `"investigating"`) {
		t.Fatalf("incident update: %d %q %q", code, out, errOut)
	}
	out, _, code = vigil(t, append([]string{"incident", "show", id}, client...)...)
	var detail struct {
		Assignee string `json:"assignee"`
		Details  struct {
			Timeline []struct{ Kind, Text string } `json:"timeline"`
		} `json:"details"`
		Findings []struct{ ID string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &detail); err != nil || code != 0 {
		t.Fatalf("incident show: %d %v %q", code, err, out)
	}
	if detail.Assignee != "alice" || len(detail.Findings) != 1 || len(detail.Details.Timeline) < 4 {
		t.Fatalf("incident detail: %+v", detail)
	}

	out, errOut, code = vigil(t, append([]string{"assist", "summarize", id}, client...)...)
	var ans struct {
		Analyst    string `json:"analyst"`
		Statements []struct {
			Citations []string `json:"citations"`
		} `json:"statements"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil || code != 0 || ans.Analyst != "deterministic" || len(ans.Statements) == 0 {
		t.Fatalf("assist summarize: %d %v %q %q", code, err, out, errOut)
	}
	for _, st := range ans.Statements {
		for _, c := range st.Citations {
			evCode, _ := srv.do("GET", "/api/v1/events/"+c, "", nil, nil)
			if evCode != 200 && c != detail.Findings[0].ID {
				t.Errorf("citation %s resolves to neither an event nor the finding", c)
			}
		}
	}

	before := list()
	srv.stop()
	srv = startServer(t, data, addr)
	if code, err := srv.do("POST", "/api/v1/events", "application/x-ndjson", []byte(b.String()), nil); err != nil || code != 200 {
		t.Fatalf("re-ingest: %d %v", code, err)
	}
	time.Sleep(3 * time.Second) // give the consumers time to (not) change anything
	after := list()
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("restart and replay changed incidents:\nbefore %+v\nafter  %+v\n%s", before, after, srv.output.String())
	}
}
