package app

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// lockedRecorder is a manager whose Record takes the lock its hook runs
// under, like incident.Manager.
type lockedRecorder struct {
	mu  sync.Mutex
	got []string
}

func (l *lockedRecorder) Record(_ context.Context, id, kind, _, _, _ string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, id+"/"+kind)
	return nil
}

// Recording from inside the manager's lock returns at once; the entries
// arrive in order once the lock is released; the rest is flushed at stop.
func TestAsyncTimelineDoesNotDeadlock(t *testing.T) {
	rec := &lockedRecorder{}
	tl := newAsyncTimeline(rec, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = tl.run(ctx); close(done) }()

	rec.mu.Lock() // the hook runs under the manager's lock
	for _, k := range []string{"action", "approval", "action"} {
		if err := tl.Record(ctx, "inc-1", k, "respond", "text", ""); err != nil {
			t.Fatal(err)
		}
	}
	rec.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec.mu.Lock()
		n := len(rec.got)
		rec.mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = tl.Record(ctx, "inc-2", "note", "respond", "late", "")
	cancel()
	<-done
	rec.mu.Lock()
	defer rec.mu.Unlock()
	want := []string{"inc-1/action", "inc-1/approval", "inc-1/action", "inc-2/note"}
	if len(rec.got) != len(want) {
		t.Fatalf("got %v, want %v", rec.got, want)
	}
	for i := range want {
		if rec.got[i] != want[i] {
			t.Fatalf("got %v, want %v", rec.got, want)
		}
	}
}
