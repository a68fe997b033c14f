package decode

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
)

// generalSet is a Set with the flat Windows fast path turned off.
func generalSet() *Set {
	s := fuzzSet()
	s.generalOnly = true
	return s
}

// diffDecode decodes raw with both sets and describes the first difference
// between the two results (events or errors), or returns "".
func diffDecode(fast, general *Set, f event.Format, raw []byte) string {
	var a, b event.Event
	ea, eb := fast.Decode(f, raw, &a), general.Decode(f, raw, &b)
	if (ea == nil) != (eb == nil) || ea != nil && (*ea.(*Error) != *eb.(*Error)) {
		return fmt.Sprintf("error %v, general path %v", ea, eb)
	}
	switch {
	case a.ID != b.ID:
		return fmt.Sprintf("ID %q, general path %q", a.ID, b.ID)
	case !a.Time.Equal(b.Time) || a.Time.Location() != b.Time.Location():
		return fmt.Sprintf("time %v, general path %v", a.Time, b.Time)
	case a.Format != b.Format:
		return fmt.Sprintf("format %q, general path %q", a.Format, b.Format)
	case a.Entities != b.Entities:
		return fmt.Sprintf("entities %+v, general path %+v", a.Entities, b.Entities)
	case string(a.Raw) != string(b.Raw):
		return "raw differs"
	case len(a.Fields) != len(b.Fields):
		return fmt.Sprintf("%d fields, general path %d", len(a.Fields), len(b.Fields))
	}
	for i := range a.Fields {
		if a.Fields[i] != b.Fields[i] {
			return fmt.Sprintf("field %d %+v, general path %+v", i, a.Fields[i], b.Fields[i])
		}
	}
	return ""
}

// tookFast reports whether the fast path decodes raw (rather than declining).
func tookFast(s *Set, f event.Format, raw []byte) bool {
	var b builder
	var ev event.Event
	ev.Raw = raw
	done, _ := s.fastWinFlat(&b, f, trimSpace(raw), &ev)
	return done
}

// TestWinFlatFastMatchesGeneral: on the first 20,000 lines of the real file
// the fast path takes every line and gives exactly the general path's Event.
func TestWinFlatFastMatchesGeneral(t *testing.T) {
	fast, general := fuzzSet(), generalSet()
	n, declined := 0, 0
	eachWinLine(t, func(i int, line []byte) bool {
		for _, f := range [...]event.Format{event.FormatAuto, event.FormatWinFlat} {
			if d := diffDecode(fast, general, f, line); d != "" {
				t.Fatalf("line %d, format %q: %s", i, f, d)
			}
		}
		if !tookFast(fast, event.FormatAuto, line) {
			declined++
		}
		n++
		return i < 20000
	})
	if n != 20000 {
		t.Fatalf("compared %d lines, want 20000", n)
	}
	// A few lines hold \uD83D-style surrogate pairs, which the fast path
	// leaves to the general one; nearly all must take the fast path.
	if declined > n/100 {
		t.Errorf("fast path declined %d of %d lines", declined, n)
	}
	t.Logf("%d lines, %d left to the general path", n, declined)
}

// TestWinFlatFastEdges: records at the edges of what the fast path takes
// decode the same either way; fast says whether the fast path must take it.
func TestWinFlatFastEdges(t *testing.T) {
	cases := []struct {
		raw  string
		fast bool
	}{
		{`{"EventID":1,"Channel":"c","Hostname":"h","RecordNumber":7}`, true},
		{` { "EventID" : 1 , "Channel":"c" ,"tags": [ "a" , "b" ] , "e":[] } `, true},
		{`{"EventID":-0.5e+3,"Channel":"c","b":true,"f":false,"z":null,"n":[1,null,true]}`, true},
		{`{"EventID":1,"Channel":"c","Image":"C:\\W\\x.exe","M":"a\r\nb\t\"q\"\/\b\f","U":"caf\u00e9 \u20AC\u0041"}`, true},
		{`{"EventID":1,"Channel":"c","TargetUserName":"CORP\\bob","IpAddress":"10.1.2.3","UtcTime":"2024-03-01 10:11:12.5"}`, true},
		{`{"EventID":1,"Channel":"c","@timestamp":"2024-03-01T10:11:12+02:00","EventTime":"x"}`, true},
		{`{"EventID":1,"Channel":"c","Hostname":"a","Hostname":"b","User":"-","User":"u"}`, true},
		{`{"EventID":1,"Channel":"c","@timestamp":"yesterday"}`, true}, // same error
		{`{"EventID":1,"Channel":"c","UtcTime":5}`, true},              // same error
		{`{"EventID":1,"Channel":"c","S":"\uD83D\uDE00"}`, false},      // surrogate pair
		{`{"EventID":1,"Channel":"c","S":"\uD83D"}`, false},
		{`{"EventID":1,"Channel":"c","S":"\x"}`, false},
		{`{"EventID":1,"Channel":"c","S":"\u00zz"}`, false},
		{`{"EventID":1,"Channel":"c","N":1.2.3}`, false},
		{`{"EventID":1,"Channel":"c","N":01}`, false},
		{`{"EventID":1,"Channel":"c","N":-}`, false},
		{`{"EventID":1,"Channel":"c","N":1e}`, false},
		{`{"EventID":1,"Channel":"c","N":nan}`, false},
		{`{"EventID":1,"Channel":"c","O":{"a":1}}`, false},
		{`{"EventID":1,"Channel":"c","A":[[1]]}`, false},
		{`{"EventID":1,"Channel":"c","A":[{"a":1}]}`, false},
		{`{"Event\u0049D":1,"Channel":"c"}`, false},
		{`{"EventID":1,"Channel":"c","vigil.format":"json"}`, false},
		{`{"EventID":1,"Channel":"c","resourceType":"AuditEvent"}`, false},
		{`{"EventID":1}`, false}, // json by detection
		{`{}`, false},
		{`{"EventID":1,"Channel":"c"} x`, false},
		{`{"EventID":1,"Channel":"c",}`, false},
		{`{"EventID":1,"Channel":"c"`, false},
		{`{"EventID":1,"Channel":"c`, false},
		{`{"EventID":1,"Channel":tru}`, false},
		{`{"EventID":1,"Channel":"c","A":[1,]}`, false},
		{`{"EventID":1,"Channel":"c","A":[1 2]}`, false},
		{`{"EventID" 1}`, false},
		{`[1]`, false},
	}
	fast, general := fuzzSet(), generalSet()
	for _, c := range cases {
		for _, f := range [...]event.Format{event.FormatAuto, event.FormatWinFlat} {
			if d := diffDecode(fast, general, f, []byte(c.raw)); d != "" {
				t.Errorf("%s (format %q): %s", c.raw, f, d)
			}
		}
		if got := tookFast(fast, event.FormatAuto, []byte(c.raw)); got != c.fast {
			t.Errorf("%s: fast path took it: %v, want %v", c.raw, got, c.fast)
		}
	}
	// With an explicit format, detection keys do not matter.
	if !tookFast(fast, event.FormatWinFlat, []byte(`{"EventID":1,"vigil.format":"json"}`)) {
		t.Error("explicit winevt: fast path declined")
	}
}

// TestWinFlatFastFieldsOutliveReuse: the values of one event stay intact
// when the Event and the input buffer are reused for the next record.
func TestWinFlatFastFieldsOutliveReuse(t *testing.T) {
	s := NewSet()
	var ev event.Event
	raw := []byte(`{"EventID":1,"Channel":"c","Image":"C:\\a.exe","K":"v"}`)
	if err := s.Decode(event.FormatAuto, raw, &ev); err != nil {
		t.Fatal(err)
	}
	first := append([]event.Field(nil), ev.Fields...)
	for i := range raw {
		raw[i] = 'x'
	}
	if err := s.Decode(event.FormatAuto, []byte(`{"EventID":2,"Channel":"d","Image":"D:\\bbbbbbbb.exe","K":"w"}`), &ev); err != nil {
		t.Fatal(err)
	}
	want := []event.Field{{Key: "EventID", Value: "1", Kind: event.KindNumber}, {Key: "Channel", Value: "c"},
		{Key: "Image", Value: `C:\a.exe`}, {Key: "K", Value: "v"}}
	if len(first) != len(want) {
		t.Fatalf("fields %+v", first)
	}
	for i := range want {
		if first[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, first[i], want[i])
		}
	}
}

// TestSourceIDMatchesEvent: the decoder's allocation-free sourceID is
// event.SourceID, for empty, short and long (beyond its scratch) parts.
func TestSourceIDMatchesEvent(t *testing.T) {
	long := strings.Repeat("WORKSTATION6.mordor.local/", 20)
	for _, p := range [][3]string{
		{"", "", ""}, {"Security", "dc1", "7"}, {"Microsoft-Windows-Sysmon/Operational", "WORKSTATION6.mordor.local", "713650"},
		{long, long, "1"}, {"é\x00", "\\", "-1"},
	} {
		for _, f := range [...]event.Format{event.FormatWinFlat, event.FormatEvtxJSON} {
			if got, want := sourceID(f, p[0], p[1], p[2]), event.SourceID(f, p[0], p[1], p[2]); got != want {
				t.Errorf("sourceID(%q, %q) = %s, want %s", f, p, got, want)
			}
		}
	}
}

// TestUnescapeInPlace checks the word-at-a-time unescaper against
// encoding/json on random ASCII strings with escapes at every offset.
func TestUnescapeInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`\\`, `\"`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00e9`, `\u20AC`, `\u0041`, `\u0000`}
	for range 3000 {
		var in strings.Builder
		for in.Len() < rng.IntN(80) {
			if rng.IntN(4) == 0 {
				in.WriteString(pieces[rng.IntN(len(pieces))])
			} else {
				in.WriteByte(byte('a' + rng.IntN(26)))
			}
		}
		var want string
		if err := json.Unmarshal([]byte(`"`+in.String()+`"`), &want); err != nil {
			t.Fatal(err)
		}
		buf := []byte(in.String())
		n, ok := unescapeInPlace(buf)
		if !ok || string(buf[:n]) != want {
			t.Fatalf("unescape %q = %q (%v), want %q", in.String(), buf[:n], ok, want)
		}
	}
	for _, bad := range []string{`a\x`, `\u12`, `\uD800\uDC00`, `\uzzzz`} {
		if _, ok := unescapeInPlace([]byte(bad)); ok {
			t.Errorf("unescape %q accepted", bad)
		}
	}
}
