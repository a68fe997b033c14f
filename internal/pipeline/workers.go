package pipeline

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// EventWriter stores events idempotently by id (store.Events satisfies it).
// It must be safe to call again with events already stored.
type EventWriter interface {
	InsertEvents(ctx context.Context, evs []*event.Event) (int, error)
}

// FindingWriter stores findings idempotently by id (store.Findings
// satisfies it).
type FindingWriter interface {
	PutFindings(ctx context.Context, fs []finding.Finding) (int, error)
}

// Consumer names and batch settings of the workers.
const (
	StoreConsumer  = "store"
	DetectConsumer = "detect"
	workerBatch    = 32      // detector: messages per fetch (each up to maxMsgEvents events)
	storeBatch     = 4 << 20 // store writer: encoded bytes per fetch (~1,500-7,000 events)
	workerMaxWait  = 50 * time.Millisecond
)

// findingFlushAfter: within a batch, the detector stores the findings found
// so far once this much time has passed since the batch (or the last such
// store) began, checked every flushCheckEvery events. A fetch can hold
// thousands of events; without it a finding of the first event waited for
// the last (p99 ingest→finding 1–2.5 s at 5,000 FHIR AuditEvents/s).
var findingFlushAfter = 20 * time.Millisecond

const flushCheckEvery = 32

// pendingEvery is how often the workers refresh the pending gauge.
var pendingEvery = 5 * time.Second

// RunStoreWriter consumes "store" and inserts the events into w until ctx is
// done. Replays are harmless: inserts are idempotent by id.
func RunStoreWriter(ctx context.Context, b *Bus, w EventWriter, m *Metrics) error {
	return runWorker(ctx, b, StoreConsumer, fetchSpec{bytes: storeBatch}, m, func(ctx context.Context, evs []*event.Event) error {
		n, err := w.InsertEvents(ctx, evs)
		if err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
		m.stored(n)
		return nil
	})
}

// RunDetector consumes "detect", runs reg on every event, stores the
// findings in w, publishes them to FINDINGS, and only then acks the batch.
// A restart resumes at the first un-acked event; replayed events give the
// same finding ids, so nothing is duplicated. Detector panics are logged,
// not fatal. The latency histogram is observed for batches that stored at
// least one new finding. Stateful detectors are restored from the state
// bucket at start and saved every stateEvery and on shutdown.
func RunDetector(ctx context.Context, b *Bus, reg *detect.Registry, w FindingWriter, m *Metrics) error {
	log := b.log.With("consumer", DetectConsumer)
	var fs []finding.Finding
	var latency []float64
	seen := newSeenSet(1 << 20)
	flush := func(ctx context.Context) error {
		if len(fs) == 0 {
			return nil
		}
		now := time.Now().UTC()
		for i := range fs {
			if fs[i].Created.IsZero() {
				fs[i].Created = now
			}
		}
		inserted, err := w.PutFindings(ctx, fs)
		if err != nil {
			return fmt.Errorf("store findings: %w", err)
		}
		latency = latency[:0]
		for i := range fs {
			var l float64
			if !fs[i].IngestedAt.IsZero() {
				l = time.Since(fs[i].IngestedAt).Seconds()
			}
			latency = append(latency, l)
		}
		if err := b.PublishFindings(ctx, fs); err != nil {
			return fmt.Errorf("publish findings: %w", err)
		}
		for i := range fs {
			m.finding(fs[i].Detector, latency[i], inserted > 0 && !fs[i].IngestedAt.IsZero())
		}
		fs = fs[:0]
		return nil
	}
	handle := func(ctx context.Context, evs []*event.Event) error {
		fs = fs[:0]
		since := time.Now()
		for k, ev := range evs {
			if seen.has(ev.ID) {
				continue // already handled, arrived again in another message
			}
			n := len(fs)
			var errs []error
			fs, errs = reg.Run(ctx, ev, fs)
			for _, err := range errs {
				log.Error("detector failed", "event", ev.ID, "err", err)
			}
			for i := n; i < len(fs); i++ {
				if fs[i].IngestedAt.IsZero() {
					fs[i].IngestedAt = ev.Ingested
				}
			}
			// A large batch takes a while to run: store the findings found so
			// far rather than hold them until its end (replays give the same
			// ids, so storing before the ack is safe).
			if len(fs) > 0 && k%flushCheckEvery == flushCheckEvery-1 && time.Since(since) >= findingFlushAfter {
				if err := flush(ctx); err != nil {
					return err
				}
				since = time.Now()
			}
		}
		return flush(ctx)
	}
	state := newStatefulSet(b, reg)
	state.restore(ctx)
	err := runWorker(ctx, b, DetectConsumer, fetchSpec{msgs: workerBatch}, m, func(ctx context.Context, evs []*event.Event) error {
		if err := handle(ctx, evs); err != nil {
			return err // nak'ed: the events must be detected on redelivery
		}
		for _, ev := range evs {
			seen.add(ev.ID)
		}
		state.saveIfDue(ctx)
		return nil
	})
	if len(state.ds) > 0 { // consumers have stopped: save the final state
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		state.save(sctx)
		cancel()
	}
	return err
}

// runWorker runs Consume with metrics and a pending-gauge refresher.
func runWorker(ctx context.Context, b *Bus, name string, spec fetchSpec, m *Metrics, h Handler) error {
	if m != nil {
		var wg sync.WaitGroup
		defer wg.Wait()
		ctx2, cancel := context.WithCancel(ctx)
		defer cancel()
		ctx = ctx2
		wg.Go(func() { refreshPending(ctx2, b, name, m) })
	}
	return b.consume(ctx, name, spec, workerMaxWait, func(ctx context.Context, evs []*event.Event) error {
		err := h(ctx, evs)
		m.batch(name, err)
		return err
	})
}

func refreshPending(ctx context.Context, b *Bus, name string, m *Metrics) {
	t := time.NewTicker(pendingEvery)
	defer t.Stop()
	for {
		if n, err := b.Pending(ctx, name); err == nil {
			m.setPending(name, n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
