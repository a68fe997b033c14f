package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSigmaPipeline(t *testing.T) {
	for name, want := range map[string]string{"": "windows", "windows": "windows", "Windows": "windows",
		"ecs": "ecs", "ECS": "ecs", "../../sigma/testdata/pipelines/my-edr.yml": "my-edr"} {
		if p, err := SigmaPipeline(name); err != nil || p.Name != want {
			t.Errorf("%q: %v %v", name, p, err)
		}
	}
	if _, err := SigmaPipeline("./nonexistent.yml"); err == nil || !strings.Contains(err.Error(), "nonexistent.yml") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(bad, []byte("name: x\nbase: splunk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := SigmaPipeline(bad); err == nil || !strings.Contains(err.Error(), bad+":2: base:") {
		t.Errorf("bad file: %v", err)
	}
	if _, err := SigmaPipeline("splunk"); err == nil || !strings.Contains(err.Error(), "unknown pipeline") {
		t.Errorf("unknown pipeline: %v", err)
	}
}

// TestDetectorsPipeline: serve's --sigma-pipeline reaches the detector; a
// bad value is a startup error.
func TestDetectorsPipeline(t *testing.T) {
	cfg := Config{Rules: []string{"../../sigma/testdata/ecs/proc_creation_win_whoami_all_execution.yml"}, SigmaPipeline: "ecs"}
	if _, sd, err := Detectors(cfg); err != nil || sd == nil {
		t.Fatalf("ecs: %v", err)
	}
	cfg.SigmaPipeline = "splunk"
	if _, _, err := Detectors(cfg); err == nil || !strings.Contains(err.Error(), "unknown pipeline") {
		t.Errorf("bad pipeline: %v", err)
	}
}

// BenchmarkSigmaScan is `vigil sigma scan` with the SigmaHQ corpus over
// windows-dev.ndjson.gz (101,320 events): decode (auto-detected) + match +
// output, one goroutine. The events/s figure counts the scan only
// (SigmaScanResult.Elapsed, after the rules are compiled); ns/op includes
// compiling the corpus.
func BenchmarkSigmaScan(b *testing.B) {
	const data = "../../../shared/data"
	if _, err := os.Stat(data + "/events/windows-dev.ndjson.gz"); err != nil {
		b.Skip("data not available")
	}
	cfg := SigmaScanConfig{Rules: []string{data + "/sigma/rules", data + "/sigma/rules-emerging-threats",
		data + "/sigma/rules-threat-hunting"}, Placeholders: "../../sigma/testdata/placeholders.yml",
		Files: []string{data + "/events/windows-dev.ndjson.gz"}, Out: io.Discard, ErrOut: io.Discard}
	var events int
	var secs float64
	for b.Loop() {
		res, err := SigmaScan(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		events += res.Events
		secs += res.Elapsed.Seconds()
	}
	b.ReportMetric(float64(events)/secs, "events/s")
}
