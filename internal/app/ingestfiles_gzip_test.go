package app

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenInputGzip: a gzip file is read back whole, and a truncated one
// ends in an error, not in silently fewer lines.
func TestOpenInputGzip(t *testing.T) {
	want := strings.Repeat(`{"EventID":4625,"Channel":"Security"}`+"\n", 50000)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(want))
	zw.Close()
	dir := t.TempDir()
	whole, cut := filepath.Join(dir, "whole.gz"), filepath.Join(dir, "cut.gz")
	os.WriteFile(whole, gz.Bytes(), 0o600)
	os.WriteFile(cut, gz.Bytes()[:gz.Len()/2], 0o600)

	r, closeFn, err := openInput(whole, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	closeFn()
	if err != nil || string(got) != want {
		t.Fatalf("whole file: %d bytes, err %v; want %d bytes", len(got), err, len(want))
	}

	r, closeFn, err = openInput(cut, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if got, err := io.ReadAll(r); err == nil {
		t.Fatalf("truncated file: read %d bytes without an error", len(got))
	}
}
