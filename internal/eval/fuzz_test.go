package eval

import (
	"bytes"
	"os"
	"testing"
)

func seed(f *testing.F, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, line := range bytes.Split(data, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte("{}"))
	f.Add([]byte(`{"entities":null}`))
}

// FuzzParseLabels: any input gives labels or an error naming the line, and
// never a panic; accepted labels satisfy the invariants.
func FuzzParseLabels(f *testing.F) {
	seed(f, "testdata/labels.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, err := ParseLabels(bytes.NewReader(data), "l")
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("l:")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, l := range ls {
			if l.Scenario == "" || l.ID == "" || l.End.Before(l.Start) || l.Entities.empty() {
				t.Fatalf("invalid label accepted: %+v", l)
			}
		}
		Score(Input{Labels: ls})
	})
}

// FuzzParseFindings: same for findings, and scoring them never panics.
func FuzzParseFindings(f *testing.F) {
	seed(f, "testdata/findings.ndjson")
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := ParseFindings(bytes.NewReader(data), "f")
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("f:")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, x := range fs {
			if x.ID == "" || x.Time.IsZero() {
				t.Fatalf("invalid finding accepted: %+v", x)
			}
		}
		labels, _ := ParseLabels(bytes.NewReader(mustRead(t, "testdata/labels.jsonl")), "l")
		Score(Input{Labels: labels, Findings: fs, BenignEHR: map[string]bool{}})
	})
}

func mustRead(t *testing.T, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
