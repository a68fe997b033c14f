package sigma

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestManyAltsFromFoundPatterns: an item with many alternatives on a field
// the prefilter scanned is tested from the patterns found in the value, and
// its alternatives without a pattern (too short) are still tested.
func TestManyAltsFromFoundPatterns(t *testing.T) {
	var b strings.Builder
	b.WriteString("    sel:\n        CommandLine|endswith:\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "            - '\\lib%02d.dll'\n", i)
	}
	b.WriteString("            - '.x'\n    sub:\n        CommandLine|contains:\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "            - 'tool%02d.exe'\n", i)
	}
	b.WriteString("    gate:\n        CommandLine|contains: 'windows'\n    condition: gate and (sel or sub)\n")
	rs, _ := compileOne(t, b.String(), Config{Pipeline: WindowsPipeline()})
	for _, g := range rs.rules[0].sels {
		if f := g.groups[0][0]; len(f.strs) >= manyAlts && f.found == nil {
			t.Fatal("no pattern index for an item with many alternatives")
		}
	}
	cases := map[string]bool{
		`C:\Windows\lib07.dll`:       true,
		`C:\WINDOWS\LIB39.DLL`:       true,
		`C:\windows\foo.x`:           true, // the alternative without a pattern
		`C:\windows\foo.dll`:         false,
		`C:\windows\lib07.dll.bak`:   false, // found, but not at the end
		`C:\windows\TOOL13.EXE -a`:   true,
		`C:\windows\tool1.exe`:       false,
		`C:\temp\lib07.dll`:          false, // gate fails
		`C:\windows\lib07.dll tool9`: false,
	}
	for v, want := range cases {
		ev := kvEvent{{"Channel", sysmon}, {"EventID", "1"}, {"CommandLine", v}}
		n := sysmonCommandLineMatches(rs, v)
		if (n == 1) != want {
			t.Errorf("%q: %d matches, want match=%v", v, n, want)
		}
		if got := rs.MatchRule(rs.rules[0].rule, ev); got != want { // without the prefilter
			t.Errorf("%q: MatchRule %v, want %v", v, got, want)
		}
	}
}

// TestEqualFoldEq: equality without lower-casing agrees with
// strings.ToLower wherever it decides.
func TestEqualFoldEq(t *testing.T) {
	vals := []string{"", "a", "A", "abc", "ABC", "aBc ", "K", "\u212a", "k", "İ", "i", "Ⱥ", "ⱥ", "\xff", "\ufffd",
		"é", "É", "ǅ", "ß", "ẞ", "\u212aelvin", "kelvin", "ⱥⱥⱥ", "ȺȺȺ", "x\xffy", strings.Repeat("a", 10)}
	decided := 0
	for _, raw := range vals {
		for _, v := range vals {
			lit := strings.ToLower(v)
			eq, ok := equalFoldEq(raw, lit)
			if !ok {
				continue
			}
			decided++
			if want := strings.ToLower(raw) == lit; eq != want {
				t.Errorf("equalFoldEq(%q, %q) = %v, want %v", raw, lit, eq, want)
			}
		}
	}
	if decided == 0 {
		t.Fatal("nothing decided")
	}
}

// TestLowerLengthRatio: lower-casing a character gives between a third and
// three times its bytes, the bound equalFoldEq and the prefix and suffix
// tests rely on.
func TestLowerLengthRatio(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		n, m := utf8.RuneLen(r), utf8.RuneLen(unicode.ToLower(r))
		if m > 3*n || 3*m < n {
			t.Errorf("%U: %d bytes, lower-cased %d", r, n, m)
		}
	}
	if n := len(strings.ToLower("\xff")); n > 3 {
		t.Errorf("an invalid byte lower-cases to %d bytes", n)
	}
}

// TestPrefixOfGrowingText: a value shorter than a prefix or suffix can
// still match once lower-cased, when lower-casing lengthens it (Ⱥ, 2 bytes,
// becomes ⱥ, 3).
func TestPrefixOfGrowingText(t *testing.T) {
	runMatchCases(t, []matchCase{
		{name: "prefix", det: "    sel:\n        CommandLine|startswith: 'ⱥb'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "Ⱥb"), ev("CommandLine", "ⱥbc")}, no: []MapEvent{ev("CommandLine", "ab")}},
		{name: "suffix", det: "    sel:\n        CommandLine|endswith: 'bⱥ'\n    condition: sel\n",
			yes: []MapEvent{ev("CommandLine", "bȺ"), ev("CommandLine", "abⱥ")}, no: []MapEvent{ev("CommandLine", "b")}},
	}, Config{})
}
