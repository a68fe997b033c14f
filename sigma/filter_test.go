package sigma

import (
	"strings"
	"testing"
)

const filterRules = `title: Rar compression
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
name: rar_compress
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\rar.exe'
    selection_cli:
        CommandLine|contains: ' a '
    condition: all of them
---
title: Jump host login
id: df0841c0-9846-4e9f-ad8a-7df91571771b
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\mstsc.exe'
    condition: sel
---
title: Untouched
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\cmd.exe'
    condition: selection
`

func parseDocs(t testing.TB, src string) *Documents {
	t.Helper()
	docs, err := Parse([]byte(src), "test.yml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return docs
}

func TestApplyFilters(t *testing.T) {
	cases := []struct {
		name     string
		filter   string
		yes, no  []MapEvent
		untouchd bool
	}{
		{
			name: "by id, spec example",
			filter: `title: Filter Administrator account
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
        - df0841c0-9846-4e9f-ad8a-7df91571771b
    selection:
        User|startswith: 'adm_'
    condition: selection
`,
			yes: []MapEvent{
				{"Image": `C:\x\rar.exe`, "CommandLine": "rar a x.rar", "User": "bob"},
				{"Image": `C:\x\mstsc.exe`, "User": "alice"},
			},
			no: []MapEvent{
				{"Image": `C:\x\rar.exe`, "CommandLine": "rar a x.rar", "User": "adm_bob"},
				{"Image": `C:\x\mstsc.exe`, "User": "adm_alice"},
			},
		},
		{
			name: "by name, them and patterns in filter",
			filter: `title: f
logsource:
    product: windows
filter:
    rules:
        - rar_compress
    selection_a:
        User: svc_backup
    selection_b:
        ParentImage|endswith: '\backup.exe'
    condition: all of them
`,
			yes: []MapEvent{
				{"Image": `C:\x\rar.exe`, "CommandLine": "rar a x.rar", "User": "svc_backup"},
				{"Image": `C:\x\rar.exe`, "CommandLine": "rar a x.rar", "ParentImage": `C:\backup.exe`},
			},
			no: []MapEvent{
				{"Image": `C:\x\rar.exe`, "CommandLine": "rar a x.rar", "User": "svc_backup", "ParentImage": `C:\backup.exe`},
			},
		},
		{
			name: "by title, colliding selection name, 1 of pattern",
			filter: `title: f
logsource:
    product: windows
filter:
    rules:
        - Jump host login
    sel:
        User: a
    sel2:
        User: b
    condition: 1 of sel*
`,
			yes: []MapEvent{{"Image": `C:\x\mstsc.exe`, "User": "c"}},
			no: []MapEvent{
				{"Image": `C:\x\mstsc.exe`, "User": "a"},
				{"Image": `C:\x\mstsc.exe`, "User": "b"},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs := parseDocs(t, filterRules+"---\n"+c.filter)
			rules, errs := ApplyFilters(docs.Rules, docs.Filters)
			if len(errs) > 0 {
				t.Fatalf("ApplyFilters: %v", errs)
			}
			if rules[2] != docs.Rules[2] {
				t.Error("a rule no filter names was copied")
			}
			rs, cerrs := Compile(rules, Config{})
			if len(cerrs) > 0 {
				t.Fatalf("compile: %v", cerrs)
			}
			for _, ev := range c.yes {
				if n := countMatches(rs, ev); n != 1 {
					t.Errorf("%v: %d matches, want 1", ev, n)
				}
			}
			for _, ev := range c.no {
				if n := countMatches(rs, ev); n != 0 {
					t.Errorf("%v: %d matches, want 0 (filtered)", ev, n)
				}
			}
			// The originals are left alone: unfiltered they still match.
			orig, _ := Compile(docs.Rules, Config{})
			for _, ev := range c.no {
				if countMatches(orig, ev) != 1 {
					t.Errorf("original rules changed: %v no longer matches", ev)
				}
			}
		})
	}
}

// winEvent is a MapEvent that declares the windows process_creation
// logsource, so rules with that logsource apply without a pipeline.
type winEvent struct{ MapEvent }

func (winEvent) Logsource() Logsource {
	return Logsource{Product: "windows", Category: "process_creation"}
}

func countMatches(rs *Ruleset, ev MapEvent) int {
	n := 0
	rs.Match(winEvent{ev}, func(*Rule) { n++ })
	return n
}

func TestApplyFiltersErrors(t *testing.T) {
	cases := []struct{ filter, want string }{
		{"filter:\n    rules:\n        - nope\n    selection:\n        User: x\n    condition: selection\n", `test.yml:33: filter "f" names unknown rule "nope"`},
		{"logsource:\n    product: linux\nfilter:\n    rules:\n        - rar_compress\n    selection:\n        User: x\n    condition: selection\n", "logsource does not match"},
		{"filter:\n    rules:\n        - rar_compress\n    selection:\n        User: x\n    condition: selection and (\n", "test.yml:39: filter \"f\": unexpected end of condition"},
		{"filter:\n    selection:\n        User: x\n    condition: selection\n", "names no rules"},
	}
	for _, c := range cases {
		docs := parseDocs(t, filterRules+"---\ntitle: f\n"+c.filter)
		rules, errs := ApplyFilters(docs.Rules, docs.Filters)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("filter %q: errors %v, want one containing %q", c.filter, errs, c.want)
		}
		for i := range rules {
			if rules[i] != docs.Rules[i] {
				t.Errorf("rule %d modified by a failing filter", i)
			}
		}
	}
}

func TestApplyFiltersPatternClash(t *testing.T) {
	src := "title: r\nlogsource:\n    product: windows\ndetection:\n    sel:\n        A: 1\n    condition: 1 of *\n---\ntitle: f\nlogsource:\n    product: windows\nfilter:\n    rules: [r]\n    sel:\n        B: 2\n    condition: sel\n"
	docs := parseDocs(t, src)
	_, errs := ApplyFilters(docs.Rules, docs.Filters)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "would match the filter's selections") {
		t.Fatalf("errors %v", errs)
	}
}
