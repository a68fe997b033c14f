package decode

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

const dataDir = "/work/shared/data"

// winFile is the real flat Windows event file (see /work/shared/data/README.md).
var winFile = filepath.Join(dataDir, "events", "windows-dev.ndjson.gz")

// eachWinLine calls fn for every line of the flat Windows event file, or
// skips the test when it is absent.
func eachWinLine(tb testing.TB, fn func(n int, line []byte) bool) {
	tb.Helper()
	f, err := os.Open(winFile)
	if err != nil {
		tb.Skipf("real data absent: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), MaxRecordSize+1)
	n := 0
	for sc.Scan() {
		n++
		if !fn(n, sc.Bytes()) {
			return
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
}

// evtxFiles lists the Sigma regression evtx-JSON files.
func evtxFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	root := filepath.Join(dataDir, "sigma", "regression")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && filepath.Ext(p) == ".json" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		tb.Skipf("real data absent: %v", err)
	}
	return files
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Skipf("real data absent: %v", err)
	}
	return b
}
