package app

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

func TestSigmaPipeline(t *testing.T) {
	for _, name := range []string{"", "windows", "Windows"} {
		if p, err := SigmaPipeline(name); err != nil || p.Name != "windows" {
			t.Errorf("%q: %v %v", name, p, err)
		}
	}
	if _, err := SigmaPipeline("./p.yml"); err == nil || !strings.Contains(err.Error(), "not supported yet") {
		t.Errorf("file pipeline: %v", err)
	}
	if _, err := SigmaPipeline("splunk"); err == nil || !strings.Contains(err.Error(), "unknown pipeline") {
		t.Errorf("unknown pipeline: %v", err)
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
