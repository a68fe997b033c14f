package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/storetest"
)

func openTest(t *testing.T) store.Store {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, openTest) }

// BenchmarkInsertEvents inserts into a fresh database in batches of 500
// (one JetStream fetch) and 5000 (what the pipeline hands the store writer
// when it is behind: up to 32 fetches of 500).
func BenchmarkInsertEvents(b *testing.B) {
	for _, batch := range storetest.BenchBatches {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			storetest.BenchmarkInsertEvents(b, s, batch)
		})
	}
}

// TestTwoHandles opens the same file twice (as two processes would) and
// writes through both at once: no SQLITE_BUSY, one linear audit chain.
func TestTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	a := openPath(t, path)
	b := openPath(t, path)
	for _, d := range []*database{a.main, a.ev} {
		var mode string
		if err := d.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
		}
	}
	storetest.ConcurrentWriters(t, a, b)
}

func openPath(t *testing.T, path string) *Store {
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
