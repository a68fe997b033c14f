package main

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKillDuringIngest: kill -9 of `vigil serve` during sustained ingest,
// then restart. Every event whose batch got a 2xx must be stored exactly
// once, re-sending everything must not duplicate anything, and detection
// must resume without duplicate findings.
func TestKillDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	data, addr := t.TempDir(), freePort(t)
	srv := startServer(t, data, addr)
	run := fmt.Sprintf("run%d", time.Now().UnixNano())

	const batches, perBatch, senders = 60, 250, 4
	var acked sync.Map // record number -> true, only for 2xx batches
	var okBatches, sentBatches atomic.Int64
	batch := func(b int) []byte {
		var sb strings.Builder
		for i := 0; i < perBatch; i++ {
			sb.WriteString(winEvent(run, b*perBatch+i))
			sb.WriteByte('\n')
		}
		return []byte(sb.String())
	}
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for w := 0; w < senders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1) - 1)
				if b >= batches {
					return
				}
				sentBatches.Add(1)
				code, err := srv.do("POST", "/api/v1/events", "application/x-ndjson", batch(b), nil)
				if err == nil && code == 200 {
					okBatches.Add(1)
					for i := 0; i < perBatch; i++ {
						acked.Store(b*perBatch+i, true)
					}
				}
			}
		}()
	}
	// Kill once a third of the batches are acknowledged.
	for okBatches.Load() < batches/3 {
		time.Sleep(5 * time.Millisecond)
	}
	srv.kill()
	wg.Wait()
	nAcked := 0
	acked.Range(func(_, _ any) bool { nAcked++; return true })
	t.Logf("batches sent %d, acknowledged %d before kill -9", sentBatches.Load(), okBatches.Load())
	if nAcked == 0 || okBatches.Load() == int64(batches) {
		t.Fatalf("kill did not land during ingest (acked batches %d of %d)", okBatches.Load(), batches)
	}

	srv = startServer(t, data, addr)
	q := "/api/v1/events/count?q=" + url.QueryEscape("RunTag:"+run)
	waitFor(t, func() bool { return srv.count(t, q) >= int64(nAcked) }, "acked events stored")
	for n := range 300 { // spot-check ids individually too, beyond the count
		rec := n * (nAcked / 300)
		if _, ok := acked.Load(rec); !ok {
			continue
		}
		one := "/api/v1/events/count?q=" + url.QueryEscape(fmt.Sprintf("RunTag:%s RecordNumber:%d", run, rec))
		if c := srv.count(t, one); c != 1 {
			t.Fatalf("record %d stored %d times", rec, c)
		}
	}
	stored := srv.count(t, q)

	// Re-send every batch (a client retrying after the crash): nothing doubles.
	for b := 0; b < batches; b++ {
		if code, err := srv.do("POST", "/api/v1/events", "application/x-ndjson", batch(b), nil); err != nil || code != 200 {
			t.Fatalf("resend batch %d: %d %v", b, code, err)
		}
	}
	total := int64(batches * perBatch)
	waitFor(t, func() bool { return srv.count(t, q) >= total }, "all events stored")
	if got := srv.count(t, q); got != total {
		t.Fatalf("after resend: %d events stored, want exactly %d (before resend %d)", got, total, stored)
	}
	clears := total / 50
	findings := func() int64 {
		var f struct {
			Findings []struct {
				ID string `json:"id"`
			} `json:"findings"`
		}
		srv.do("GET", "/api/v1/findings?detector=logclear&limit=1000", "", nil, &f)
		return int64(len(f.Findings))
	}
	waitFor(t, func() bool { return findings() >= clears }, "findings for every log clear")
	srv.stop()
	srv = startServer(t, data, addr)
	time.Sleep(500 * time.Millisecond)
	if got := findings(); got != clears {
		t.Fatalf("findings after restart = %d, want exactly %d (one per 1102 event)", got, clears)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
