package sigma

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestScanMemoRepeatedKey: a value remembered must carry all its patterns,
// also when it was the second value of a repeated key whose first value
// held the same literal; and a remembered value gives the same matches.
func TestScanMemoRepeatedKey(t *testing.T) {
	rs := windowsRules(t, procRule)
	m := rs.NewMatcher()
	match := func(line string) []string { return jsonMatchIDs(t, m, line) }
	head := `{"Channel":"` + sysmon + `","EventID":"1","Image":`
	for i, c := range []struct {
		line string
		want int
	}{
		{head + `["C:\\x.exe","D:\\x.exe"]}`, 1},
		{head + `"D:\\x.exe"}`, 1},
		{head + `"D:\\x.exe"}`, 1},
		{head + `"D:\\y.exe"}`, 0},
		{head + `"C:\\x.exe"}`, 1},
	} {
		if got := match(c.line); len(got) != c.want {
			t.Errorf("event %d: matched %v, want %d rule(s)", i, got, c.want)
		}
	}
}

// TestLineMemo: long values are scanned line by line through the memo of
// long lines when no literal holds a newline, and as a whole when one
// does; a remembered line gives the same matches as a scanned one.
func TestLineMemo(t *testing.T) {
	rule := func(id, lit string) string {
		return "id: " + id + "\nlogsource:\n    product: windows\n    category: ps_module\ndetection:\n" +
			"    sel:\n        ContextInfo|contains: \"" + lit + "\"\n    condition: sel\n"
	}
	rs := windowsRules(t, rule("needle", "needle"), rule("across", `foo\nbar`))
	m := rs.NewMatcher()
	match := func(ctx string) []string {
		return jsonMatchIDs(t, m, `{"Channel":"Microsoft-Windows-PowerShell/Operational","EventID":"4103","ContextInfo":`+
			strconv.Quote(ctx)+`}`)
	}
	long := strings.Repeat("a", 300)
	for i, c := range []struct {
		ctx  string
		want string
	}{
		{"x\n" + long + "needle" + long + "\ny", "needle"},
		{"z\n" + long + "needle" + long + "\ny", "needle"}, // the long line remembered
		{"x\n" + long + "needlf" + long + "\ny", ""},
		{"short needle\n" + long, "needle"},
		{"short needle\n" + long, "needle"}, // the short line remembered
		{long + "foo\nbar" + long, "across"},
		{long + "foo\nbaz" + long, ""},
	} {
		got := strings.Join(match(c.ctx), ",")
		if got != c.want {
			t.Errorf("event %d: matched %q, want %q", i, got, c.want)
		}
	}
}

// TestScanMemoSet: texts whose hashes fall in one set are remembered side
// by side (as many as a set has slots), and every text, remembered,
// replaced or not, gives the patterns a scan without memo finds.
func TestScanMemoSet(t *testing.T) {
	rs := windowsRules(t, procRule)
	m, plain := rs.NewMatcher(), rs.NewMatcher()
	plain.memo.slots = nil
	f := rs.ft.ids["Image"]
	ac := rs.pre.fields[f].m
	var texts []string
	set := -1
	for i := 0; len(texts) < memoWays+2; i++ {
		text := `C:\dir` + strconv.Itoa(i) + []string{`\x.exe`, `\y.exe`}[i%2]
		if s := m.memo.setOf(m.memo.hash(f, text)); set < 0 || s == set {
			set, texts = s, append(texts, text)
		}
	}
	found := func(m *Matcher, text string) []int32 {
		m.pf.gen++
		m.pf.found = m.pf.found[:0]
		m.scanShort(f, ac, text)
		return slices.Clone(m.pf.found)
	}
	holds := func(text string) bool {
		for w := range memoWays {
			s := &m.memo.slots[set+w]
			if s.field == f && string(s.val[:s.vlen]) == text {
				return true
			}
		}
		return false
	}
	for round := range 2 {
		for i, text := range texts {
			if got, want := found(m, text), found(plain, text); !slices.Equal(got, want) {
				t.Errorf("round %d, %s: found %v, want %v", round, text, got, want)
			}
			if round == 0 && i == memoWays-1 {
				for _, held := range texts[:memoWays] {
					if !holds(held) {
						t.Errorf("%s is not remembered", held)
					}
				}
			}
		}
	}
}

// TestScanMemoManyPatterns: a short text in which a dozen literals occur
// is remembered too.
func TestScanMemoManyPatterns(t *testing.T) {
	var lits, text strings.Builder
	for i := range 12 {
		lit := "qa" + strconv.Itoa(10+i)
		lits.WriteString("            - '" + lit + "'\n")
		text.WriteString(lit + "-")
	}
	rule := "id: many\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n" +
		"    sel:\n        Image|contains|all:\n" + lits.String() + "    condition: sel\n"
	rs := windowsRules(t, rule)
	m := rs.NewMatcher()
	f := rs.ft.ids["Image"]
	m.pf.gen++
	m.scanShort(f, rs.pre.fields[f].m, text.String())
	if n := len(m.pf.found); n < 12 {
		t.Fatalf("found %d patterns, want 12", n)
	}
	if !memoHolds(m, f, text.String()) {
		t.Errorf("a text with %d patterns is not remembered", len(m.pf.found))
	}
}

// memoHolds reports whether the short-text memo of m holds text of field f.
func memoHolds(m *Matcher, f int32, text string) bool {
	set := m.memo.setOf(m.memo.hash(f, text))
	for w := range memoWays {
		if s := &m.memo.slots[set+w]; s.field == f && string(s.val[:s.vlen]) == text {
			return true
		}
	}
	return false
}

// TestScanMemoLongestText: values of up to 255 bytes (hashes lists,
// registry paths) are remembered as short texts, and replayed.
func TestScanMemoLongestText(t *testing.T) {
	rs := windowsRules(t, procRule)
	m, plain := rs.NewMatcher(), rs.NewMatcher()
	plain.memo.slots = nil
	match := func(m *Matcher, line string) []string { return jsonMatchIDs(t, m, line) }
	f := rs.ft.ids["Image"]
	for _, n := range []int{120, 121, 200, 255} {
		img := `C:\` + strings.Repeat("d", n-len(`C:\\x.exe`)) + `\x.exe`
		line := `{"Channel":"` + sysmon + `","EventID":"1","Image":"` + strings.ReplaceAll(img, `\`, `\\`) + `"}`
		for round := range 2 {
			if got, want := match(m, line), match(plain, line); !slices.Equal(got, want) || len(got) != 1 {
				t.Errorf("%d bytes, round %d: matched %v, want %v", len(img), round, got, want)
			}
		}
		if !memoHolds(m, f, img) {
			t.Errorf("a text of %d bytes is not remembered", len(img))
		}
	}
}

// decodeCounter is a JSONEvent that counts the values the matcher decodes.
type decodeCounter struct {
	*JSONEvent
	decoded map[string]int
}

func (d *decodeCounter) FieldValue(h int) string {
	d.decoded[d.leaves[h].name]++
	return d.JSONEvent.FieldValue(h)
}

// TestEncodedMemo: a value with escapes seen again is found by its source
// text without being decoded, and gives the same matches; a different
// value, or the memo switched off, is decoded.
func TestEncodedMemo(t *testing.T) {
	both := "id: both\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n" +
		"    sel:\n        Image|endswith: '\\x.exe'\n        CommandLine|contains: zzz\n    condition: sel\n"
	rs := windowsRules(t, procRule, both)
	head := `{"Channel":"` + sysmon + `","EventID":"1","CommandLine":"a b","Image":`
	for _, encoded := range []bool{true, false} {
		m := rs.NewMatcher()
		m.memo.encoded = encoded
		for i, c := range []struct {
			image       string
			want        int
			decodedWith int // Image decodes with the memo on
		}{
			{`"C:\\x.exe"`, 1, 1}, // decoded to scan (proc's evaluation reuses it)
			{`"C:\\x.exe"`, 1, 1}, // found by its text: decoded by proc's evaluation only
			{`"C:\\y.exe"`, 0, 1}, // another text: decoded to scan
			{`"C:\\y.exe"`, 0, 0}, // remembered, no rule to evaluate: never decoded
		} {
			ev := &decodeCounter{NewJSONEvent(), map[string]int{}}
			if err := ev.Reset([]byte(head + c.image + `}`)); err != nil {
				t.Fatal(err)
			}
			var ids []string
			m.Match(ev, func(r *Rule) { ids = append(ids, r.ID) })
			if len(ids) != c.want {
				t.Errorf("encoded memo %v, event %d: matched %v, want %d rule(s)", encoded, i, ids, c.want)
			}
			if want := c.decodedWith; encoded && ev.decoded["Image"] != want {
				t.Errorf("event %d: Image decoded %d times, want %d", i, ev.decoded["Image"], want)
			}
			if !encoded && ev.decoded["Image"] == 0 {
				t.Errorf("memo off, event %d: Image was not decoded", i)
			}
		}
	}
}

// jsonMatchIDs returns the ids of the rules m matches on the JSON line.
func jsonMatchIDs(t *testing.T, m *Matcher, line string) []string {
	t.Helper()
	js := NewJSONEvent()
	if err := js.Reset([]byte(line)); err != nil {
		t.Fatal(err)
	}
	var ids []string
	m.Match(js, func(r *Rule) { ids = append(ids, r.ID) })
	return ids
}

// sysmonCommandLineMatches counts the rules rs matches on a Sysmon process
// creation event with command line v.
func sysmonCommandLineMatches(rs *Ruleset, v string) int {
	ev := kvEvent{{"Channel", sysmon}, {"EventID", "1"}, {"CommandLine", v}}
	n := 0
	rs.Match(ev, func(*Rule) { n++ })
	return n
}
