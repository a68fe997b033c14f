package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/storetest"
)

func testDSN() string {
	if dsn := os.Getenv("VIGIL_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// openTest opens a Store in a fresh schema that is dropped when tb ends.
// It skips when the server is unreachable, unless VIGIL_REQUIRE_SERVICES=1.
func openTest(tb testing.TB) *Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testDSN())
	if err != nil {
		if os.Getenv("VIGIL_REQUIRE_SERVICES") == "1" {
			tb.Fatalf("postgres unreachable: %v", err)
		}
		tb.Skipf("postgres unreachable (set VIGIL_TEST_POSTGRES): %v", err)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	schema := "vigil_test_" + hex.EncodeToString(rnd[:])
	tb.Cleanup(func() {
		_, err := conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
		if err != nil {
			tb.Errorf("drop test schema: %v", err)
		}
		conn.Close(context.Background())
	})
	s, err := Open(ctx, testDSN(), schema)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t) })
}

// BenchmarkInsertEvents inserts into a fresh schema in batches of
// storetest.BenchBatches.
func BenchmarkInsertEvents(b *testing.B) {
	for _, batch := range storetest.BenchBatches {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := openTest(b)
			defer s.Close()
			storetest.BenchmarkInsertEvents(b, s, batch)
		})
	}
}

// TestTwoPools opens the same schema twice (as two processes would) and
// writes through both at once: one linear audit chain.
func TestTwoPools(t *testing.T) {
	a := openTest(t)
	t.Cleanup(func() { a.Close() })
	b, err := Open(context.Background(), testDSN(), a.schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	storetest.ConcurrentWriters(t, a, b)
}

// TestInsertFallback covers the two ways the direct COPY of InsertEvents
// meets a duplicate id (repeated inside a fresh batch, or already stored)
// and falls back to the merge path: the counts must still be exact.
func TestInsertFallback(t *testing.T) {
	s := openTest(t)
	t.Cleanup(func() { s.Close() })
	a, b, c := storetest.WindowsEvent(1), storetest.WindowsEvent(2), storetest.WindowsEvent(3)
	if n, err := s.InsertEvents(t.Context(), []*event.Event{a, b, a}); err != nil || n != 2 {
		t.Fatalf("fresh batch with a repeat: %d new, %v; want 2", n, err)
	}
	if n, err := s.InsertEvents(t.Context(), []*event.Event{c, b}); err != nil || n != 1 {
		t.Fatalf("batch with a stored id: %d new, %v; want 1", n, err)
	}
	if n, err := s.CountEvents(t.Context(), store.EventQuery{}); err != nil || n != 3 {
		t.Fatalf("CountEvents = %d, %v; want 3", n, err)
	}
	if !isUniqueViolation(&pgconn.PgError{Code: "23505"}) || isUniqueViolation(errors.New("x")) {
		t.Error("isUniqueViolation misclassifies")
	}
}
