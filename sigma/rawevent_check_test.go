package sigma

import (
	"maps"
	"slices"
	"testing"
)

func TestRulesetUses(t *testing.T) {
	rs, _ := compileOne(t, "    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel\n", Config{})
	if !rs.Uses("Image") {
		t.Error(`Uses("Image") = false, want true`)
	}
	for _, name := range []string{"Message", "image", ""} {
		if rs.Uses(name) {
			t.Errorf("Uses(%q) = true, want false", name)
		}
	}
}

func TestRawEventDecodesOnlyUsedFields(t *testing.T) {
	rs, r := compileOne(t, "    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel\n", Config{})
	ev := &rawEvent{uses: rs.Uses}
	line := `{"Other":"x\"y","Image":"C:\\Windows\\cmd.exe","N":5,"A":["a","b"],"O":{"P":"q"},"Z":null}`
	if err := ev.parse([]byte(line)); err != nil {
		t.Fatal(err)
	}
	var ranged []string
	ev.RangeFields(func(k, v string) { ranged = append(ranged, k+"="+v) })
	if want := []string{`Image=C:\Windows\cmd.exe`}; !slices.Equal(ranged, want) {
		t.Errorf("RangeFields gave %q, want %q", ranged, want)
	}
	var kws []string
	ev.Keywords(func(v string) bool { kws = append(kws, v); return false })
	if want := []string{`x"y`, `C:\Windows\cmd.exe`, "5", "a", "b", "q", ""}; !slices.Equal(kws, want) {
		t.Errorf("Keywords gave %q, want %q", kws, want)
	}
	if v, ok := ev.Field("O.P"); !ok || v != "q" {
		t.Errorf(`Field("O.P") = %q, %v; want "q", true`, v, ok)
	}
	if _, ok := ev.Field("Missing"); ok {
		t.Error(`Field("Missing") reported present`)
	}
	if !rs.MatchRule(r, ev) {
		t.Error("rule does not match the raw event")
	}
	if err := ev.parse([]byte(`{"Image":"C:\\Windows\\notepad.exe"}`)); err != nil {
		t.Fatal(err)
	}
	if rs.MatchRule(r, ev) {
		t.Error("rule matches notepad.exe")
	}
}

// TestRawEventSameMatches checks, event by event on the windows-dev sample
// and the full corpus, that the filtering adapter of the scan benchmark
// matches exactly the rules the eager one (jsonEvent) does.
func TestRawEventSameMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("full corpus")
	}
	lines, _ := loadSample(t)
	rs, _ := fullRuleset(t)
	m := rs.NewMatcher()
	flat, raw := new(jsonEvent), &rawEvent{uses: rs.Uses}
	var a, b []string
	total := 0
	for i, l := range lines {
		a, b = a[:0], b[:0]
		if err := flat.parse(l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		m.Match(flat, func(r *Rule) { a = append(a, r.ID) })
		if err := raw.parse(l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		m.Match(raw, func(r *Rule) { b = append(b, r.ID) })
		if !slices.Equal(a, b) {
			t.Fatalf("sample line %d: eager adapter matched %v, filtering adapter %v", i, a, b)
		}
		total += len(a)
	}
	if total != 375 {
		t.Errorf("%d matches on the sample, want 375", total)
	}
}

// countingLazy is a LazyFieldRanger over a MapEvent-like list that counts
// which values the matcher decodes.
type countingLazy struct {
	keys, vals []string
	decoded    map[string]int
}

func (e *countingLazy) Field(name string) (string, bool) {
	for i, k := range e.keys {
		if k == name {
			return e.vals[i], true
		}
	}
	return "", false
}

func (e *countingLazy) RangeFields(fn func(name, value string)) {
	for i, k := range e.keys {
		fn(k, e.vals[i])
	}
}

func (e *countingLazy) RangeLazyFields(fn func(name string, h int)) {
	for i, k := range e.keys {
		fn(k, i)
	}
}

func (e *countingLazy) FieldValue(h int) string {
	e.decoded[e.keys[h]]++
	return e.vals[h]
}

func (e *countingLazy) Keywords(fn func(string) bool) bool {
	for _, v := range e.vals {
		if fn(v) {
			return true
		}
	}
	return false
}

func TestLazyFieldRangerDecodesOnDemand(t *testing.T) {
	src := "title: a\nid: 11111111-1111-1111-1111-111111111111\nlogsource:\n    product: windows\n" +
		"detection:\n    sel:\n        Image|endswith: '\\cmd.exe'\n        User: admin\n    condition: sel\n" +
		"---\ntitle: b\nid: 22222222-2222-2222-2222-222222222222\nlogsource:\n    product: windows\n" +
		"detection:\n    sel:\n        Message|contains: evil\n    condition: sel\n"
	docs, err := Parse([]byte(src), "two.yml")
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := Compile(docs.Rules, Config{})
	if len(errs) > 0 || len(docs.Rules) != 2 {
		t.Fatalf("compile: %v (%d rules)", errs, len(docs.Rules))
	}
	a := docs.Rules[0]
	for _, tc := range []struct {
		image string
		match bool
		want  map[string]int
	}{
		{`C:\Windows\cmd.exe`, true, map[string]int{"Image": 1, "User": 1}},
		{`C:\Windows\notepad.exe`, false, map[string]int{"Image": 1}},
	} {
		ev := &countingLazy{keys: []string{"Message", "Image", "User", "Other"},
			vals: []string{"some evil text", tc.image, "admin", "x"}, decoded: map[string]int{}}
		if got := rs.MatchRule(a, ev); got != tc.match {
			t.Errorf("%s: MatchRule = %v, want %v", tc.image, got, tc.match)
		}
		if !maps.Equal(ev.decoded, tc.want) {
			t.Errorf("%s: decoded %v, want %v (Message is named by rule b only)", tc.image, ev.decoded, tc.want)
		}
	}
}
