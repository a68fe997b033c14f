package sigma

import (
	"math/rand"
	"net/netip"
	"regexp"
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
	narrow := newACMachine(pats, seqIDs(len(pats), 100))
	wide := *narrow // the same machine with a 32-bit table
	wide.d16, wide.d32 = nil, make([]int32, len(narrow.d16))
	for i, st := range narrow.d16 {
		wide.d32[i] = int32(st)
	}
	for _, m := range []*acMachine{narrow, &wide} {
		checkACMachine(t, m, pats)
	}
}

func checkACMachine(t *testing.T, m *acMachine, pats []string) {
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
			st = m.next(st, v[i])
			if st >= m.firstOut {
				k := st - m.firstOut
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
		var got []string
		if sc := newReScreen(c.re); sc != nil {
			got = sc.any
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("newReScreen(%q).any = %q, want %q", c.re, got, c.want)
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

// TestRegexScreenAllLiterals: the literals a match needs all of are found,
// and a value lacking one of them is screened out while matches still pass.
func TestRegexScreenAllLiterals(t *testing.T) {
	sc := newReScreen(`(?i)(set).*&&\s?set.*(environment|invoke|\$?\{?input).*&&.*"`)
	if sc == nil || !slices.Contains(sc.rawAll, "&&") || !slices.Contains(sc.rawAll, `"`) || !slices.Contains(sc.all, "set") {
		t.Fatalf("screen %+v: want && and \" tested raw, set lower-cased", sc)
	}
	if v := `Set-Item x; set y invoke`; sc.passRaw(v) {
		t.Error("value without && passed the screen")
	}
	if v := `cmd /c SET a=1&&set b=Invoke&&echo "x"`; !sc.passRaw(v) || !sc.pass(strings.ToLower(v)) {
		t.Error("matching value was screened out")
	}
}

// TestRegexScreenLongS: (?i)s also matches U+017F (long s), which
// lower-casing keeps, so neither the screen nor the prefilter may drop it.
func TestRegexScreenLongS(t *testing.T) {
	det := "    sel:\n        CommandLine|re: '(?i)set-mppreference'\n    condition: sel\n"
	rs, _ := compileOne(t, det, Config{Pipeline: WindowsPipeline()})
	for _, v := range []string{"x \u017fet-MpPreference -y", "Set-MpPreference", "é \u017fet-mppreference"} {
		n := sysmonCommandLineMatches(rs, v)
		if n != 1 {
			t.Errorf("%q: %d matches, want 1", v, n)
		}
	}
}

// TestScratchLowerIsToLower: the scratch's allocation-free lower-casing
// agrees with strings.ToLower, non-ASCII and invalid UTF-8 included, and
// earlier results survive later ones.
func TestScratchLowerIsToLower(t *testing.T) {
	s := newScratch(newFieldTable())
	rng := rand.New(rand.NewSource(2))
	parts := []string{"A", "b", "Z", "\u023a", "\u0130", "\u212a", "\u017f", "\xff", "\xc5", "É", "ß", "ǅ", " ", "Ω"}
	var ins, outs []string
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := rng.Intn(12); k > 0; k-- {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		in := b.String()
		got := s.lower(in)
		if want := strings.ToLower(in); got != want {
			t.Fatalf("lower(%q) = %q, want %q", in, got, want)
		}
		ins, outs = append(ins, in), append(outs, got)
	}
	for i := range ins {
		if outs[i] != strings.ToLower(ins[i]) {
			t.Fatalf("result %d changed to %q", i, outs[i])
		}
	}
}

// TestScanLanesFindEveryLiteral: the four-lane scan of long values finds
// exactly the literals a plain search finds, those across lane cuts too.
func TestScanLanesFindEveryLiteral(t *testing.T) {
	pats := []string{"cmd.exe", "exe", "\\\\", "powershell", "-enc", "hers", "his", "abcdefghijklmnopqrstuvwxyz0123456789"}
	rs := &Ruleset{pre: &prefilter{npat: len(pats)}}
	testScanFindsEveryLiteral(t, &Matcher{rs: rs, pf: rs.pre.newScratch()}, pats)
}

func testScanFindsEveryLiteral(t *testing.T, m *Matcher, pats []string) {
	ac := newACMachine(pats, seqIDs(len(pats), 0))
	rng := rand.New(rand.NewSource(3))
	alphabet := []string{"c", "m", "d", ".", "E", "x", "\\", "-", "n", "h", "s", "r", "i", "P", "owershell", "abcdefghijklmnopqrstuvwxyz0123456789", "e"}
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := rng.Intn(900); k > 0; k-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		v := b.String()
		m.pf.gen++
		m.scanText(ac, v)
		for pi, p := range pats {
			want := strings.Contains(asciiLower(v), p)
			if has := m.pf.patStamp[pi] == m.pf.gen; has != want {
				t.Fatalf("%q in a value of %d bytes: scan says %v", p, len(v), has)
			}
		}
	}
}

// TestNonASCIIAtoms: rules whose literals are not ASCII (emoji, accented
// letters) are prefiltered by those literals and still match, whatever the
// case of the value.
func TestNonASCIIAtoms(t *testing.T) {
	det := "    sel:\n        CommandLine|contains:\n            - '\U0001F525'\n            - 'École'\n    condition: sel\n"
	rs, _ := compileOne(t, det, Config{Pipeline: WindowsPipeline()})
	if rs.pre.fields[rs.ft.ids["CommandLine"]].wide == nil {
		t.Fatal("no prefilter machine for the non-ASCII literals")
	}
	cases := map[string]bool{"run \U0001F525 now": true, "cd \\ÉCOLE\\x": true, "école": true, "ecole": false, "run": false}
	for v, want := range cases {
		n := sysmonCommandLineMatches(rs, v)
		if (n == 1) != want {
			t.Errorf("%q: %d matches, want match=%v", v, n, want)
		}
	}
}

// TestRegexLengthScreens: the fewest characters a match needs reject short
// values, and .{n,} is decided by counting, as the regexp would.
func TestRegexLengthScreens(t *testing.T) {
	if sc := newReScreen(`abc\d{3}(x|yz)`); sc == nil || sc.minLen != 7 {
		t.Errorf("minLen of abc\\d{3}(x|yz): %+v, want 7", sc)
	}
	long := strings.Repeat("é", 1000)
	for _, expr := range []string{`.{1000,}`, `(.{1000,})`, `(?s).{1000,}`, `.{10,}`} {
		sc := newReScreen(expr)
		if sc == nil || sc.run == 0 {
			t.Fatalf("%s: not recognised as a run test: %+v", expr, sc)
		}
		re := regexp.MustCompile(expr)
		for _, v := range []string{"", "short", long, long[:len(long)-2], strings.Repeat("a", 999) + "\n" + "b",
			strings.Repeat("a", 500) + "\xff" + strings.Repeat("b", 499), "x\n" + long + "\n"} {
			if got, want := hasRun(v, sc.run, sc.anyNL), re.MatchString(v); got != want {
				t.Errorf("%s on %d bytes: counted %v, regexp %v", expr, len(v), got, want)
			}
		}
	}
}

// seqIDs returns base, base+1, ... (n of them).
func seqIDs(n int, base int32) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = base + int32(i)
	}
	return ids
}

// TestMaybeIPKeepsAddresses: the cheap pre-check before netip.ParseAddr
// never rejects something ParseAddr accepts.
func TestMaybeIPKeepsAddresses(t *testing.T) {
	for _, v := range []string{"10.1.2.3", " 10.1.2.3 ", "fe80::1", "FE80::1%eth0", "::ffff:10.0.0.1", "::", "fe80::1%25",
		"not-an-ip", "", "10.1.2.3x", "host.example", "1.2.3.4/8"} {
		_, err := netip.ParseAddr(strings.TrimSpace(v))
		if err == nil && !maybeIP(v) {
			t.Errorf("maybeIP(%q) = false for a valid address", v)
		}
	}
	if maybeIP("not-an-ip") || maybeIP("") {
		t.Error("maybeIP accepts text that is no address")
	}
}

// TestScanLanesCuts places the longest literal, and a short one, at every
// position around the lane cuts of values of many lengths: the scan must
// find them wherever they are.
func TestScanLanesCuts(t *testing.T) {
	long := "abcdefghijklmnopqrstuvwxyz0123456789"
	pats := []string{long, "xyz"}
	rs := &Ruleset{pre: &prefilter{npat: len(pats)}}
	ac := newACMachine(pats, seqIDs(len(pats), 0))
	m := &Matcher{rs: rs, pf: rs.pre.newScratch()}
	for n := laneMin; n < 400; n++ {
		for _, lit := range []string{long, "xyz"} {
			for p := 0; p+len(lit) <= n; p++ {
				v := strings.Repeat(".", p) + lit + strings.Repeat(".", n-p-len(lit))
				m.pf.gen++
				m.scanText(ac, v)
				id := int32(0)
				if lit == "xyz" {
					id = 1
				}
				if m.pf.patStamp[id] != m.pf.gen {
					t.Fatalf("%q at %d of a %d-byte value not found", lit, p, n)
				}
			}
		}
	}
}

// next is the machine's transition from state st on byte c.
func (m *acMachine) next(st int32, c byte) int32 {
	i := int(st)*int(m.nclass) + int(m.class[c])
	if m.d16 != nil {
		return int32(m.d16[i])
	}
	return m.d32[i]
}
