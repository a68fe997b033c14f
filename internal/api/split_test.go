package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// splitAll collects the records of a body.
func splitAll(data []byte, kind bodyKind, max int) ([]record, error) {
	var out []record
	err := splitBody(bytes.NewReader(data), kind, max, func(r record) error {
		r.Raw = bytes.Clone(r.Raw)
		out = append(out, r)
		return nil
	})
	return out, err
}

func TestSplitJSONErrors(t *testing.T) {
	for body, want := range map[string]string{
		`[{"a":1}, {"b":`:   "2 invalid JSON",
		`[{"a":1}] {"x":1}`: "2 unexpected data after the array",
		`{"a":1} garbage`:   "2 invalid JSON",
		`[{"a":1},,]`:       "2 invalid JSON",
	} {
		recs, err := splitAll([]byte(body), kindJSON, 1<<10)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		last := recs[len(recs)-1]
		if got := strings.Fields(want)[0]; last.Err == nil || !strings.Contains(last.Err.Error(), want[len(got)+1:]) ||
			got != string(rune('0'+last.N)) {
			t.Errorf("%s: last record %d %v, want %s", body, last.N, last.Err, want)
		}
	}
	recs, _ := splitAll([]byte(`[{"a":"`+strings.Repeat("x", 50)+`"}, {"b":2}]`), kindJSON, 20)
	if len(recs) != 2 || !errors.Is(recs[0].Err, errRecordTooLong) || string(recs[1].Raw) != `{"b":2}` {
		t.Fatalf("too long element: %+v", recs)
	}
}

// FuzzSplitBody checks the line splitter against a simple reference
// (strings.Split) and that JSON records are always valid JSON.
func FuzzSplitBody(f *testing.F) {
	for _, s := range []string{
		"", "\n", "a\nb\n", "a\r\nb", "  \n\t\nx", `{"a":1}` + "\n" + `{"b":2}`,
		`[{"a":1},{"b":[1,2]}]`, `{"a":1}{"b":2}`, `[1,"x",null]`, `[`, `]`, `[{"a":1}`,
		strings.Repeat("z", 40) + "\nshort", "\r\r\n\r",
	} {
		f.Add([]byte(s))
	}
	const max = 16
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := splitAll(data, kindLines, max)
		if err != nil {
			t.Fatalf("lines: %v", err)
		}
		var want []record
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSuffix(line, "\r")
			switch {
			case len(line) > max:
				want = append(want, record{N: i + 1, Err: errLineTooLong})
			case strings.TrimSpace(line) == "":
			default:
				want = append(want, record{N: i + 1, Raw: []byte(line)})
			}
		}
		if len(recs) != len(want) {
			t.Fatalf("lines: %d records, want %d", len(recs), len(want))
		}
		for i := range want {
			if recs[i].N != want[i].N || recs[i].Err != want[i].Err ||
				(want[i].Err == nil && !bytes.Equal(recs[i].Raw, want[i].Raw)) {
				t.Fatalf("line record %d = %+v, want %+v", i, recs[i], want[i])
			}
		}

		recs, err = splitAll(data, kindJSON, max)
		if err != nil {
			t.Fatalf("json: %v", err)
		}
		prev := 0
		for i, r := range recs {
			if r.N <= prev {
				t.Fatalf("json: record numbers not increasing: %d after %d", r.N, prev)
			}
			prev = r.N
			if r.Err != nil {
				if i != len(recs)-1 && !errors.Is(r.Err, errRecordTooLong) {
					t.Fatalf("json: records after a syntax error: %v", r.Err)
				}
				continue
			}
			if !json.Valid(r.Raw) || len(r.Raw) > max {
				t.Fatalf("json: bad record %q", r.Raw)
			}
		}
	})
}
