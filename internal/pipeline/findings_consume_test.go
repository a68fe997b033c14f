package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
)

func TestConsumeFindingsInOrderWithRetryAndTerm(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fs []finding.Finding
	for i := range 30 {
		fs = append(fs, finding.Finding{ID: fmt.Sprintf("f%02d", i), Detector: "test", Severity: finding.SeverityLow})
	}
	if err := b.PublishFindings(ctx, fs[:20]); err != nil {
		t.Fatal(err)
	}
	// A message that is not a finding is terminated, not retried forever.
	if _, err := b.js.Publish(ctx, b.n.findSubj, []byte("not json")); err != nil {
		t.Fatal(err)
	}
	if err := b.PublishFindings(ctx, fs[20:]); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	failed := false
	done := make(chan error, 1)
	go func() {
		done <- b.ConsumeFindings(ctx, "incidents-test", func(_ context.Context, batch []finding.Finding) error {
			mu.Lock()
			defer mu.Unlock()
			if !failed { // the first batch fails once and must come back
				failed = true
				return errors.New("store down")
			}
			for _, f := range batch {
				seen = append(seen, f.ID)
			}
			return nil
		})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n >= 30 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(seen)
	seen = slices.Compact(seen)
	if len(seen) != 30 {
		t.Fatalf("saw %d distinct findings, want 30: %v", len(seen), seen)
	}
}
