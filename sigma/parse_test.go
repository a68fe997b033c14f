package sigma

import (
	"strings"
	"testing"
)

func TestParseRuleFields(t *testing.T) {
	src := `title: Suspicious Thing
id: 5f3b1c2d-0000-4000-8000-000000000001
status: test
level: high
tags:
    - attack.execution
    - attack.t1059
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\evil.exe'
    condition: selection
falsepositives:
    - Admins
fields:
    - CommandLine
`
	docs, err := Parse([]byte(src), "r.yml")
	if err != nil {
		t.Fatal(err)
	}
	r := docs.Rules[0]
	if r.Title != "Suspicious Thing" || r.Level != "high" || r.Status != "test" || len(r.Tags) != 2 ||
		r.Logsource.Category != "process_creation" || r.FalsePositives[0] != "Admins" || r.Fields[0] != "CommandLine" {
		t.Errorf("rule fields: %+v", r)
	}
	it := r.Detection.Selections[0].Groups[0][0]
	if it.Field != "Image" || it.Modifiers[0] != "endswith" || it.Values[0].S != `\evil.exe` || it.Line != 13 {
		t.Errorf("field item: %+v", it)
	}
}

func TestParseMultiDocumentGlobal(t *testing.T) {
	src := `action: global
title: Shared
logsource:
    product: windows
detection:
    condition: sel
---
logsource:
    category: process_creation
detection:
    sel:
        Image: a.exe
---
logsource:
    category: image_load
detection:
    sel:
        ImageLoaded: b.dll
`
	docs, err := Parse([]byte(src), "multi.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs.Rules) != 2 {
		t.Fatalf("got %d rules, want 2", len(docs.Rules))
	}
	for _, r := range docs.Rules {
		if r.Title != "Shared" || r.Logsource.Product != "windows" || r.Detection.Conditions[0] != "sel" {
			t.Errorf("global not merged: %+v", r)
		}
	}
	if docs.Rules[1].Logsource.Category != "image_load" {
		t.Errorf("second rule logsource: %+v", docs.Rules[1].Logsource)
	}
}

func TestParseCorrelationAndFilter(t *testing.T) {
	src := `title: Many failed logons
id: c1
correlation:
    type: event_count
    rules:
        - failed_logon
    group-by:
        - TargetUserName
    timespan: 5m
    condition:
        gte: 10
---
title: Exclude admin host
filter:
    rules:
        - failed_logon
    selection:
        ComputerName: ADMIN01
    condition: not selection
logsource:
    product: windows
`
	docs, err := Parse([]byte(src), "c.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs.Correlations) != 1 || len(docs.Filters) != 1 || len(docs.Rules) != 0 {
		t.Fatalf("got %d correlations, %d filters, %d rules", len(docs.Correlations), len(docs.Filters), len(docs.Rules))
	}
	c := docs.Correlations[0]
	if c.Type != "event_count" || c.Rules[0] != "failed_logon" || c.GroupBy[0] != "TargetUserName" ||
		c.Timespan != "5m" || c.Condition["gte"] != "10" {
		t.Errorf("correlation: %+v", c)
	}
	f := docs.Filters[0]
	if f.Rules[0] != "failed_logon" || f.Detection.Conditions[0] != "not selection" || f.Detection.Selection("selection") == nil {
		t.Errorf("filter: %+v", f)
	}
}

func TestParseErrorsNameLine(t *testing.T) {
	for src, want := range map[string]string{
		"title: x\ndetection:\n    sel:\n        A|contians: b\n    condition: sel\n": "e.yml:4: unknown modifier 'contians'",
		"title: x\n": "e.yml:1: missing detection",
		"title: x\ndetection:\n    sel:\n        A: b\n":                                    "e.yml:2: detection: missing condition",
		"title: x\ndetection:\n    sel:\n        - A: b\n        - c\n    condition: sel\n": "e.yml:5: search identifier \"sel\": list mixes",
		"title: [unclosed\n":                 "e.yml: yaml:",
		"- a\n- b\n":                         "e.yml:1: document is not a mapping",
		"correlation:\n    type: nonsense\n": "e.yml:2: correlation: unknown type",
	} {
		_, err := Parse([]byte(src), "e.yml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", src, err, want)
		}
	}
}

func TestBrokenRuleDoesNotStopOthers(t *testing.T) {
	good := "title: good\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        A: '1'\n    condition: sel\n"
	bad := "title: bad\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        A|re: '(?!x)'\n    condition: sel\n"
	var rules []*Rule
	for i, src := range []string{good, bad, good} {
		docs, err := Parse([]byte(src), "f.yml")
		if err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		rules = append(rules, docs.Rules...)
	}
	rs, errs := Compile(rules, Config{})
	if rs.Len() != 2 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "f.yml:7:") {
		t.Errorf("compiled %d, errors %v", rs.Len(), errs)
	}
}
