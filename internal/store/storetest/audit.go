package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/store"
)

func testAudit(t *testing.T, s store.Store) {
	const workers, each = 6, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	c := ctx(t)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				rec := store.AuditRecord{
					Time:   time.Now().UTC().Truncate(time.Microsecond),
					Actor:  fmt.Sprintf("worker-%d", w),
					Role:   "admin",
					Action: "POST /api/v1/things",
					Target: fmt.Sprintf("thing-%d", i),
					Status: 201,
					Detail: `{"n":1}`,
				}
				got, err := s.AppendAudit(c, rec, audit.Seal)
				if err == nil && (got.Seq < 1 || got.Hash != audit.Hash(&got)) {
					err = fmt.Errorf("returned record not sealed: %+v", got)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("AppendAudit: %v", err)
	}
	n, err := audit.Verify(c, s)
	if err != nil || n != workers*each {
		t.Fatalf("audit.Verify = %d, %v; want %d records and an intact chain", n, err, workers*each)
	}
	// Walk in small pages: seq 1..N, each linked to the one before.
	var after int64
	prev := audit.Genesis
	for after < workers*each {
		recs, err := s.ListAudit(c, after, 7)
		if err != nil || len(recs) == 0 || len(recs) > 7 {
			t.Fatalf("ListAudit(%d, 7) = %d records, %v", after, len(recs), err)
		}
		for _, r := range recs {
			if r.Seq != after+1 || r.PrevHash != prev {
				t.Fatalf("record %d: seq/prev_hash out of chain (after %d)", r.Seq, after)
			}
			after, prev = r.Seq, r.Hash
		}
	}
	if recs, err := s.ListAudit(c, after, 10); err != nil || len(recs) != 0 {
		t.Errorf("ListAudit past the end = %d, %v", len(recs), err)
	}
}
