package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestCorrelationStateSurvivesRestart: half of a burst of failed FHIR logins
// arrives, the server stops cleanly, the rest arrives after the restart, and
// the event_count correlation (≥ 10 from one address within 5 minutes, from
// the healthcare rule pack) still fires — once.
func TestCorrelationStateSurvivesRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	raw, err := os.ReadFile("../../rules/healthcare/testdata/fhir_failed_auth_burst/positive.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
	if len(lines) < 10 {
		t.Fatalf("test data has %d events, want at least 10", len(lines))
	}
	data, addr := t.TempDir(), freePort(t)
	rules := []string{"--rules", "../../rules/healthcare"}
	srv := startServer(t, data, addr, rules...)
	first, rest := lines[:len(lines)/2], lines[len(lines)/2:]
	post := func(s *server, ls [][]byte) {
		t.Helper()
		if code, err := s.do("POST", "/api/v1/events", "application/x-ndjson", bytes.Join(ls, []byte("\n")), nil); err != nil || code != 200 {
			t.Fatalf("ingest: %d %v", code, err)
		}
	}
	correlationFindings := func(s *server) int {
		var f struct {
			Findings []struct {
				RuleID string `json:"rule_id"`
			} `json:"findings"`
		}
		s.do("GET", "/api/v1/findings?rule_id=b374f565-01e9-4fbe-bf0d-f1c483dff2c0", "", nil, &f)
		return len(f.Findings)
	}
	post(srv, first)
	waitFor(t, func() bool {
		return srv.count(t, "/api/v1/events/count") == int64(len(first))
	}, "first half stored")
	// Let the detector consume the first half before stopping, so the test
	// is about saved state (redelivery of un-acked events is tested in
	// internal/pipeline). The pending gauge refreshes every 5 s.
	time.Sleep(5500 * time.Millisecond)
	waitFor(t, func() bool {
		return strings.Contains(srv.metrics(t), `vigil_pipeline_pending{consumer="detect"} 0`)
	}, "detector caught up")
	if n := correlationFindings(srv); n != 0 {
		t.Fatalf("correlation fired after %d of %d events", len(first), len(lines))
	}
	srv.stop() // clean shutdown saves the detector state
	firstLog := srv.output.String()

	srv = startServer(t, data, addr, rules...)
	post(srv, rest)
	deadline := time.Now().Add(60 * time.Second)
	for correlationFindings(srv) < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no correlation finding after the restart; first server:\n%s\nsecond server:\n%s",
				grepOut(firstLog, "route=/api/v1/findings"), grepOut(srv.output.String(), "route=/api/v1/findings"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := correlationFindings(srv); n != 1 {
		t.Fatalf("%d correlation findings, want 1", n)
	}
}

// grepOut drops the lines of log that contain noise.
func grepOut(log, noise string) string {
	var keep []string
	for _, l := range strings.Split(log, "\n") {
		if !strings.Contains(l, noise) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// metrics returns the server's Prometheus text.
func (s *server) metrics(t *testing.T) string {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+s.addr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
