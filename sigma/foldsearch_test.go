package sigma

import (
	"math/rand"
	"strings"
	"testing"
)

// TestContainsFoldIsToLower compares containsFold with searching the
// lower-cased value, on random texts with capitals, İ, K (U+212A), ſ and
// invalid UTF-8, for every literal foldSafe accepts.
func TestContainsFoldIsToLower(t *testing.T) {
	parts := []string{"a", "A", "b", "B", "\\", "P", "erfc", ".DAT", "dat", "İ", "\u212a", "ſ", "\xff", "é", "i", "k", "K", "x", "-"}
	lits := []string{`\perfc.dat`, "dat", "ab", "a", "b-", "-", `\`, "ink", "ki", "i", "k", "ba\\", "x", "a--"}
	rng := rand.New(rand.NewSource(1))
	checked := 0
	for n := 0; n < 50000; n++ {
		var b strings.Builder
		for k := rng.Intn(12); k > 0; k-- {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		v := b.String()
		if n == 0 {
			v = "x-a--" // the literal's second byte occurs before it
		}
		for _, lit := range lits {
			if !foldSafe(lit) {
				continue
			}
			checked++
			if got, want := containsFold(v, lit), strings.Contains(strings.ToLower(v), lit); got != want {
				t.Fatalf("containsFold(%q, %q) = %v, want %v", v, lit, got, want)
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// TestKeywordFoldSearch: a keyword search by fold-safe literals reads raw
// values and still matches whatever their case; one with i or k does not.
func TestKeywordFoldSearch(t *testing.T) {
	runMatchCases(t, []matchCase{
		{name: "fold", det: "    kw:\n        - '\\perfc.dat'\n    condition: kw\n",
			yes: []MapEvent{ev("CommandLine", `C:\PERFC.DAT x`), ev("x", `\perfc.dat`)}, no: []MapEvent{ev("CommandLine", `perfc.dat`)}},
		{name: "kelvin", det: "    kw:\n        - 'kerb'\n    condition: kw\n",
			yes: []MapEvent{ev("CommandLine", "\u212aERB"), ev("CommandLine", "KERB")}, no: []MapEvent{ev("CommandLine", "erb")}},
	}, Config{})
	rs, _ := compileOne(t, "    kw:\n        - '\\perfc.dat'\n        - 'kerb'\n    condition: kw\n", Config{})
	kw := rs.rules[0].sels[0].keywords
	if !kw.vals[0].fold || kw.vals[1].fold {
		t.Errorf("fold: %v, %v; want true for \\perfc.dat, false for kerb", kw.vals[0].fold, kw.vals[1].fold)
	}
}
