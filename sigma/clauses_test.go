package sigma

import (
	"slices"
	"strings"
	"testing"
)

// TestRuleClauses: every item of a selection group and every child of an
// AND gives its own clause; alternatives give one clause together;
// negations give none; at most maxClauses are kept, the most selective.
func TestRuleClauses(t *testing.T) {
	head := "id: c\nlogsource:\n    product: windows\n    category: process_access\ndetection:\n"
	cases := []struct {
		name, det string
		want      []string // each clause as its literals joined by "|"
	}{
		{"group items", "    sel:\n        CallTrace|contains: ntdll\n        GrantedAccess: '0x1028'\n    condition: sel\n",
			[]string{"ntdll", "0x1028"}},
		{"or", "    a:\n        CallTrace|contains: ntdll\n    b:\n        GrantedAccess: '0x1028'\n    condition: a or b\n",
			[]string{"ntdll|0x1028"}},
		{"and not", "    a:\n        CallTrace|contains: ntdll\n    b:\n        GrantedAccess: '0x1028'\n    condition: a and not b\n",
			[]string{"ntdll"}},
		{"and of selections", "    a:\n        CallTrace|contains: ntdll\n    b:\n        GrantedAccess: '0x1028'\n    condition: all of them\n",
			[]string{"ntdll", "0x1028"}},
		{"alternative groups", "    sel:\n        - CallTrace|contains: ntdll\n          GrantedAccess: '0x1028'\n        - SourceImage|endswith: '\\\\lsass.exe'\n    condition: sel\n",
			[]string{"0x1028|\\lsass.exe"}},
		{"at most four", "    sel:\n        A: aaa\n        B: bbbbbbb\n        C: cccc\n        D: ddddd\n        E: eeeeee\n    condition: sel\n",
			[]string{"bbbbbbb", "eeeeee", "ddddd", "cccc"}},
	}
	for _, c := range cases {
		rs := windowsRules(t, head+c.det)
		cs, ok := rs.rules[0].clauses()
		var got []string
		for _, cl := range cs {
			var lits []string
			for _, a := range cl {
				lits = append(lits, a.lit)
			}
			got = append(got, strings.Join(lits, "|"))
		}
		if !ok || !slices.Equal(got, c.want) {
			t.Errorf("%s: clauses %q (%v), want %q", c.name, got, ok, c.want)
		}
	}
}
