package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// openEmbedded opens a Bus on an embedded server in dir, closed by Cleanup.
func openEmbedded(t testing.TB, dir string, cfg Config) *Bus {
	t.Helper()
	cfg.DataDir = dir
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// testEvents returns n events with ids prefix-0.. and about rawSize bytes of raw.
func testEvents(prefix string, n, rawSize int) []*event.Event {
	evs := make([]*event.Event, n)
	now := time.Now().UTC()
	for i := range evs {
		ev := &event.Event{
			ID:       fmt.Sprintf("%s-%d", prefix, i),
			Time:     now,
			Ingested: now,
			Format:   event.FormatECS,
			Entities: event.Entities{User: fmt.Sprintf("user%d", i%7), Host: "ws-1"},
			Raw:      []byte(strings.Repeat("x", rawSize)),
		}
		ev.Add(event.FieldAction, "login", event.KindString)
		ev.SetEntityFields()
		evs[i] = ev
	}
	return evs
}

// collector gathers the ids a handler saw.
type collector struct {
	mu  sync.Mutex
	ids []string
}

func (c *collector) add(evs []*event.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ev := range evs {
		c.ids = append(c.ids, ev.ID)
	}
}

func (c *collector) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.ids...)
}

// waitFor polls cond until it holds or d passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runConsume runs Consume in a goroutine; the returned stop cancels it and
// waits, failing the test if Consume returned an error.
func runConsume(t testing.TB, b *Bus, name string, batch int, h Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Consume(ctx, name, batch, 100*time.Millisecond, h) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Consume: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func countDistinct(ids []string) int {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return len(m)
}
