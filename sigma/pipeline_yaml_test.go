package sigma

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestParsePipelineErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"unknown key", "name: p\nfeild_map: {}\n", `p.yml:2: unknown key "feild_map"`},
		{"missing name", "base: windows\n", "p.yml:1: name: missing"},
		{"unknown base", "name: p\nbase: splunk\n", `p.yml:2: base: unknown built-in pipeline "splunk"`},
		{"route unknown key", "name: p\nroutes:\n  - logsource: {product: windows}\n    channel: [A]\n",
			`p.yml:4: routes[0]: unknown key "channel"`},
		{"route without channels", "name: p\nroutes:\n  - logsource: {product: windows}\n",
			"p.yml:3: routes[0]: logsource and channels are required"},
		{"route empty logsource", "name: p\nroutes:\n  - logsource: {}\n    channels: [A]\n",
			"p.yml:3: routes[0]: logsource: set at least one of product, category, service"},
		{"route bad logsource key", "name: p\nroutes:\n  - logsource: {product: windows, categroy: x}\n    channels: [A]\n",
			`p.yml:3: routes[0]: logsource: unknown key "categroy"`},
		{"route channels not a list", "name: p\nroutes:\n  - logsource: {product: windows}\n    channels: {a: b}\n",
			"p.yml:4: routes[0]: channels: expected a non-empty list"},
		{"routes not a list", "name: p\nroutes: {a: b}\n", "p.yml:2: routes: expected a list"},
		{"field map value", "name: p\nfield_map:\n  Image: {a: b}\n", "p.yml:3: field_map: Image: expected a non-empty list"},
		{"field map empty name", "name: p\nfield_map:\n  Image: [a, '']\n", "p.yml:3: field_map: Image: expected a non-empty string"},
		{"field_map_for", "name: p\nfield_map_for:\n  - logsource: {product: windows}\n", "p.yml:3: field_map_for[0]: logsource and field_map are required"},
		{"spaced_names", "name: p\nspaced_names: maybe\n", "p.yml:2: spaced_names: expected true or false"},
		{"duplicate key", "name: p\nname: q\n", `p.yml:2: duplicate key "name"`},
		{"syntax", "name: p\n  x: [\n", "p.yml:2: "},
		{"not a mapping", "- a\n", "p.yml:1: expected a mapping"},
		{"empty", "", "p.yml: empty pipeline"},
	}
	for _, c := range cases {
		_, err := ParsePipeline([]byte(c.src), "p.yml")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want prefix %q", c.name, err, c.want)
		}
	}
}

func TestParsePipelineFile(t *testing.T) {
	data, err := os.ReadFile("testdata/pipelines/my-edr.yml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePipeline(data, "my-edr.yml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "my-edr" || p.ChannelField != "Channel" || !p.SpacedNames {
		t.Errorf("base not applied: %+v", p)
	}
	if got := p.FieldMap["Image"]; !slices.Equal(got, []string{"proc.path", "Image"}) {
		t.Errorf("Image -> %v", got)
	}
	if got := p.FieldMap["CommandLine"]; !slices.Equal(got, []string{"proc.cmdline"}) {
		t.Errorf("CommandLine -> %v", got)
	}
	if n := len(p.Routes); n != len(WindowsPipeline().Routes)+1 {
		t.Errorf("%d routes", n)
	}
	last := p.Routes[len(p.Routes)-1]
	if last.Logsource.Category != "process_creation" || !slices.Equal(last.Channels, []string{"EDR/Process"}) ||
		!slices.Equal(last.EventIDs, []string{"start"}) {
		t.Errorf("route %+v", last)
	}
	proc := Logsource{Product: "windows", Category: "process_creation"}
	if got := p.FieldNames("User", proc); got[0] != "proc.user" {
		t.Errorf("User for process_creation -> %v", got)
	}
	if got := p.FieldNames("User", Logsource{Product: "windows", Service: "security"}); got[0] != "User" {
		t.Errorf("User for security -> %v", got)
	}
	if _, err := ParsePipeline(mustRead(t, "testdata/pipelines/ecs-extra.yml"), "ecs-extra.yml"); err != nil {
		t.Error(err)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestPipelineRenamesField: a YAML pipeline that maps a rule field to a new
// event field name makes the rule match events that carry only the new
// name, routed by the pipeline's own route; a logsource-specific mapping
// applies to that logsource's rules only.
func TestPipelineRenamesField(t *testing.T) {
	p, err := ParsePipeline(mustRead(t, "testdata/pipelines/my-edr.yml"), "my-edr.yml")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Parse([]byte(`title: proc
logsource: {product: windows, category: process_creation}
detection:
    sel:
        Image|endswith: '\evil.exe'
        CommandLine|contains: '-x'
        User: alice
    condition: sel
---
title: sec
logsource: {product: windows, service: security}
detection:
    sel:
        User: alice
    condition: sel
`), "r.yml")
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := Compile(docs.Rules, Config{Pipeline: p})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	titles := func(e MapEvent) []string {
		var out []string
		rs.Match(e, func(r *Rule) { out = append(out, r.Title) })
		return out
	}
	edr := MapEvent{"Channel": "EDR/Process", "EventID": "start", "proc.path": `C:\evil.exe`,
		"proc.cmdline": "evil -x", "proc.user": "alice", "User": "bob"}
	if got := titles(edr); !slices.Equal(got, []string{"proc"}) {
		t.Errorf("EDR event: %v", got)
	}
	edr["proc.user"] = "bob"
	if got := titles(edr); len(got) != 0 {
		t.Errorf("EDR event of another user: %v", got)
	}
	// The old name still works for Image (second candidate), not for
	// CommandLine, which is mapped to proc.cmdline only.
	old := MapEvent{"Channel": "EDR/Process", "EventID": "start", "Image": `C:\evil.exe`,
		"CommandLine": "evil -x", "proc.user": "alice"}
	if got := titles(old); len(got) != 0 {
		t.Errorf("unmapped CommandLine matched: %v", got)
	}
	old["proc.cmdline"] = "evil -x"
	if got := titles(old); !slices.Equal(got, []string{"proc"}) {
		t.Errorf("Image fallback: %v", got)
	}
	// User in a security rule is not remapped.
	sec := MapEvent{"Channel": "Security", "EventID": "4624", "User": "alice", "proc.user": "bob"}
	if got := titles(sec); !slices.Equal(got, []string{"sec"}) {
		t.Errorf("security event: %v", got)
	}
	// Without the pipeline's route the EDR channel reaches no rule.
	w, _ := Compile(docs.Rules, Config{Pipeline: WindowsPipeline()})
	n := 0
	w.Match(MapEvent{"Channel": "EDR/Process", "EventID": "start", "Image": `C:\evil.exe`,
		"CommandLine": "evil -x", "User": "alice"}, func(*Rule) { n++ })
	if n != 0 {
		t.Errorf("windows pipeline routed the EDR channel: %d matches", n)
	}
}

func FuzzParsePipeline(f *testing.F) {
	f.Add(mustReadF(f, "testdata/pipelines/my-edr.yml"))
	f.Add(mustReadF(f, "testdata/pipelines/ecs-extra.yml"))
	rule, err := Parse([]byte("title: t\nlogsource: {product: windows, category: process_creation}\n"+
		"detection:\n    sel:\n        Image|endswith: '\\a.exe'\n        User: x\n    condition: sel\n"), "r.yml")
	if err != nil {
		f.Fatal(err)
	}
	ev := MapEvent{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": "1", "Image": `C:\a.exe`, "User": "x"}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePipeline(data, "fuzz.yml")
		if err != nil {
			if err.Error() == "" || !strings.HasPrefix(err.Error(), "fuzz.yml") {
				t.Fatalf("error without place: %q", err)
			}
			return
		}
		if p == nil || p.Name == "" {
			t.Fatal("nil or unnamed pipeline without error")
		}
		rs, _ := Compile(rule.Rules, Config{Pipeline: p})
		rs.Match(ev, func(*Rule) {})
	})
}

func mustReadF(f *testing.F, name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
