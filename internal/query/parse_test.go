package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []Term
	}{
		{"", nil},
		{"   ", nil},
		{"alice", []Term{{Value: "alice", Pattern: []string{"alice"}}}},
		{"user.name:alice", []Term{{Field: "user.name", Value: "alice", Pattern: []string{"alice"}}}},
		{"host.name:WS-*", []Term{{Field: "host.name", Value: "WS-*", Wildcard: true, Pattern: []string{"WS-", ""}}}},
		{"NOT event.outcome:success", []Term{{Field: "event.outcome", Value: "success", Negate: true, Pattern: []string{"success"}}}},
		{"-event.outcome:success", []Term{{Field: "event.outcome", Value: "success", Negate: true, Pattern: []string{"success"}}}},
		{`"process.command_line":"a b*"`, []Term{{Field: "process.command_line", Value: "a b*", Wildcard: true, Pattern: []string{"a b", ""}}}},
		{"patient.id:*", []Term{{Field: "patient.id", Exists: true}}},
		{`a:"*"`, []Term{{Field: "a", Exists: true}}},
		{`a:x\*y`, []Term{{Field: "a", Value: "x*y", Pattern: []string{"x*y"}}}},
		{`a:"x\*y*"`, []Term{{Field: "a", Value: "x*y*", Wildcard: true, Pattern: []string{"x*y", ""}}}},
		{`a:"say \"hi\" \\o/"`, []Term{{Field: "a", Value: `say "hi" \o/`, Pattern: []string{`say "hi" \o/`}}}},
		{`a:b:c`, []Term{{Field: "a", Value: "b:c", Pattern: []string{"b:c"}}}},
		{`a\:b:c`, []Term{{Field: "a:b", Value: "c", Pattern: []string{"c"}}}},
		{`a:""`, []Term{{Field: "a", Value: "", Pattern: []string{""}}}},
		{`*mid*`, []Term{{Value: "*mid*", Wildcard: true, Pattern: []string{"", "mid", ""}}}},
		{"NOTE NOT x", []Term{{Value: "NOTE", Pattern: []string{"NOTE"}}, {Value: "x", Negate: true, Pattern: []string{"x"}}}},
		{`"NOT"`, []Term{{Value: "NOT", Pattern: []string{"NOT"}}}},
		{"a:1  \t b:2", []Term{{Field: "a", Value: "1", Pattern: []string{"1"}}, {Field: "b", Value: "2", Pattern: []string{"2"}}}},
		{"ünï:çødé", []Term{{Field: "ünï", Value: "çødé", Pattern: []string{"çødé"}}}},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(q.Terms, tt.want) {
			t.Errorf("Parse(%q) =\n %#v\nwant\n %#v", tt.in, q.Terms, tt.want)
		}
		roundTrip(t, tt.in)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a:"abc`, "query: column 3: unterminated quote"},
		{`user.name:"x" host:"unterminated`, "query: column 20: unterminated quote"},
		{`"abc`, "query: column 1: unterminated quote"},
		{`a:"x\`, "query: column 3: unterminated quote"},
		{`:x`, "query: column 1: empty field name"},
		{`"":x`, "query: column 3: empty field name"},
		{`a:`, "query: column 2: missing value after ':'"},
		{`a: b`, "query: column 2: missing value after ':'"},
		{`NOT`, "query: column 1: NOT without a term after it"},
		{`x NOT  `, "query: column 3: NOT without a term after it"},
		{`- x`, "query: column 1: '-' without a term after it"},
		{`NOT -x`, "query: column 5: double negation"},
		{`NOT NOT x`, "query: column 5: double negation"},
		{`ab"c`, "query: column 3: unexpected quote inside a word"},
		{`"a"b`, "query: column 4: unexpected character after closing quote"},
		{`a:"b"c`, "query: column 6: unexpected character after closing quote"},
		{`x\`, "query: column 2: backslash at end of input"},
		{`a:"\n"`, `query: column 4: unknown escape \n (use \", \\ or \*)`},
		{"éé \"x", "query: column 4: unterminated quote"},
		{"a\x00", "query: column 2: NUL character"},
		{"a\xff", "query: column 2: invalid UTF-8"},
		{strings.Repeat("a ", 33), "query: column 65: more than 32 terms"},
		{strings.Repeat("a", MaxInput+1), "query: column 1: query longer than 4096 bytes"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.want)
		}
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Errorf("Parse(%q): error is %T, want *SyntaxError", tt.in, err)
		}
	}
	if _, err := Parse(strings.Repeat("a ", 32)); err != nil {
		t.Errorf("32 terms: %v", err)
	}
}

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`  user.name:alice   -host.name:WS-*`, `user.name:alice NOT host.name:WS-*`},
		{`"process.command_line":"a b*"`, `process.command_line:"a b*"`},
		{`a:"*"`, `a:*`},
		{`a:x\*y`, `a:x\*y`},
		{`a:"x"`, `a:x`},
		{`"-x"`, `"-x"`},
		{`"NOT"`, `"NOT"`},
		{`"a:b"`, `"a:b"`},
		{`a:b:c`, `a:"b:c"`},
		{`a\\b`, `"a\\b"`},
		{`a:""`, `a:""`},
		{`*`, `*`},
		{`"w:x":y`, `"w:x":y`},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := q.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		roundTrip(t, tt.in)
	}
}

// roundTrip checks Parse(Parse(s).String()) == Parse(s).
func roundTrip(t testing.TB, s string) {
	t.Helper()
	q, err := Parse(s)
	if err != nil {
		return
	}
	canon := q.String()
	q2, err := Parse(canon)
	if err != nil {
		t.Fatalf("canonical %q of %q does not parse: %v", canon, s, err)
	}
	if !reflect.DeepEqual(q, q2) {
		t.Fatalf("round trip of %q via %q:\n %#v\n %#v", s, canon, q, q2)
	}
	if c2 := q2.String(); c2 != canon {
		t.Fatalf("canonical form not stable: %q then %q", canon, c2)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`user.name:alice host.name:WS-* NOT event.outcome:success "process.command_line":"a b*" patient.id:*`,
		`-a:b\*c "x y" *mid* a:"q\"\\\*"`, `a:b:c`, `""`, `NOT "NOT"`, `ü:*é*`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		roundTrip(t, s)
	})
}
