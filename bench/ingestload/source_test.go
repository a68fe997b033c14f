package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFileSourceBatchesLinesInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.ndjson")
	if err := os.WriteFile(path, []byte("{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := openFileSource(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var got []string
	var sizes []int
	for {
		body, n, ok := src.next(3)
		if !ok {
			if n != 0 || len(body) != 0 {
				t.Fatalf("end of file: %d lines, %q", n, body)
			}
			break
		}
		got, sizes = append(got, string(body)), append(sizes, n)
	}
	if len(got) != 2 || got[0] != "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n" || got[1] != "{\"a\":4}\n" || sizes[0] != 3 || sizes[1] != 1 {
		t.Fatalf("batches %q sizes %v", got, sizes)
	}
}
