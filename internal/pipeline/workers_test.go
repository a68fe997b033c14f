package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// everyThird emits one finding for every event whose id ends in 0, 3 or 6.
type everyThird struct{}

func (everyThird) Name() string    { return "every-third" }
func (everyThird) Version() string { return "1" }
func (everyThird) Detect(_ context.Context, ev *event.Event, emit func(finding.Finding)) {
	switch ev.ID[len(ev.ID)-1] {
	case '0', '3', '6':
		emit(finding.Finding{
			ID: finding.DeriveID("every-third", "r1", []string{ev.ID}), Time: ev.Time,
			Detector: "every-third", RuleID: "r1", Title: "test", Severity: finding.SeverityLow,
			Confidence: 0.5, Entities: ev.Entities, EventIDs: []string{ev.ID},
		})
	}
}

var _ detect.Detector = everyThird{}

// memStore is an idempotent in-memory store (the real stores live elsewhere).
type memStore struct {
	mu       sync.Mutex
	findings map[string]finding.Finding
	events   map[string]bool
	puts     int
	maxPut   int // most findings in one PutFindings call
}

func newMemStore() *memStore {
	return &memStore{findings: map[string]finding.Finding{}, events: map[string]bool{}}
}

func (s *memStore) PutFindings(_ context.Context, fs []finding.Finding) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	s.maxPut = max(s.maxPut, len(fs))
	n := 0
	for _, f := range fs {
		if _, ok := s.findings[f.ID]; !ok {
			s.findings[f.ID] = f
			n++
		}
	}
	return n, nil
}

func (s *memStore) InsertEvents(_ context.Context, evs []*event.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ev := range evs {
		if !s.events[ev.ID] {
			s.events[ev.ID] = true
			n++
		}
	}
	return n, nil
}

func (s *memStore) counts() (findings, events int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.findings), len(s.events)
}

// A batch's findings are stored as they come once findingFlushAfter has
// passed, not held until the batch's last event (here: after every
// flushCheckEvery events, the flush delay set to 0).
func TestRunDetectorStoresFindingsWithinABatch(t *testing.T) {
	defer func(d time.Duration) { findingFlushAfter = d }(findingFlushAfter)
	findingFlushAfter = 0
	b := openEmbedded(t, t.TempDir(), Config{})
	reg, err := detect.NewRegistry(everyThird{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Published before the detector starts, so its first fetch holds them all.
	evs := testEvents("w", 300, 10)
	want := 0
	for _, ev := range evs {
		switch ev.ID[len(ev.ID)-1] {
		case '0', '3', '6':
			want++
		}
	}
	if _, err := b.Publish(ctx, evs); err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	done := make(chan error, 1)
	go func() { done <- RunDetector(ctx, b, reg, st, NewMetrics(prometheus.NewRegistry())) }()
	waitFor(t, 10*time.Second, "findings", func() bool { f, _ := st.counts(); return f == want })
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.maxPut > flushCheckEvery || st.puts < want/flushCheckEvery {
		t.Fatalf("%d findings in %d stores, at most %d in one; want stores of ≤ %d", want, st.puts, st.maxPut, flushCheckEvery)
	}
}

func TestRunDetectorIdempotent(t *testing.T) {
	b := openEmbedded(t, t.TempDir(), Config{DupWindow: time.Second})
	reg, err := detect.NewRegistry(everyThird{})
	if err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	m := NewMetrics(prometheus.NewRegistry())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- RunDetector(ctx, b, reg, st, m) }()
	go func() { done <- RunStoreWriter(ctx, b, st, m) }()
	defer func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}()

	// 30 events d-0..d-29; the detector fires on ids ending in 0, 3 or 6.
	evs := testEvents("d", 30, 10)
	want := 0
	for _, ev := range evs {
		switch ev.ID[len(ev.ID)-1] {
		case '0', '3', '6':
			want++
		}
	}
	if _, err := b.Publish(ctx, evs); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "findings and events", func() bool { f, e := st.counts(); t.Logf("findings %d events %d", f, e); return f == want && e == 30 })
	// Each finding is on the FINDINGS stream once.
	waitFor(t, 5*time.Second, "FINDINGS", func() bool {
		info, err := b.finds.Info(ctx)
		return err == nil && info.State.Msgs == uint64(want)
	})
	// Replay the same events after the dedupe window: delivered again, no new findings.
	time.Sleep(1100 * time.Millisecond)
	if dups, err := b.Publish(ctx, testEvents("d", 30, 10)); err != nil || dups != 0 {
		t.Fatalf("replay publish: dups=%d err=%v (want 0: window passed)", dups, err)
	}
	waitFor(t, 10*time.Second, "replay consumed", func() bool {
		n, err := b.Pending(ctx, DetectConsumer)
		return err == nil && n == 0
	})
	if f, e := st.counts(); f != want || e != 30 {
		t.Fatalf("after replay: %d findings, %d events; want %d and 30", f, e, want)
	}
	// The replayed events were recognised by the detector's seen-set and not
	// run through the detectors again.
	if got := value(t, m.findings.WithLabelValues("every-third")); got != float64(want) {
		t.Errorf("vigil_findings_total = %v, want %d (replay skipped)", got, want)
	}
	if got := value(t, m.eventsStored); got != 30 {
		t.Errorf("vigil_events_stored_total = %v, want 30", got)
	}
	// Latency is observed for the first run only (the replay stored nothing new).
	if n := value(t, m.findingLatency); n != float64(want) {
		t.Errorf("latency observations = %v, want %d", n, want)
	}
}

// value reads a counter or histogram sample count.
func value(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	if m.Histogram != nil {
		return float64(m.Histogram.GetSampleCount())
	}
	return m.Counter.GetValue()
}
