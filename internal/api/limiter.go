package api

import (
	"context"
	"sync"
	"time"
)

// limiter bounds concurrent ingest requests and the bytes they may hold.
// It is a weighted semaphore with a request count; waiters are woken on
// every release and retry.
type limiter struct {
	maxReqs  int
	maxBytes int64

	mu      sync.Mutex
	reqs    int
	bytes   int64
	changed chan struct{} // closed (and replaced) on every release
}

func newLimiter(maxReqs int, maxBytes int64) *limiter {
	return &limiter{maxReqs: maxReqs, maxBytes: maxBytes, changed: make(chan struct{})}
}

// acquire takes one request slot and n bytes (capped at the total), waiting
// at most wait. It returns the weight to pass to release, or false.
func (l *limiter) acquire(ctx context.Context, n int64, wait time.Duration) (int64, bool) {
	n = max(0, min(n, l.maxBytes))
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		l.mu.Lock()
		if l.reqs < l.maxReqs && l.bytes+n <= l.maxBytes {
			l.reqs++
			l.bytes += n
			l.mu.Unlock()
			return n, true
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return 0, false
		case <-ctx.Done():
			return 0, false
		}
	}
}

// release returns a slot and n bytes taken by acquire.
func (l *limiter) release(n int64) {
	l.mu.Lock()
	l.reqs--
	l.bytes -= n
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}
