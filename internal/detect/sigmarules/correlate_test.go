package sigmarules

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

const corrCmd = `title: Cmd burst
id: 44444444-4444-4444-8444-444444444444
level: high
tags:
  - attack.t1059
correlation:
  type: event_count
  rules:
    - 22222222-2222-4222-8222-222222222222
  group-by:
    - User
  timespan: 5m
  condition:
    gte: 3
`

const filterBackup = `title: Backup job runs cmd
logsource:
  product: windows
filter:
  rules:
    - Cmd Execution
  selection:
    CommandLine|contains: backup
  condition: selection
`

var corrT0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func cmdAt(id string, sec int, cli string) *event.Event {
	ev := sysmonEvent(id, `C:\Windows\System32\cmd.exe`, cli)
	ev.Time = corrT0.Add(time.Duration(sec) * time.Second)
	return ev
}

func corrDetector(t *testing.T, files map[string]string) *Detector {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		writeRule(t, dir, name, body)
	}
	d, err := New(Config{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDetectorCorrelation(t *testing.T) {
	d := corrDetector(t, map[string]string{"cmd.yml": ruleCmd, "corr.yml": corrCmd, "filter.yml": filterBackup})
	if d.Correlations() != 1 {
		t.Fatalf("correlations %d, skipped files %v", d.Correlations(), d.SkippedFiles())
	}
	var got []finding.Finding
	for i, ev := range []*event.Event{cmdAt("e1", 0, "cmd /c dir"), cmdAt("e2", 10, "cmd /c backup.bat"),
		cmdAt("e3", 20, "cmd /c ver"), cmdAt("e4", 30, "cmd /c set")} {
		fs := detectAll(d, ev)
		if i < 3 && len(fs) != 0 {
			t.Fatalf("event %d: findings %+v (base rule used by a correlation must stay quiet; backup is filtered)", i, fs)
		}
		got = append(got, fs...)
	}
	if len(got) != 1 {
		t.Fatalf("findings %+v", got)
	}
	f := got[0]
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []string{"e1", "e3", "e4"}
	if strings.Join(f.EventIDs, ",") != strings.Join(want, ",") {
		t.Errorf("evidence %v, want %v (e2 is filtered out)", f.EventIDs, want)
	}
	if f.ID != finding.DeriveID("sigma", "44444444-4444-4444-8444-444444444444", want) {
		t.Error("id not derived from correlation id and sorted event ids")
	}
	if f.Severity != finding.SeverityHigh || f.Title != "Cmd burst" || f.Techniques[0] != "T1059" {
		t.Errorf("finding %+v", f)
	}
	wantExpl := `3 events from rule 22222222-2222-4222-8222-222222222222 for User=HOSPITAL\nurse1 within 5m (event_count 3, condition gte 3)`
	if f.Explanation != wantExpl {
		t.Errorf("explanation\n  %s\nwant\n  %s", f.Explanation, wantExpl)
	}
}

func TestDetectorCorrelationGenerate(t *testing.T) {
	gen := strings.Replace(corrCmd, "  timespan: 5m\n", "  timespan: 5m\n  generate: true\n", 1)
	d := corrDetector(t, map[string]string{"cmd.yml": ruleCmd, "corr.yml": gen})
	n := 0
	for i := range 3 {
		n += len(detectAll(d, cmdAt("e"+string(rune('1'+i)), i, "cmd")))
	}
	if n != 4 {
		t.Errorf("%d findings, want 3 base findings and 1 correlation (generate: true)", n)
	}
}

func TestDetectorSnapshotRestore(t *testing.T) {
	files := map[string]string{"cmd.yml": ruleCmd, "corr.yml": corrCmd}
	d := corrDetector(t, files)
	detectAll(d, cmdAt("e1", 0, "cmd"))
	detectAll(d, cmdAt("e2", 1, "cmd"))
	snap, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	fresh := corrDetector(t, files)
	if n := len(detectAll(fresh, cmdAt("e3", 2, "cmd"))); n != 0 {
		t.Fatalf("fresh detector fired without state: %d", n)
	}
	restarted := corrDetector(t, files)
	if err := restarted.Restore(snap); err != nil {
		t.Fatal(err)
	}
	fs := detectAll(restarted, cmdAt("e3", 2, "cmd"))
	if len(fs) != 1 || strings.Join(fs[0].EventIDs, ",") != "e1,e2,e3" {
		t.Fatalf("after restore: %+v", fs)
	}
	if err := restarted.Restore([]byte("garbage")); err == nil {
		t.Error("garbage snapshot accepted")
	}
	// Reload keeps the state (d still holds e1 and e2).
	if err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	if fs := detectAll(d, cmdAt("e5", 3, "cmd")); len(fs) != 1 {
		t.Fatalf("state lost over reload: %+v", fs)
	}
}
