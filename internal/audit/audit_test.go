package audit

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/vigil-soc/vigil/internal/store"
)

// memAudit is an in-memory store.Audit; the SQL stores are covered by
// store/storetest with the same Seal.
type memAudit struct {
	mu   sync.Mutex
	recs []store.AuditRecord
}

func (m *memAudit) AppendAudit(_ context.Context, rec store.AuditRecord, seal func(*store.AuditRecord)) (store.AuditRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec.Seq, rec.PrevHash = 1, Genesis
	if n := len(m.recs); n > 0 {
		rec.Seq, rec.PrevHash = m.recs[n-1].Seq+1, m.recs[n-1].Hash
	}
	seal(&rec)
	m.recs = append(m.recs, rec)
	return rec, nil
}

func (m *memAudit) ListAudit(_ context.Context, after int64, limit int) ([]store.AuditRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.AuditRecord
	for _, r := range m.recs {
		if r.Seq > after && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func fill(t *testing.T, n int) *memAudit {
	t.Helper()
	m := &memAudit{}
	l := NewLog(m)
	for i := 0; i < n; i++ {
		if _, err := l.Append(context.Background(), store.AuditRecord{Actor: "tok", Role: "admin", Action: "POST /api/v1/events", Status: 200}); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestVerifyIntactChain(t *testing.T) {
	m := fill(t, 2500)
	n, err := Verify(context.Background(), m)
	if err != nil || n != 2500 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
}

func TestVerifyNamesFirstBrokenEntry(t *testing.T) {
	cases := []struct {
		name   string
		damage func(m *memAudit)
		want   int64
	}{
		{"altered detail", func(m *memAudit) { m.recs[41].Detail = "edited" }, 42},
		{"altered and resealed", func(m *memAudit) { m.recs[9].Actor = "x"; Seal(&m.recs[9]) }, 11},
		{"deleted entry", func(m *memAudit) { m.recs = append(m.recs[:5], m.recs[6:]...) }, 6},
		{"first entry", func(m *memAudit) { m.recs[0].Status = 500 }, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fill(t, 100)
			c.damage(m)
			_, err := Verify(context.Background(), m)
			var be *BreakError
			if !errors.As(err, &be) || be.Seq != c.want {
				t.Fatalf("Verify error = %v, want break at %d", err, c.want)
			}
		})
	}
}
