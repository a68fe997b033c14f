package sigma

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// anchorCases are expressions with and without a literal anchor.
var anchorCases = []struct {
	expr string
	lit  string // "" when the expression must get no anchor
}{
	{"\\w+`(\\w+|-|.)`[\\w+|\\s]", "`"},
	{`\s-[FTd]\s`, "-"},
	{`[0-9]{1,3}\.[0-9]{1,3}`, "."},
	{`x*:\\a`, `:\a`},
	{`[ab]{2,}-(?i)-k`, "-"},
	{`(?i)[0-9]?:-$`, ":-"},
	{`(?m)[a-c]-$`, "-"},
	{`(a|bb)?-a+`, "-"},
	{`z?aba(?i)-c`, "aba"},
	{`.x`, ""},           // '.' also matches non-ASCII characters
	{`[a-zé]-x`, ""},     // é has two bytes
	{`(?i)k-x`, ""},      // (?i)k also matches U+212A
	{`-x`, ""},           // a literal prefix: the regexp package finds it
	{`\b[a-z]-x`, ""},    // looks before its start
	{`(^a)*-b`, ""},      // looks before its start
	{`(?m)[a-c]^-x`, ""}, // looks before its start
	{`[a-z]+`, ""},       // no literal
}

// TestLitAnchorChoice: which expressions are decided from a literal.
func TestLitAnchorChoice(t *testing.T) {
	for _, c := range anchorCases {
		a := newLitAnchor(c.expr, regexp.MustCompile(c.expr))
		got := ""
		if a != nil {
			got = a.lit
		}
		if got != c.lit {
			t.Errorf("%q: anchor literal %q, want %q", c.expr, got, c.lit)
		}
	}
}

// TestLitAnchorSameAsSearch compares anchored decisions with the regexp
// package's search on random texts (non-ASCII, invalid UTF-8, newlines and
// many occurrences of the literals included).
func TestLitAnchorSameAsSearch(t *testing.T) {
	parts := []string{"a", "B", "bb", "k", "\u212a", "`", "-", "--", " ", "\n", ":", `\`, `:\a`, "0", "12", ".",
		"x", "é", "\xff", "\x80", "ſ", "F", "\t", "ab`c`d", "aba", "-c", "z"}
	fixed := []string{"ababa-c", "x`y`z", "é-x", "1.2.3.4"} // overlapping occurrences, ...
	rng := rand.New(rand.NewSource(1))
	tried := 0
	for _, c := range anchorCases {
		re := regexp.MustCompile(c.expr)
		a := newLitAnchor(c.expr, re)
		if a == nil {
			continue
		}
		for n := 0; n < 20000; n++ {
			var b strings.Builder
			for k := rng.Intn(30); k > 0; k-- {
				b.WriteString(parts[rng.Intn(len(parts))])
			}
			v := b.String()
			if n < len(fixed) {
				v = fixed[n]
			}
			if got, want := a.match(v), re.MatchString(v); got != want {
				t.Fatalf("%q on %q: anchored %v, search %v", c.expr, v, got, want)
			}
			tried++
		}
	}
	if tried == 0 {
		t.Fatal("no anchored expression tried")
	}
}

// TestLitAnchorManyOccurrences: past maxAnchorTries starts the whole value
// is searched, and the answer stays the same.
func TestLitAnchorManyOccurrences(t *testing.T) {
	expr := `[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}`
	re := regexp.MustCompile(expr)
	a := newLitAnchor(expr, re)
	for _, v := range []string{strings.Repeat("a.", 100) + "10.0.0.1", strings.Repeat("1.", 100), strings.Repeat("x.", 100)} {
		if got, want := a.match(v), re.MatchString(v); got != want {
			t.Errorf("%.20q...: anchored %v, search %v", v, got, want)
		}
	}
}
