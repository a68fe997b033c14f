package pipeline

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunExclusive: of two contenders only one runs at a time; when the
// holder stops, the other takes over.
func TestRunExclusive(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{})
	var running, maxRunning, runs atomic.Int32
	fn := func(ctx context.Context) error {
		runs.Add(1)
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		<-ctx.Done()
		running.Add(-1)
		return nil
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.RunExclusive(ctxA, "corr", 600*time.Millisecond, fn) }()
	waitUntil(t, func() bool { return runs.Load() == 1 }, "first holder")
	go func() { defer wg.Done(); _ = b.RunExclusive(ctxB, "corr", 600*time.Millisecond, fn) }()
	time.Sleep(time.Second) // several renewals: B must stay out
	if runs.Load() != 1 || maxRunning.Load() != 1 {
		t.Fatalf("runs %d, max concurrent %d", runs.Load(), maxRunning.Load())
	}
	cancelA() // A releases; B takes over
	waitUntil(t, func() bool { return runs.Load() == 2 }, "take-over")
	cancelB()
	wg.Wait()
	if maxRunning.Load() != 1 {
		t.Fatalf("two holders at once")
	}
}

func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
