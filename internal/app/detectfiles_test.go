package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// timeRecorder is a detector that reports every event it sees, in order.
type timeRecorder struct{ seen []string }

func (r *timeRecorder) Name() string    { return "recorder" }
func (r *timeRecorder) Version() string { return "1" }
func (r *timeRecorder) Detect(_ context.Context, ev *event.Event, _ func(finding.Finding)) {
	v, _ := ev.Get("n")
	r.seen = append(r.seen, v)
}

func ecsLine(n, ts string) string {
	return `{"@timestamp":"` + ts + `","event":{"id":"e` + n + `"},"n":"` + n + `","user":{"name":"u"}}`
}

// Files are merged by event time; a bad line is reported with file:line and
// skipped; a log-clear event yields a logclear finding on Out.
func TestDetectFilesMergesByTime(t *testing.T) {
	dir := t.TempDir()
	a := strings.Join([]string{ecsLine("1", "2026-01-01T00:00:01Z"), ecsLine("4", "2026-01-01T00:00:04Z")}, "\n")
	b := strings.Join([]string{ecsLine("2", "2026-01-01T00:00:02Z"), "{bad", ecsLine("3", "2026-01-01T00:00:03Z")}, "\n")
	w := `{"EventID":1102,"Channel":"Security","Computer":"dc1","TimeCreated":"2026-01-01T00:00:05Z","EventRecordID":7}`
	for name, body := range map[string]string{"a.ndjson": a, "b.ndjson": b, "windows.ndjson": w} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rec := &timeRecorder{}
	cfg := Defaults()
	cfg.Rules = nil
	dets, _, err := Detectors(cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := detect.NewRegistry(append(dets, rec)...)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	res, err := DetectFiles(context.Background(), DetectFilesConfig{Files: []string{dir}, Out: &out, ErrOut: &errOut, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.seen, ","); got != "1,2,3,4," {
		t.Fatalf("order %q", got)
	}
	if res.Events != 5 || res.Rejected != 1 || !strings.Contains(errOut.String(), "b.ndjson:2:") {
		t.Fatalf("events %d rejected %d, stderr %q", res.Events, res.Rejected, errOut.String())
	}
	var f finding.Finding
	if err := json.Unmarshal(out.Bytes(), &f); err != nil || f.Detector != "logclear" || res.Findings["logclear"] != 1 {
		t.Fatalf("findings %q (%v), counts %v", out.String(), err, res.Findings)
	}
}
