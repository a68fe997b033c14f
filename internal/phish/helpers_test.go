package phish

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData is ../shared/data relative to the repository root (found by
// walking up to go.mod).
func sharedData(tb testing.TB) string {
	tb.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found")
		}
		dir = parent
	}
}
