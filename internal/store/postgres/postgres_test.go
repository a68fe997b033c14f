package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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

func BenchmarkInsertEvents(b *testing.B) {
	s := openTest(b)
	defer s.Close()
	storetest.BenchmarkInsertEvents(b, s, 500)
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
