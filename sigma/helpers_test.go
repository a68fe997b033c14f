package sigma

import (
	"strings"
	"testing"
)

// compileOne parses a rule whose detection section is det (indented YAML
// body, without the "detection:" line) and compiles it.
func compileOne(t testing.TB, det string, cfg Config) (*Ruleset, *Rule) {
	t.Helper()
	src := "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n" + det
	docs, err := Parse([]byte(src), "test.yml")
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	if len(docs.Rules) != 1 {
		t.Fatalf("got %d rules", len(docs.Rules))
	}
	rs, errs := Compile(docs.Rules, cfg)
	if len(errs) > 0 {
		t.Fatalf("compile: %v", errs)
	}
	return rs, docs.Rules[0]
}

// matchCase is one detection and events that must and must not match it.
type matchCase struct {
	name string
	det  string
	yes  []MapEvent
	no   []MapEvent
}

func runMatchCases(t *testing.T, cases []matchCase, cfg Config) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, r := compileOne(t, c.det, cfg)
			for _, ev := range c.yes {
				if !rs.MatchRule(r, ev) {
					t.Errorf("should match %v", ev)
				}
			}
			for _, ev := range c.no {
				if rs.MatchRule(r, ev) {
					t.Errorf("should not match %v", ev)
				}
			}
		})
	}
}

// compileErr returns the compile (or parse) error of a detection, or "".
func compileErr(det string, cfg Config) string {
	src := "title: t\nlogsource:\n    product: windows\ndetection:\n" + det
	docs, err := Parse([]byte(src), "bad.yml")
	if err != nil {
		return err.Error()
	}
	_, errs := Compile(docs.Rules, cfg)
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error())
	}
	return b.String()
}

func ev(kv ...string) MapEvent {
	m := MapEvent{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}
