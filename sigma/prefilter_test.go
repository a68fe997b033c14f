package sigma

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// kvEvent is a FieldRanger test event; keys may repeat.
type kvEvent [][2]string

func (e kvEvent) Field(name string) (string, bool) {
	for _, kv := range e {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}

func (e kvEvent) Keywords(fn func(string) bool) bool {
	for _, kv := range e {
		if fn(kv[1]) {
			return true
		}
	}
	return false
}

func (e kvEvent) RangeFields(fn func(name, value string)) {
	for _, kv := range e {
		fn(kv[0], kv[1])
	}
}

// TestPrefilterAgreesWithFullEvaluation matches a sample of windows-dev
// against the full corpus twice, with the prefilter and with every rule of
// the route evaluated, and requires the same matches in the same order.
func TestPrefilterAgreesWithFullEvaluation(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	lines, _ := loadSample(t)
	rs, _ := fullRuleset(t)
	fast, full := rs.NewMatcher(), rs.NewMatcher()
	full.full = true
	ev := new(jsonEvent)
	var got, want []string
	total := 0
	for i, l := range lines {
		if i%4 != 0 { // a quarter of the sample keeps the test short
			continue
		}
		if err := ev.parse(l); err != nil {
			t.Fatal(err)
		}
		got, want = got[:0], want[:0]
		fast.Match(ev, func(r *Rule) { got = append(got, r.ID) })
		full.Match(ev, func(r *Rule) { want = append(want, r.ID) })
		if !slices.Equal(got, want) {
			t.Fatalf("line %d: prefilter %v, full evaluation %v", i*5+1, got, want)
		}
		total += len(got)
	}
	if total == 0 {
		t.Error("no matches at all: the comparison proves nothing")
	}
	t.Logf("%d matches agree", total)
}

func TestACMachineFindsEveryLiteral(t *testing.T) {
	pats := []string{"cmd.exe", "exe", "\\\\", "powershell", "-enc", "he", "she", "hers", "his"}
	m := newACMachine(pats, 100)
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"c", "m", "d", ".", "e", "x", "E", "X", "\\", "-", "n", "h", "s", "r", "i", "P", "owershell", "é", "İ"}
	for n := 0; n < 2000; n++ {
		var b strings.Builder
		for k := rng.Intn(30); k > 0; k-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		v := b.String()
		var got []int32
		st := int32(0)
		for i := 0; i < len(v); i++ {
			st = m.delta[st+int32(m.class[v[i]])]
			if st >= m.firstOut {
				k := (st - m.firstOut) / m.nclass
				got = append(got, m.outs[m.outStart[k]:m.outStart[k+1]]...)
			}
		}
		for pi, p := range pats {
			// The machine folds ASCII case only.
			want := strings.Contains(asciiLower(v), p)
			if has := slices.Contains(got, int32(100+pi)); has != want {
				t.Fatalf("%q in %q: machine says %v", p, v, has)
			}
		}
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestRegexLiterals(t *testing.T) {
	cases := []struct {
		re   string
		want []string
	}{
		{`(?i)invoke-mimikatz`, []string{"invoke-mimikatz"}},
		{`.*\\Temp\\[a-z]+\.exe`, []string{"\\temp\\"}},
		{`(abcd|efgh)\d+`, []string{"abcd", "efgh"}},
		{`(abcd|e)\d+`, nil}, // "e" is too short to screen with
		{`(abcd)?xyz`, []string{"xyz"}},
		{`[0-9]{4}`, nil},
		{`(?i)&&set.*(\{\d\}){2,}`, []string{"&&set"}},
	}
	for _, c := range cases {
		if got := regexLiterals(c.re); !slices.Equal(got, c.want) {
			t.Errorf("regexLiterals(%q) = %q, want %q", c.re, got, c.want)
		}
	}
}

// TestRegexScreenKeepsMatches checks that screening a regexp by its
// literals never loses a match, case-insensitive flags included.
func TestRegexScreenKeepsMatches(t *testing.T) {
	runMatchCases(t, []matchCase{{
		name: "screened re",
		det:  "    sel:\n        CommandLine|re|i: 'invoke-(mimikatz|kerberoast)\\s'\n    condition: sel\n",
		yes:  []MapEvent{{"CommandLine": "x INVOKE-Mimikatz y"}, {"CommandLine": "Invoke-Kerberoast -a"}},
		no:   []MapEvent{{"CommandLine": "invoke-mimikatz"}, {"CommandLine": "Invoke-Other x"}},
	}}, Config{Pipeline: WindowsPipeline()})
}

// TestRepeatedKeyMatchesAnyValue: with a FieldRanger event, a key that
// occurs several times matches when any of its values does.
func TestRepeatedKeyMatchesAnyValue(t *testing.T) {
	rs, r := compileOne(t, "    sel:\n        Tag|endswith: '.exe'\n    condition: sel\n", Config{})
	hit := func(ev Event) bool { return rs.MatchRule(r, ev) }
	if !hit(kvEvent{{"Tag", "a.txt"}, {"Other", "x"}, {"Tag", "B.EXE"}}) {
		t.Error("second value of a repeated key did not match")
	}
	if hit(kvEvent{{"Tag", "a.txt"}, {"Tag", "b.dll"}}) {
		t.Error("matched although no value ends with .exe")
	}
}

// TestFieldVariantsResolvedOncePerEvent checks the pipeline's name variants
// through the one-pass field resolution: the first candidate name present
// wins, whatever the order of the event's fields.
func TestFieldVariantsResolvedOncePerEvent(t *testing.T) {
	cfg := Config{Pipeline: WindowsPipeline()}
	cfg.Pipeline.Routes = nil // no routing: match through LogsourceEvent-less MatchRule
	rs, r := compileOne(t, "    sel:\n        ThreatName: 'Evil'\n    condition: sel\n", cfg)
	cases := []struct {
		ev   kvEvent
		want bool
	}{
		{kvEvent{{"ThreatName", "evil"}}, true},
		{kvEvent{{"Threat Name", "EVIL"}}, true},
		{kvEvent{{"Event.EventData.ThreatName", "evil"}}, true},
		{kvEvent{{"Event.EventData.ThreatName", "evil"}, {"ThreatName", "good"}}, false}, // ThreatName wins
		{kvEvent{{"Other", "evil"}}, false},
	}
	for _, c := range cases {
		if got := rs.MatchRule(r, c.ev); got != c.want {
			t.Errorf("%v: got %v, want %v", c.ev, got, c.want)
		}
		// The same through Field lookups (no FieldRanger).
		if got := rs.MatchRule(r, MapEvent(toMap(c.ev))); got != c.want && len(c.ev) == 1 {
			t.Errorf("MapEvent %v: got %v, want %v", c.ev, got, c.want)
		}
	}
}

func toMap(e kvEvent) map[string]string {
	m := map[string]string{}
	for _, kv := range e {
		m[kv[0]] = kv[1]
	}
	return m
}

// TestMatcherDoesNotAllocate: matching a FieldRanger event with a held
// Matcher allocates nothing.
func TestMatcherDoesNotAllocate(t *testing.T) {
	rs, _ := compileOne(t, "    sel:\n        Image|endswith: '\\cmd.exe'\n        CommandLine|contains: '/c'\n    condition: sel\n",
		Config{Pipeline: WindowsPipeline()})
	ev := kvEvent{{"Channel", "Microsoft-Windows-Sysmon/Operational"}, {"EventID", "1"},
		{"Image", `C:\Windows\System32\CMD.exe`}, {"CommandLine", "cmd /C whoami"}}
	m := rs.NewMatcher()
	n := 0
	fn := func(*Rule) { n++ }
	var e Event = ev // the conversion to an interface is the caller's allocation
	allocs := testing.AllocsPerRun(100, func() { m.Match(e, fn) })
	if n == 0 {
		t.Fatal("the event should match")
	}
	if allocs != 0 {
		t.Errorf("Match allocated %.1f times per event", allocs)
	}
}
