package sigma

import "testing"

// TestRegexScreenSkipsShortLetters: literals of one or two letters are
// left out of a screen (they do not pay for lower-casing the value), and
// the expression still matches what it matched.
func TestRegexScreenSkipsShortLetters(t *testing.T) {
	re := "(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}"
	sc := newReScreen(re)
	if sc == nil || sc.all != nil || sc.needLow() || len(sc.rawAll) == 0 {
		t.Fatalf("screen %+v: want no lower-cased literals, the raw ones kept", sc)
	}
	runMatchCases(t, []matchCase{{
		name: "env path",
		det:  "    sel:\n        ScriptBlockText|re: '" + re + "'\n    condition: sel\n",
		yes:  []MapEvent{{"ScriptBlockText": "x ${e`N`v:PATH} y"}, {"ScriptBlockText": "${env:path}"}},
		no:   []MapEvent{{"ScriptBlockText": "${env:temp}"}, {"ScriptBlockText": "$env:path"}},
	}}, Config{Pipeline: WindowsPipeline()})
}
