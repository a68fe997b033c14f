package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
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
	llm := scriptedLLM(t)
	srv := startServer(t, data, addr, "--llm-url", llm.URL+"/v1", "--llm-model", "scripted")
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

	type answer struct {
		Analyst    string `json:"analyst"`
		Statements []struct {
			Citations []string `json:"citations"`
		} `json:"statements"`
	}
	var ans answer
	out, errOut, code = vigil(t, append([]string{"assist", "summarize", id}, client...)...)
	if err := json.Unmarshal([]byte(out), &ans); err != nil || code != 0 || ans.Analyst != "llm" || len(ans.Statements) != 1 {
		t.Fatalf("assist summarize (LLM): %d %v %q %q", code, err, out, errOut)
	}
	var local answer
	out, errOut, code = vigil(t, "assist", "summarize", id, "--local", "--data", data)
	if err := json.Unmarshal([]byte(out), &local); err != nil || code != 0 || local.Analyst != "deterministic" || len(local.Statements) == 0 {
		t.Fatalf("assist summarize --local: %d %v %q %q", code, err, out, errOut)
	}
	for _, st := range append(ans.Statements, local.Statements...) {
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

// scriptedLLM is a Chat Completions server whose model cites the first
// finding id it is shown plus an id it made up.
func scriptedLLM(t *testing.T) *httptest.Server {
	findingID := regexp.MustCompile(`\\"id\\":\\"([0-9a-f]{32})\\"`)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := findingID.FindSubmatch(body)
		if r.URL.Path != "/v1/chat/completions" || m == nil {
			http.Error(w, "unexpected request", 400)
			return
		}
		answer := fmt.Sprintf(`{"summary":"A security log was cleared.","statements":[`+
			`{"text":"The log was cleared.","citations":[%q,"made-up-id"]},{"text":"Invented.","citations":["nope"]}]}`, m[1])
		reply, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{
			"message": map[string]any{"role": "assistant", "content": answer}}}})
		w.Header().Set("Content-Type", "application/json")
		w.Write(reply)
	}))
	t.Cleanup(ts.Close)
	return ts
}
