package sigma

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// leavesOf returns the event's fields as "name=value" in line order.
func leavesOf(e *JSONEvent) []string {
	var out []string
	e.RangeFields(func(k, v string) { out = append(out, k+"="+v) })
	return out
}

func TestJSONEventFlattens(t *testing.T) {
	e := NewJSONEvent()
	line := ` {"Image":"C:\\Windows\\cmd.exe","N":-1.5e3,"T":true,"F":false,"Z":null,` +
		`"A":["a",2,["b"]],"O":{"P":"q","R":{"S":"t"}},"E":"x\"y\u00e9\ud83d\ude00\/","\u0041b":"k","":"empty","A":"again"} `
	if err := e.Reset([]byte(line)); err != nil {
		t.Fatal(err)
	}
	want := []string{`Image=C:\Windows\cmd.exe`, "N=-1.5e3", "T=true", "F=false", "Z=", "A=a", "A=2", "A=b",
		"O.P=q", "O.R.S=t", "E=x\"yé\U0001F600/", "Ab=k", "=empty", "A=again"}
	if got := leavesOf(e); !slices.Equal(got, want) {
		t.Errorf("fields\n got %q\nwant %q", got, want)
	}
	if v, ok := e.Field("O.R.S"); !ok || v != "t" {
		t.Errorf(`Field("O.R.S") = %q, %v`, v, ok)
	}
	if v, ok := e.Field("A"); !ok || v != "a" {
		t.Errorf(`Field("A") = %q, %v; want the first value`, v, ok)
	}
	if _, ok := e.Field("Missing"); ok {
		t.Error(`Field("Missing") reported present`)
	}
	var kws []string
	e.Keywords(func(v string) bool { kws = append(kws, v); return v == "b" })
	if len(kws) != 8 || kws[7] != "b" {
		t.Errorf("Keywords stopped after %q, want after the 8th value b", kws)
	}
	// The next line replaces everything.
	if err := e.Reset([]byte(`{"Only":"one"}`)); err != nil {
		t.Fatal(err)
	}
	if got := leavesOf(e); !slices.Equal(got, []string{"Only=one"}) {
		t.Errorf("after a second Reset: %q", got)
	}
}

func TestJSONEventLenientEscapes(t *testing.T) {
	cases := map[string]string{
		`"\q"`:             `\q`,           // unknown escape kept
		`"\u12"`:           `\u12`,         // too short
		`"\uzzzz"`:         `\uzzzz`,       // not hexadecimal
		`"\ud83d"`:         `\ud83d`,       // lone surrogate kept
		`"\ud83dx"`:        `\ud83dx`,      // surrogate without a second escape
		`"\ud83d\u0041"`:   "\uFFFD",       // not a pair
		`"\\\\\""`:         `\\"`,          // backslashes before a quote
		`"a\tb\r\n\b\f"`:   "a\tb\r\n\b\f", // the short escapes
		`"\u00E9\u00c9"`:   "éÉ",
		`"\ud83d\ude00!"`:  "\U0001F600!",
		`"ends with \\\\"`: `ends with \\`,
	}
	e := NewJSONEvent()
	for in, want := range cases {
		if err := e.Reset([]byte(`{"k":` + in + `}`)); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if v, _ := e.Field("k"); v != want {
			t.Errorf("%s decoded to %q, want %q", in, v, want)
		}
	}
}

func TestJSONEventErrors(t *testing.T) {
	cases := map[string]int{ // line -> offset of the error
		``:                 0,
		`[1]`:              0,
		`  "x"`:            2,
		`{"a":1`:           6,
		`{"a" 1}`:          5,
		`{a:1}`:            1,
		`{"a":}`:           5,
		`{"a":tru}`:        5,
		`{"a":01}`:         6,
		`{"a":-}`:          5,
		`{"a":1.}`:         5,
		`{"a":1e}`:         5,
		`{"a":"x}`:         5,
		`{"a":"x\"}`:       5,
		`{"a":[1,}`:        8,
		`{"a":[1 2]}`:      8,
		`{"a":1}x`:         7,
		`{"a":1,}`:         7,
		`{"a":{"b":[}]}`:   11,
		`{"a":"\u0041",2}`: 14,
	}
	e := NewJSONEvent()
	for line, off := range cases {
		err := e.Reset([]byte(line))
		var je *JSONError
		if !errors.As(err, &je) {
			t.Errorf("%q: error %v, want a JSONError", line, err)
			continue
		}
		if je.Offset != off || !strings.Contains(err.Error(), "offset") {
			t.Errorf("%q: %v (offset %d), want offset %d", line, err, je.Offset, off)
		}
		if got := leavesOf(e); len(got) != 0 {
			t.Errorf("%q: fields %q after an error", line, got)
		}
	}
	deep := strings.Repeat(`{"a":`, maxJSONDepth+1) + "1" + strings.Repeat("}", maxJSONDepth+1)
	if err := e.Reset([]byte(deep)); err == nil {
		t.Error("no error for an object nested too deeply")
	}
	ok := strings.Repeat(`{"a":`, maxJSONDepth) + "1" + strings.Repeat("}", maxJSONDepth)
	if err := e.Reset([]byte(ok)); err != nil {
		t.Errorf("nesting at the limit: %v", err)
	}
}

// TestJSONEventSameMatches checks, event by event on the windows-dev sample
// and the full corpus, that JSONEvent matches exactly the rules the fastjson
// adapter (jsonEvent) does.
func TestJSONEventSameMatches(t *testing.T) {
	if testing.Short() {
		t.Skip("full corpus")
	}
	lines, _ := loadSample(t)
	rs, _ := fullRuleset(t)
	m := rs.NewMatcher()
	flat, js := new(jsonEvent), NewJSONEvent()
	var a, b []string
	total := 0
	for i, l := range lines {
		a, b = a[:0], b[:0]
		if err := flat.parse(l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		m.Match(flat, func(r *Rule) { a = append(a, r.ID) })
		if err := js.Reset(l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		m.Match(js, func(r *Rule) { b = append(b, r.ID) })
		if !slices.Equal(a, b) {
			t.Fatalf("sample line %d: fastjson adapter matched %v, JSONEvent %v", i, a, b)
		}
		if got, want := leavesOf(js), flatLeaves(flat); !slices.Equal(got, want) {
			t.Fatalf("sample line %d: JSONEvent fields differ from fastjson's", i)
		}
		total += len(a)
	}
	if total != 375 {
		t.Errorf("%d matches on the sample, want 375", total)
	}
}

func flatLeaves(e *jsonEvent) []string {
	var out []string
	e.RangeFields(func(k, v string) { out = append(out, k+"="+v) })
	return out
}

// FuzzJSONEvent feeds arbitrary lines to JSONEvent: it must never panic,
// and every line it accepts must be one fastjson accepts, with the same
// fields; a line that encoding/json accepts as an object must be accepted
// too. Seeds: testdata/fuzz/FuzzJSONEvent.
func FuzzJSONEvent(f *testing.F) {
	f.Add([]byte(`{"Image":"C:\\Windows\\cmd.exe","N":5,"A":["a",{"b":null}],"E":"\ud83d\ude00\q"}`))
	e, ref := NewJSONEvent(), new(jsonEvent)
	f.Fuzz(func(t *testing.T, line []byte) {
		err := e.Reset(line)
		got := leavesOf(e)
		if err != nil {
			var je *JSONError
			if !errors.As(err, &je) || je.Offset < 0 || je.Offset > len(line) {
				t.Fatalf("error %v: want a JSONError with an offset in the line", err)
			}
			var obj map[string]any
			if json.Unmarshal(line, &obj) == nil && obj != nil && !deepJSON(line) {
				t.Fatalf("rejected %q, which encoding/json accepts: %v", line, err)
			}
			return
		}
		if rerr := ref.parse(line); rerr != nil {
			t.Fatalf("accepted %q, which fastjson rejects: %v", line, rerr)
		}
		if want := flatLeaves(ref); !slices.Equal(got, want) {
			t.Fatalf("%q: fields %q, fastjson gives %q", line, got, want)
		}
	})
}

// deepJSON reports whether line may nest deeper than JSONEvent allows.
func deepJSON(line []byte) bool {
	return strings.Count(string(line), "{")+strings.Count(string(line), "[") > maxJSONDepth
}

// TestJSONEventNames covers the member-name paths: short names searched
// byte by byte, names longer than maxShortName, escapes before and after
// that length, quotes escaped in names, and an unterminated long name.
func TestJSONEventNames(t *testing.T) {
	long := strings.Repeat("n", maxShortName+5)
	e := NewJSONEvent()
	line := `{"a\"b":"1","` + long + `":"2","` + long + `\u0041":"3","x\u0041":"4","` + long[:maxShortName-1] + `\\":"5"}`
	if err := e.Reset([]byte(line)); err != nil {
		t.Fatal(err)
	}
	want := []string{`a"b=1`, long + "=2", long + "A=3", "xA=4", long[:maxShortName-1] + `\=5`}
	if got := leavesOf(e); !slices.Equal(got, want) {
		t.Errorf("fields\n got %q\nwant %q", got, want)
	}
	var jerr *JSONError
	if err := e.Reset([]byte(`{"` + long)); !errors.As(err, &jerr) || jerr.Offset != 1 {
		t.Errorf("unterminated long name: %v, want an error at offset 1", err)
	}
}

func TestZeroBytesIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 100000; n++ {
		x := rng.Uint64()
		for k := 0; k < 8; k++ { // plant zero and 0x80/0x01 bytes, the classic traps
			switch rng.IntN(4) {
			case 0:
				x &^= 0xff << (8 * k)
			case 1:
				x = x&^(0xff<<(8*k)) | 0x80<<(8*k)
			case 2:
				x = x&^(0xff<<(8*k)) | 0x01<<(8*k)
			}
		}
		var want uint64
		for k := 0; k < 8; k++ {
			if byte(x>>(8*k)) == 0 {
				want |= 0x80 << (8 * k)
			}
		}
		if got := zeroBytes(x); got != want {
			t.Fatalf("zeroBytes(%#x) = %#x, want %#x", x, got, want)
		}
	}
}
