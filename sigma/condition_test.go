package sigma

import (
	"strings"
	"testing"
)

// condDet builds a detection with selections a, b, c (field A/B/C equal
// "1"), _hidden (H equal "1") and sel_x, sel_y (X/Y equal "1").
func condDet(cond string) string {
	var b strings.Builder
	for _, s := range [][2]string{{"a", "A"}, {"b", "B"}, {"c", "C"}, {"_hidden", "H"}, {"sel_x", "X"}, {"sel_y", "Y"}} {
		b.WriteString("    " + s[0] + ":\n        " + s[1] + ": '1'\n")
	}
	b.WriteString("    condition: " + cond + "\n")
	return b.String()
}

func TestConditionForms(t *testing.T) {
	one := func(fields ...string) MapEvent {
		m := MapEvent{}
		for _, f := range fields {
			m[f] = "1"
		}
		return m
	}
	cases := []struct {
		cond    string
		yes, no []MapEvent
	}{
		{"a", []MapEvent{one("A")}, []MapEvent{one("B")}},
		{"a and b", []MapEvent{one("A", "B")}, []MapEvent{one("A"), one("B")}},
		{"a or b", []MapEvent{one("A"), one("B")}, []MapEvent{one("C")}},
		{"not a", []MapEvent{one("B")}, []MapEvent{one("A")}},
		// and binds tighter than or
		{"a or b and c", []MapEvent{one("A"), one("B", "C")}, []MapEvent{one("B"), one("C")}},
		{"(a or b) and c", []MapEvent{one("A", "C"), one("B", "C")}, []MapEvent{one("A"), one("B")}},
		// not binds tighter than and
		{"not a and b", []MapEvent{one("B")}, []MapEvent{one("A", "B"), one()}},
		{"not (a and b)", []MapEvent{one("A"), one()}, []MapEvent{one("A", "B")}},
		{"not not a", []MapEvent{one("A")}, []MapEvent{one()}},
		{"1 of sel_*", []MapEvent{one("X"), one("Y")}, []MapEvent{one("A")}},
		{"all of sel_*", []MapEvent{one("X", "Y")}, []MapEvent{one("X")}},
		{"2 of them", []MapEvent{one("A", "X")}, []MapEvent{one("A"), one("A", "H")}},
		{"1 of them", []MapEvent{one("C")}, []MapEvent{one("H")}},
		{"all of them", []MapEvent{one("A", "B", "C", "X", "Y")}, []MapEvent{one("A", "B", "C", "X")}},
		{"1 of _hid*", []MapEvent{one("H")}, []MapEvent{one("A")}},
		{"a and not 1 of sel_*", []MapEvent{one("A")}, []MapEvent{one("A", "Y")}},
		{"((a) and (not (b or c)))", []MapEvent{one("A")}, []MapEvent{one("A", "C")}},
		{"a AND b OR NOT c", []MapEvent{one("A", "B", "C"), one()}, []MapEvent{one("C")}},
	}
	for _, c := range cases {
		t.Run(c.cond, func(t *testing.T) {
			rs, r := compileOne(t, condDet(c.cond), Config{})
			for _, e := range c.yes {
				if !rs.MatchRule(r, e) {
					t.Errorf("should match %v", e)
				}
			}
			for _, e := range c.no {
				if rs.MatchRule(r, e) {
					t.Errorf("should not match %v", e)
				}
			}
		})
	}
}

func TestConditionList(t *testing.T) {
	det := "    a:\n        A: '1'\n    b:\n        B: '1'\n    condition:\n        - a\n        - b\n"
	rs, r := compileOne(t, det, Config{})
	if !rs.MatchRule(r, ev("B", "1")) || !rs.MatchRule(r, ev("A", "1")) || rs.MatchRule(r, ev("C", "1")) {
		t.Error("a list of conditions must match when any matches")
	}
}

func TestConditionErrors(t *testing.T) {
	for cond, want := range map[string]string{
		"a and":           "unexpected end",
		"(a or b":         "missing ')'",
		"a b":             "unexpected \"b\"",
		"nope":            "unknown search identifier \"nope\"",
		"1 of zz*":        "matches no search identifier",
		"a | count() > 5": "aggregation",
		"0 of them":       "bad quantifier",
		"a or )":          "unexpected ')'",
		"all of":          "missing search identifier pattern",
		strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200): "nested more than",
	} {
		got := compileErr(condDet(cond), Config{})
		if !strings.Contains(got, want) || !strings.Contains(got, "bad.yml:17: condition:") {
			t.Errorf("%.40q: got %q, want it to contain %q and the condition's line", cond, got, want)
		}
	}
}
