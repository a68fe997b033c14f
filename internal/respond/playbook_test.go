package respond

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/playbooks"
)

func TestBuiltinPlaybooksAreValid(t *testing.T) {
	pbs, errs := LoadFS(playbooks.FS, ".", "builtin")
	if len(errs) > 0 {
		t.Fatalf("built-in playbooks invalid: %v", errs)
	}
	names := map[string]bool{}
	for _, pb := range pbs {
		names[pb.Name] = true
	}
	for _, want := range []string{"compromised-account", "isolate-device", "block-lookalike-sender",
		"notify-privacy-officer", "hold-bank-change"} {
		if !names[want] {
			t.Errorf("built-in playbook %s missing (have %v)", want, names)
		}
	}
}

func TestBuiltinPlaybooksMatchTheScenarios(t *testing.T) {
	pbs, _ := LoadFS(playbooks.FS, ".", "builtin")
	byName := map[string]*Playbook{}
	for _, pb := range pbs {
		byName[pb.Name] = pb
	}
	cases := []struct {
		pb string
		s  Subject
	}{
		{"compromised-account", Subject{Kind: "incident", RuleIDs: []string{"behavior.mfa-after-reset"}, Severity: finding.SeverityHigh, Entities: []string{"user:jdoe42"}}},
		{"isolate-device", Subject{Kind: "incident", RuleIDs: []string{"behavior.device-beaconing"}, Severity: finding.SeverityMedium, Entities: []string{"host:ws-12"}}},
		{"block-lookalike-sender", Subject{Kind: "incident", Detectors: []string{"phish"}, RuleIDs: []string{"phish.verdict"}, Severity: finding.SeverityHigh, Entities: []string{"email:ceo@hospita1.example"}}},
		{"notify-privacy-officer", Subject{Kind: "incident", Detectors: []string{"privacy"}, RuleIDs: []string{"privacy.coworker"}, Severity: finding.SeverityMedium, Entities: []string{"user:jdoe42", "patient:pat-000123"}}},
		{"hold-bank-change", Subject{Kind: "incident", RuleIDs: []string{"behavior.bank-change-after-reset"}, Severity: finding.SeverityHigh, Entities: []string{"user:ap-clerk"}}},
	}
	for _, c := range cases {
		pb := byName[c.pb]
		if !pb.Trigger.Matches(c.s) {
			t.Errorf("%s does not match %+v", c.pb, c.s)
			continue
		}
		for _, st := range pb.Steps {
			for k, tm := range st.With {
				if _, err := render(tm, c.s); err != nil {
					t.Errorf("%s step %s input %s: %v", c.pb, st.Name, k, err)
				}
			}
		}
	}
	// Low severity does not trigger containment.
	low := cases[0].s
	low.Severity = finding.SeverityLow
	if byName["compromised-account"].Trigger.Matches(low) {
		t.Error("compromised-account matched a low-severity incident")
	}
	if got, _ := render(byName["block-lookalike-sender"].Steps[0].With["domain"], cases[2].s); got != "hospita1.example" {
		t.Errorf("domain = %q", got)
	}
}

func TestPlaybookErrorsNameFileLineAndReason(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"", "f.yaml:1: empty file"},
		{"name: x\ntrigger: {on: finding}\nsteps: [", "f.yaml:3:"},
		{"name: x\ntrigger: {on: sometimes}\nsteps:\n  - action: ticket\n    with: {title: t}\n", `f.yaml:2: trigger.on "sometimes"`},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n", `f.yaml:4: step "step-1": action ticket needs input "title"`},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n    with:\n      title: '{{ .Nope }'\n", "f.yaml:6:"},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n    with: {title: t}\n    retries: 99\n", "f.yaml:6: step \"step-1\" retries: 99 outside 0..10"},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - approval: {roles: [viewer]}\n", `role "viewer" cannot approve`},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - condition: 'true'\n    action: ticket\n", "needs exactly one of"},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n    with: {title: t}\n    colour: red\n", `f.yaml:6: steps[0]: unknown key "colour"`},
		{"name: x\ntrigger: {on: finding, rules: ['[']}\nsteps:\n  - action: ticket\n    with: {title: t}\n", "bad glob"},
		{"name: x y\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n    with: {title: t}\n", "f.yaml:1: name \"x y\""},
		{"name: x\ntrigger: {on: finding}\nsteps: []\n", "steps must be a non-empty list"},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n    with: {title: t}\n    timeout: forever\n", "want a positive duration"},
		{"name: x\ntrigger: {on: finding}\nsteps:\n  - action: ticket\n    with: {title: '{{ call .X }}'}\n", ""},
	}
	for _, c := range cases {
		_, err := ParsePlaybook("f.yaml", []byte(c.yaml))
		if c.want == "" {
			continue // parse may accept; execution refuses call (below)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParsePlaybook(%q) = %v, want %q", c.yaml, err, c.want)
		}
	}
}

func TestTemplateIsRestricted(t *testing.T) {
	tm, err := parseTemplate("t", `{{ call .Title }}`)
	if err == nil {
		if _, err = render(tm, Subject{Title: "x"}); err == nil {
			t.Fatal("call executed")
		}
	}
	if _, err := parseTemplate("t", `{{ exec "rm" }}`); err == nil {
		t.Error("unknown function accepted")
	}
	tm, _ = parseTemplate("t", `{{ .NoSuchField }}`)
	if _, err := render(tm, Subject{}); err == nil {
		t.Error("missing field rendered")
	}
}

func TestLoadDirReportsInvalidAndKeepsValid(t *testing.T) {
	pbs, errs := LoadDir("testdata/playbooks")
	if len(pbs) != 1 || pbs[0].Name != "valid" {
		t.Fatalf("valid playbooks = %v", pbs)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), filepath.Join("testdata/playbooks", "bad-action.yaml")+":5:") ||
		!strings.Contains(errs[0].Error(), `unknown action "format.disk"`) {
		t.Fatalf("errors = %v", errs)
	}
}

func TestApproverRolesMatchAuth(t *testing.T) {
	var want []string
	for _, r := range auth.AllRoles {
		if r.Has(auth.ActionsApprove) {
			want = append(want, string(r))
		}
	}
	for _, r := range approverRoles {
		if !contains(want, r) {
			t.Errorf("approverRoles has %s, which lacks actions:approve in internal/auth (%v)", r, want)
		}
	}
	if len(want) != len(approverRoles) {
		t.Errorf("roles with actions:approve %v, respond knows %v", want, approverRoles)
	}
}

func FuzzParsePlaybook(f *testing.F) {
	for _, dir := range []string{"testdata/playbooks", "../../playbooks"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("name: x\ntrigger: {on: any}\nsteps:\n  - condition: '{{ eq 1 1 }}'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := ParsePlaybook("fuzz.yaml", data)
		if err != nil {
			var pe *PlaybookError
			if !asPlaybookError(err, &pe) || pe.Line < 1 || pe.Reason == "" {
				t.Fatalf("error without file/line/reason: %v", err)
			}
			return
		}
		if pb.Name == "" || len(pb.Steps) == 0 {
			t.Fatalf("accepted an incomplete playbook: %+v", pb)
		}
		s := Subject{Kind: "incident", ID: "i", Entities: []string{"user:u", "device:d", "email:a@b.c", "ip:1.2.3.4", "host:h"}}
		pb.Trigger.Matches(s)
		for _, st := range pb.Steps {
			for _, tm := range st.With {
				_, _ = render(tm, s)
			}
		}
	})
}
