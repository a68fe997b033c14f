package app

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// timelineRecorder is what the incident manager offers respond
// (incident.Manager.Record).
type timelineRecorder interface {
	Record(ctx context.Context, incidentID, kind, actor, text, ref string) error
}

// asyncTimeline hands respond's timeline entries to the incident manager
// from its own goroutine. The response engine runs inside the incident
// manager's hook, which holds the manager's lock: recording synchronously
// from there would deadlock. Entries are kept in order; the queue is bounded
// (the oldest entries are dropped, with a warning, past maxTimelineQueue).
type asyncTimeline struct {
	dst    timelineRecorder
	log    *slog.Logger
	mu     sync.Mutex
	queue  []timelineEntry
	notify chan struct{}
}

type timelineEntry struct{ id, kind, actor, text, ref string }

const maxTimelineQueue = 100_000

func newAsyncTimeline(dst timelineRecorder, log *slog.Logger) *asyncTimeline {
	return &asyncTimeline{dst: dst, log: log, notify: make(chan struct{}, 1)}
}

// Record queues the entry and returns at once (respond.IncidentLog).
func (a *asyncTimeline) Record(_ context.Context, incidentID, kind, actor, text, ref string) error {
	a.mu.Lock()
	if len(a.queue) >= maxTimelineQueue {
		a.queue = a.queue[1:]
		a.log.Warn("incident timeline queue full: oldest entry dropped")
	}
	a.queue = append(a.queue, timelineEntry{incidentID, kind, actor, text, ref})
	a.mu.Unlock()
	select {
	case a.notify <- struct{}{}:
	default:
	}
	return nil
}

// run writes queued entries until ctx is done, then flushes what is left
// (for at most five seconds).
func (a *asyncTimeline) run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			a.drain(flush)
			return nil
		case <-a.notify:
			a.drain(ctx)
		}
	}
}

func (a *asyncTimeline) drain(ctx context.Context) {
	for ctx.Err() == nil {
		a.mu.Lock()
		if len(a.queue) == 0 {
			a.mu.Unlock()
			return
		}
		e := a.queue[0]
		a.queue = a.queue[1:]
		a.mu.Unlock()
		if err := a.dst.Record(ctx, e.id, e.kind, e.actor, e.text, e.ref); err != nil {
			a.log.Warn("incident timeline entry not recorded", "incident", e.id, "kind", e.kind, "err", err)
		}
	}
}
