// Package storetest is the conformance suite every store.Store
// implementation runs from its own tests:
//
//	func TestStore(t *testing.T) { storetest.Run(t, openTestStore) }
//
// The search tests compare the store's answers with the reference
// semantics (query.Query.MatchEvent) over a generated corpus. Like the
// decoders, the corpus mirrors every entity key into its canonical field
// (event.SetEntityFields): stores answer user.name, host.name, source.ip,
// destination.ip, patient.id and device.id from the indexed entity columns.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// Run runs the whole suite. open must return a fresh, empty store for the
// test it is given; Run closes it when the test ends (cleanups registered
// by open run after that).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"InsertIdempotent", testInsertIdempotent},
		{"GetEventRoundTrip", testGetEvent},
		{"SearchMatchesReference", testSearchReference},
		{"SearchFeatures", testSearchFeatures},
		{"TimeRangeAndPaging", testTimeRangePaging},
		{"BadCursorAndLimit", testBadCursor},
		{"Retention", testRetention},
		{"Findings", testFindings},
		{"Incidents", testIncidents},
		{"Tokens", testTokens},
		{"AuditConcurrent", testAudit},
		{"ContextRecords", testContextRecords},
		{"Responses", testResponses},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			if err := s.Ping(ctx(t)); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

// ctx is a per-test context that ends with the test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 50*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: error = %v, want store.ErrNotFound", what, err)
	}
}
