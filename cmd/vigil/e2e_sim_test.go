package main

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fileHash(t *testing.T, p string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func TestSimulateCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	out := filepath.Join(t.TempDir(), "sim")
	args := []string{"simulate", "--profile", "small", "--days", "1", "--seed", "3", "--scenarios", "snoop-vip,ransomware-precursors", "--out", out}
	stdout, stderr, code := vigil(t, args...)
	if code != 0 || !strings.Contains(stdout, "labelled instances") {
		t.Fatalf("simulate: %d %q %q", code, stdout, stderr)
	}
	first := fileHash(t, filepath.Join(out, "events", "auditevent.ndjson"))
	if _, stderr, code = vigil(t, args...); code == 0 || !strings.Contains(stderr, "not empty") {
		t.Fatalf("non-empty --out without --force: exit %d %q", code, stderr)
	}
	if _, stderr, code = vigil(t, append(args, "--force")...); code != 0 {
		t.Fatalf("--force: %d %q", code, stderr)
	}
	if fileHash(t, filepath.Join(out, "events", "auditevent.ndjson")) != first {
		t.Error("same arguments, different auditevent.ndjson")
	}
	if _, stderr, code = vigil(t, "simulate", "--profile", "tiny", "--out", t.TempDir()); code == 0 || !strings.Contains(stderr, "small, medium, large") {
		t.Errorf("unknown profile: %d %q", code, stderr)
	}
	if _, stderr, code = vigil(t, "simulate", "--scenarios", "snoop-cat", "--out", t.TempDir()); code == 0 || !strings.Contains(stderr, "snoop-coworker") {
		t.Errorf("unknown scenario: %d %q", code, stderr)
	}
	if _, stderr, code = vigil(t, "eval", "--labels", filepath.Join(out, "manifest.json"), "--findings", filepath.Join(out, "labels.jsonl")); code == 0 ||
		!strings.Contains(stderr, "manifest.json:1:") {
		t.Errorf("eval with a bad labels file: %d %q", code, stderr)
	}
}

// TestSimulateStreamAndEval streams a day into a real server and scores
// it: the built-in log-clearing detector must find every ransomware
// instance (its last step clears the Security log), and Vigil's own Sigma
// rule for exports by people every bulk-export instance, while the nightly
// exports of the service account stay unflagged.
func TestSimulateStreamAndEval(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	srv := startServer(t, t.TempDir(), freePort(t), "--rules", filepath.Join("..", "..", "rules", "healthcare", "fhir_bulk_export_non_service_user.yml"))
	out := filepath.Join(t.TempDir(), "sim")
	stdout, stderr, code := vigil(t, "simulate", "--days", "1", "--seed", "5", "--scenarios", "ransomware-precursors,snoop-vip,bulk-export",
		"--start", time.Now().UTC().AddDate(0, 0, -2).Format("2006-01-02"),
		"--out", out, "--to", "http://"+srv.addr, "--token", srv.token, "--speed", "max")
	if code != 0 || !strings.Contains(stdout, "streamed") || !strings.Contains(stdout, "(0 rejected)") {
		t.Fatalf("simulate --to: %d\n%s\n%s", code, stdout, stderr)
	}
	var man struct {
		Files map[string]int `json:"files"`
	}
	data, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	want := int64(man.Files["events/auth.ndjson"])
	deadline := time.Now().Add(60 * time.Second)
	for srv.count(t, "/api/v1/events/count?q=event.dataset:auth") < want && time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
	}
	var rep struct {
		Labels           int      `json:"labels"`
		FindingPrecision *float64 `json:"finding_precision"`
		Scenarios        []struct {
			Scenario string  `json:"scenario"`
			Recall   float64 `json:"recall"`
		} `json:"scenarios"`
	}
	for time.Now().Before(deadline) {
		stdout, stderr, code = vigil(t, "eval", "--labels", filepath.Join(out, "labels.jsonl"), "--server", "http://"+srv.addr,
			"--token", srv.token, "--json")
		if code != 0 {
			t.Fatalf("eval: %d %s", code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("eval --json: %v\n%s", err, stdout)
		}
		if recallOf(rep.Scenarios, "ransomware-precursors") == 1 && recallOf(rep.Scenarios, "bulk-export") == 1 {
			break
		}
		time.Sleep(time.Second)
	}
	if rep.Labels != 6 || recallOf(rep.Scenarios, "ransomware-precursors") != 1 || recallOf(rep.Scenarios, "bulk-export") != 1 {
		t.Fatalf("eval: %+v\n%s", rep, srv.output.String())
	}
	// The service account's nightly bulk exports are legitimate: no
	// detector may flag them (other benign findings are possible and are
	// what finding precision measures).
	var svc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
		} `json:"findings"`
	}
	if code, err := srv.do("GET", "/api/v1/findings?entity=svc_fhir_export", "", nil, &svc); err != nil || code != 200 || len(svc.Findings) != 0 {
		t.Errorf("service account findings: %d %v %+v", code, err, svc.Findings)
	}
	if rep.FindingPrecision == nil || *rep.FindingPrecision <= 0 {
		t.Errorf("finding precision %v: no finding belongs to a labelled attack", rep.FindingPrecision)
	}
	stdout, _, _ = vigil(t, "eval", "--labels", filepath.Join(out, "labels.jsonl"), "--server", "http://"+srv.addr, "--token", srv.token)
	if !strings.Contains(stdout, "ransomware-precursors") || !strings.Contains(stdout, "benign EHR accesses without a finding") {
		t.Errorf("eval table:\n%s", stdout)
	}
}

func recallOf(sc []struct {
	Scenario string  `json:"scenario"`
	Recall   float64 `json:"recall"`
}, name string) float64 {
	for _, s := range sc {
		if s.Scenario == name {
			return s.Recall
		}
	}
	return -1
}

// TestDemo runs `vigil demo` end to end for one simulated day and checks
// that it serves, streams, counts and removes its temporary directory.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	tmp := t.TempDir()
	cmd := exec.Command(vigilBinary(t), "demo", "--days", "1", "--exit-after-stream")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range []string{"demo: Vigil is running at http://127.0.0.1:", "admin.token", "/api/v1/findings",
		"simulate: streamed", "demo: done:", "ransomware-precursors", "false incidents per 100 users per day"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(string(out), " findings, ") || strings.Contains(string(out), "done: 0 events") {
		t.Errorf("demo streamed nothing:\n%s", out)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "vigil-demo-*"))
	if len(left) > 0 {
		t.Errorf("temporary directory left behind: %v", left)
	}
}

// TestDemoCtrlC interrupts a running demo: it must stop cleanly (exit 0)
// and remove its temporary directory.
func TestDemoCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	tmp := t.TempDir()
	cmd := exec.Command(vigilBinary(t), "demo", "--days", "1", "--speed", "60x")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	var seen strings.Builder
	buf := make([]byte, 4096)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(seen.String(), "simulate: small") && time.Now().Before(deadline) {
		n, err := stdout.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("demo ended early: %v\n%s", err, seen.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		rest, _ := io.ReadAll(stdout)
		seen.Write(rest)
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo after Ctrl-C: %v\n%s", err, seen.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("demo did not stop on Ctrl-C:\n%s", seen.String())
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "vigil-demo-*")); len(left) > 0 {
		t.Errorf("temporary directory left behind after Ctrl-C: %v", left)
	}
}
