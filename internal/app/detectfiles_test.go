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

// userRecorder records the user of every e-mail event.
type userRecorder struct{ users []string }

func (r *userRecorder) Name() string    { return "users" }
func (r *userRecorder) Version() string { return "1" }
func (r *userRecorder) Detect(_ context.Context, ev *event.Event, _ func(finding.Finding)) {
	if ev.Format == event.FormatEML {
		r.users = append(r.users, ev.Entities.User)
	}
}

// As in serve, an e-mail to an address of the hospital's own domain (phish
// configuration) names that user, so mail findings join the user's incident.
func TestDetectFilesMailRecipientIsUser(t *testing.T) {
	dir := t.TempDir()
	msg := "From: Bob <bob@example.net>\r\nTo: abennett50@mercyhealth.org\r\nSubject: hi\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nhello\r\n"
	conf := "own_domains: [mercyhealth.org]\n"
	for name, body := range map[string]string{"m.eml": msg, "mail.yml": conf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rec := &userRecorder{}
	reg, err := detect.NewRegistry(rec)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Defaults()
	cfg.PhishConfig = filepath.Join(dir, "mail.yml")
	var out, errOut bytes.Buffer
	if _, err := DetectFiles(context.Background(), DetectFilesConfig{Serve: cfg, Files: []string{filepath.Join(dir, "m.eml")},
		Out: &out, ErrOut: &errOut, Registry: reg}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(rec.users, ",") != "abennett50" {
		t.Fatalf("e-mail users %q, stderr %s", rec.users, errOut.String())
	}
}
