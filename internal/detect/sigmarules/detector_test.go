package sigmarules

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

const ruleWhoami = `title: Whoami Execution
id: 11111111-1111-4111-8111-111111111111
status: stable
description: Detects whoami.
level: high
tags:
  - attack.discovery
  - attack.t1033
  - attack.t1059.001
logsource:
  product: windows
  category: process_creation
detection:
  selection_img:
    Image|endswith: '\whoami.exe'
  selection_cli:
    CommandLine|contains: '/all'
  filter:
    User: SYSTEM
  condition: selection_img and selection_cli and not filter
`

const ruleCmd = `title: Cmd Execution
id: 22222222-2222-4222-8222-222222222222
status: experimental
level: low
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\cmd.exe'
  condition: selection
`

const ruleBroken = `title: Broken
id: 33333333-3333-4333-8333-333333333333
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|contians: 'x'
  condition: selection
`

func sysmonEvent(id, image, cli string) *event.Event {
	ev := &event.Event{ID: id, Format: event.FormatWinFlat, Entities: event.Entities{Host: "ws1", User: "nurse1"}}
	ev.Add("Channel", "Microsoft-Windows-Sysmon/Operational", event.KindString)
	ev.Add("EventID", "1", event.KindNumber)
	ev.Add("Image", image, event.KindString)
	ev.Add("CommandLine", cli, event.KindString)
	ev.Add("User", "HOSPITAL\\nurse1", event.KindString)
	return ev
}

func writeRule(t *testing.T, dir, name, body string) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
}

func detectAll(d *Detector, ev *event.Event) []finding.Finding {
	var out []finding.Finding
	d.Detect(context.Background(), ev, func(f finding.Finding) { out = append(out, f) })
	return out
}

func TestDetectorFinding(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "whoami.yml", ruleWhoami)
	d, err := New(Config{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Name() != "sigma" || d.Rules() != 1 {
		t.Fatalf("name %q rules %d", d.Name(), d.Rules())
	}
	ev := sysmonEvent("ev-1", `C:\Windows\System32\whoami.exe`, "whoami /all \"\x1b[31m\"")
	got := detectAll(d, ev)
	if len(got) != 1 {
		t.Fatalf("findings: %+v", got)
	}
	f := got[0]
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if f.ID != finding.DeriveID("sigma", "11111111-1111-4111-8111-111111111111", []string{"ev-1"}) {
		t.Errorf("id %s not derived from detector, rule and event", f.ID)
	}
	if f.Severity != finding.SeverityHigh || f.Confidence != 0.85 {
		t.Errorf("severity %s confidence %v", f.Severity, f.Confidence)
	}
	if !reflect.DeepEqual(f.Techniques, []string{"T1033", "T1059.001"}) {
		t.Errorf("techniques %v", f.Techniques)
	}
	if len(f.Tags) != 3 || f.Title != "Whoami Execution" || f.Entities.Host != "ws1" || f.EventIDs[0] != "ev-1" {
		t.Errorf("finding %+v", f)
	}
	for _, want := range []string{`Sigma rule "Whoami Execution"`, `level high`,
		`Selection "selection_img" matched with Image="C:\\Windows\\System32\\whoami.exe"`,
		`Selection "selection_cli" matched with CommandLine="whoami /all \"\x1b[31m\""`} {
		if !strings.Contains(f.Explanation, want) {
			t.Errorf("explanation lacks %q:\n%s", want, f.Explanation)
		}
	}
	if strings.Contains(f.Explanation, "filter") {
		t.Errorf("explanation names a selection that did not match:\n%s", f.Explanation)
	}
	if strings.Contains(f.Explanation, "\x1b") {
		t.Error("control characters from the event must be escaped")
	}
	again := detectAll(d, ev)
	if len(again) != 1 || again[0].ID != f.ID || again[0].Explanation != f.Explanation {
		t.Error("findings are not deterministic")
	}
	if n := len(detectAll(d, sysmonEvent("ev-2", `C:\x\whoami.exe`, "whoami"))); n != 0 {
		t.Errorf("rule matched an event missing selection_cli: %d findings", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d.Detect(ctx, ev, func(finding.Finding) { t.Error("emitted after cancellation") })
}

func TestDetectorReload(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "whoami.yml", ruleWhoami)
	d, err := New(Config{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	v1 := d.Version()
	cmdEv := sysmonEvent("ev-3", `C:\Windows\System32\cmd.exe`, "cmd /c dir")
	if n := len(detectAll(d, cmdEv)); n != 0 {
		t.Fatalf("cmd rule not loaded yet, got %d findings", n)
	}
	must(t, d.Reload())
	if d.Version() != v1 {
		t.Error("same files must give the same version")
	}

	// A new rule and a broken one: the broken file is skipped, the rest load.
	writeRule(t, dir, "cmd.yml", ruleCmd)
	writeRule(t, dir, "broken.yml", ruleBroken)
	must(t, d.Reload())
	if d.Rules() != 2 || d.Version() == v1 {
		t.Fatalf("after reload: rules %d version %s (was %s)", d.Rules(), d.Version(), v1)
	}
	if sk := d.SkippedFiles(); len(sk) != 1 || !strings.HasSuffix(sk[0], "broken.yml") {
		t.Errorf("skipped files %v", sk)
	}
	got := detectAll(d, cmdEv)
	if len(got) != 1 || got[0].RuleID != "22222222-2222-4222-8222-222222222222" ||
		got[0].Severity != finding.SeverityLow || got[0].Confidence != 0.5 {
		t.Fatalf("cmd finding %+v", got)
	}
	v2 := d.Version()

	// An I/O failure keeps the previous ruleset.
	d.cfg.Paths = []string{filepath.Join(dir, "missing")}
	if err := d.Reload(); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("reload of a missing dir: %v", err)
	}
	if d.Rules() != 2 || d.Version() != v2 || len(detectAll(d, cmdEv)) != 1 {
		t.Error("failed reload replaced the active rules")
	}
}

func TestNewFailsOnBadPlaceholders(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(Config{Paths: []string{dir}, PlaceholdersFile: filepath.Join(dir, "nope.yml")}); err == nil {
		t.Fatal("missing placeholder file accepted")
	}
}

func TestSeverityConfidenceTechniques(t *testing.T) {
	if Severity("") != finding.SeverityMedium || Severity("Critical") != finding.SeverityCritical ||
		Severity("informational") != finding.SeverityInfo {
		t.Error("severity mapping")
	}
	cases := []struct {
		level, status string
		want          float64
	}{{"critical", "stable", 0.95}, {"critical", "test", 0.9}, {"informational", "deprecated", 0.3},
		{"medium", "", 0.7}, {"low", "experimental", 0.5}}
	for _, c := range cases {
		if got := Confidence(c.level, c.status); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("Confidence(%s,%s) = %v, want %v", c.level, c.status, got, c.want)
		}
	}
	got := Techniques([]string{"attack.t1059", "attack.T1070.001", "attack.execution", "attack.g0016",
		"attack.t10", "attack.t1059.01", "cve.2021-44228", "attack.s0002"})
	if !reflect.DeepEqual(got, []string{"T1059", "T1070.001"}) {
		t.Errorf("techniques %v", got)
	}
}

// BenchmarkDetector measures Detect with the two-rule set on a non-matching
// and a matching event (the explanation path).
func BenchmarkDetector(b *testing.B) {
	dir := b.TempDir()
	must(b, os.WriteFile(filepath.Join(dir, "a.yml"), []byte(ruleWhoami), 0o600))
	must(b, os.WriteFile(filepath.Join(dir, "b.yml"), []byte(ruleCmd), 0o600))
	d, err := New(Config{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	miss := sysmonEvent("m", `C:\x\notepad.exe`, "notepad")
	hit := sysmonEvent("h", `C:\x\whoami.exe`, "whoami /all")
	emit := func(finding.Finding) {}
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.Detect(context.Background(), miss, emit)
		}
	})
	b.Run("hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.Detect(context.Background(), hit, emit)
		}
	})
}

// TestReloadWhileDetecting swaps rulesets while Detect runs (go test -race).
func TestReloadWhileDetecting(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "whoami.yml", ruleWhoami)
	d, err := New(Config{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			if err := d.Reload(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	ev := sysmonEvent("ev-r", `C:\x\whoami.exe`, "whoami /all")
	for i := 0; i < 200; i++ {
		if n := len(detectAll(d, ev)); n != 1 {
			t.Fatalf("iteration %d: %d findings", i, n)
		}
	}
	<-done
}

// FuzzExplain feeds arbitrary event values to the explanation: it must not
// panic, must stay valid UTF-8 and must never carry raw control characters.
func FuzzExplain(f *testing.F) {
	f.Add(`C:\Windows\System32\whoami.exe`, "whoami /all")
	f.Add("\\whoami.exe", "/all \x00\x1b[2J\n\r\u2028")
	f.Add(strings.Repeat("é", 200)+`\whoami.exe`, strings.Repeat("/all", 100))
	f.Add("\xff\xfe\\whoami.exe", "\xc3/all")
	dir := f.TempDir()
	must(f, os.WriteFile(filepath.Join(dir, "w.yml"), []byte(ruleWhoami), 0o600))
	d, err := New(Config{Paths: []string{dir}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, image, cli string) {
		for _, fd := range detectAll(d, sysmonEvent("e", image, cli)) {
			if !utf8.ValidString(fd.Explanation) {
				t.Fatalf("invalid UTF-8: %q", fd.Explanation)
			}
			for _, r := range fd.Explanation {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("control character %U in %q", r, fd.Explanation)
				}
			}
		}
	})
}
