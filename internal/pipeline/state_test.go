package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// counter is a stateful detector that counts the events it has seen.
type counter struct {
	version string
	n       atomic.Int64
}

func (c *counter) Name() string    { return "counter" }
func (c *counter) Version() string { return c.version }
func (c *counter) Detect(context.Context, *event.Event, func(finding.Finding)) {
	c.n.Add(1)
}
func (c *counter) Snapshot() ([]byte, error) {
	return binary.AppendVarint(nil, c.n.Load()), nil
}
func (c *counter) Restore(b []byte) error {
	v, n := binary.Varint(b)
	if n <= 0 {
		return errors.New("bad snapshot")
	}
	c.n.Store(v)
	return nil
}

var _ detect.Stateful = (*counter)(nil)

// runCounter runs RunDetector with c on a bus in dir until n events were
// counted (or, with n < 0, briefly), then stops it cleanly.
func runCounter(t *testing.T, dir string, c *counter, publish []*event.Event, want int64) {
	t.Helper()
	b, err := Open(context.Background(), Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	reg, _ := detect.NewRegistry(c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunDetector(ctx, b, reg, newMemStore(), NewMetrics(prometheus.NewRegistry())) }()
	if len(publish) > 0 {
		if _, err := b.Publish(ctx, publish); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "counted events", func() bool { return c.n.Load() >= want })
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestStatefulDetectorSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	first := &counter{version: "1"}
	runCounter(t, dir, first, testEvents("s", 20, 10), 20)

	// Same version: the count continues from the saved state.
	second := &counter{version: "1"}
	runCounter(t, dir, second, testEvents("t", 5, 10), 25)
	if got := second.n.Load(); got != 25 {
		t.Fatalf("after restart the detector counted %d, want 20 restored + 5 new", got)
	}

	// Another version: the old snapshot is not loaded.
	third := &counter{version: "2"}
	runCounter(t, dir, third, testEvents("u", 3, 10), 3)
	if got := third.n.Load(); got != 3 {
		t.Fatalf("a new detector version restored old state: count %d, want 3", got)
	}
}

func TestStateSavedPeriodically(t *testing.T) {
	defer func(d time.Duration) { stateEvery = d }(stateEvery)
	stateEvery = 0 // save after every batch
	b := openEmbedded(t, t.TempDir(), Config{})
	c := &counter{version: "1"}
	reg, _ := detect.NewRegistry(c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunDetector(ctx, b, reg, newMemStore(), nil) }()
	defer func() { cancel(); <-done }()
	if _, err := b.Publish(ctx, testEvents("p", 7, 10)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "saved state", func() bool {
		data, ok, err := b.LoadState(ctx, "counter", "1")
		if err != nil || !ok {
			return false
		}
		v, _ := binary.Varint(data)
		return v == 7
	})
}
