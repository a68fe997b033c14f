package storetest

import (
	"fmt"
	"testing"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
)

// ConcurrentWriters checks two handles on the same database (standing in
// for two processes): events and audit records written through both at
// once all arrive, and the audit chain stays linear.
func ConcurrentWriters(t *testing.T, a, b store.Store) {
	const rounds = 30
	done := make(chan error, 4)
	for w, s := range []store.Store{a, b} {
		go func() {
			for i := range rounds {
				evs := []*event.Event{WindowsEvent(w*10000 + 2*i), WindowsEvent(w*10000 + 2*i + 1)}
				if _, err := s.InsertEvents(t.Context(), evs); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		go func() {
			for i := range rounds {
				rec := store.AuditRecord{Time: base, Actor: fmt.Sprintf("proc-%d", w), Action: "test", Target: fmt.Sprint(i)}
				if _, err := s.AppendAudit(t.Context(), rec, audit.Seal); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	if n, err := b.CountEvents(t.Context(), store.EventQuery{}); err != nil || n != 4*rounds {
		t.Errorf("events = %d, %v; want %d", n, err, 4*rounds)
	}
	if n, err := audit.Verify(t.Context(), a); err != nil || n != 2*rounds {
		t.Errorf("audit.Verify = %d, %v; want %d and an intact chain", n, err, 2*rounds)
	}
}
