package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// The embedded pack holds exactly the .yml files of the directory.
func TestHealthcarePackMatchesDirectory(t *testing.T) {
	p, ok := Pack("healthcare")
	if !ok {
		t.Fatal("healthcare pack missing")
	}
	emb, err := fs.Glob(p, "*.yml")
	if err != nil {
		t.Fatal(err)
	}
	disk, err := filepath.Glob("healthcare/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(emb) == 0 || len(emb) != len(disk) {
		t.Fatalf("embedded %d files, directory %d", len(emb), len(disk))
	}
	want, _ := os.ReadFile(disk[0])
	got, _ := fs.ReadFile(p, filepath.Base(disk[0]))
	if string(got) != string(want) {
		t.Fatalf("%s differs from the embedded copy", disk[0])
	}
	if _, ok := Pack("nope"); ok {
		t.Fatal("unknown pack found")
	}
	if n := Names(); len(n) != 1 || n[0] != "healthcare" {
		t.Fatalf("Names() = %v", n)
	}
}
