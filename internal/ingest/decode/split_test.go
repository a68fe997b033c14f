package decode

import (
	"strings"
	"testing"
)

func TestSplitJSONStream(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \n ", nil},
		{`{"a":1}`, []string{`{"a":1}`}},
		{"{\"a\":1}{\"b\":2}\n\n  {\"c\":\n 3}\n", []string{`{"a":1}`, `{"b":2}`, "{\"c\":\n 3}"}},
		{`{"a":"}{"} [1,2] "s" 7`, []string{`{"a":"}{"}`, `[1,2]`, `"s"`, `7`}},
	}
	for _, c := range cases {
		got, err := SplitJSONStream([]byte(c.in))
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%q: got %d values %q, want %q", c.in, len(got), got, c.want)
		}
		for i := range got {
			if string(got[i]) != c.want[i] {
				t.Errorf("%q #%d: %q, want %q", c.in, i, got[i], c.want[i])
			}
		}
	}
}

func TestSplitJSONStreamErrors(t *testing.T) {
	cases := []struct {
		in   string
		good int
		msg  string
	}{
		{"{\"a\":1}\n{\"b\":", 1, "JSON value 2 (starting at line 2): broken at byte 13 (line 2, column 6)"},
		{"{\"a\":1}\n\n{\"b\" x}", 1, "JSON value 2 (starting at line 3): broken at byte 14 (line 3, column 6)"},
		{"{\"a\":1} }", 1, "JSON value 2 (starting at line 1): broken at byte 8 (line 1, column 9)"},
	}
	for _, c := range cases {
		got, err := SplitJSONStream([]byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("%q: error %v, want prefix %q", c.in, err, c.msg)
		}
		if len(got) != c.good {
			t.Errorf("%q: %d good values before the error, want %d", c.in, len(got), c.good)
		}
	}
}
