package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// ErrOverloaded means the pipeline cannot take more now: the stream is full
// or JetStream did not acknowledge in time. HTTP callers answer 503 with
// Retry-After; nothing was lost that had been acknowledged before.
var ErrOverloaded = errors.New("pipeline: overloaded, retry later")

const (
	publishWindow  = 4096             // async publishes in flight per connection
	publishTimeout = 10 * time.Second // ack wait per message
)

// Partition returns the EVENTS partition of ev: the xxhash of its partition
// key modulo the number of partitions (events without entities go to 0).
func (b *Bus) Partition(ev *event.Event) int {
	k := ev.Entities.PartitionKey()
	if k == "" {
		return 0
	}
	return int(xxhash.Sum64String(k) % uint64(len(b.n.eventSubjects)))
}

// Message packing: events are published in messages of up to
// maxMsgEvents events or about maxMsgBytes, grouped by partition. Per-message
// costs in JetStream (ack, dedupe entry, index) dominate at small sizes, so
// packing is what lets one stream take tens of thousands of events a second.
const (
	maxMsgEvents = 500
	maxMsgBytes  = 512 << 10
)

// Publish sends the events and returns once JetStream has acknowledged every
// one, durable per the Sync setting. Events are grouped by partition, in
// input order, and packed into messages (event.AppendBatch) whose
// Nats-Msg-Id is derived from the ids of the events they carry, so
// publishing the same batch again (a client retrying after a crash or a
// timeout) is recognised within the dedupe window; dups counts the events of
// messages JetStream reported as duplicates. Overlapping but different
// batches are not recognised here: the store and the detectors are
// idempotent by event id. On error some events may be stored; publishing the
// batch again is safe. Limit and timeout failures wrap ErrOverloaded.
func (b *Bus) Publish(ctx context.Context, evs []*event.Event) (dups int, err error) {
	parts := make([][]*event.Event, len(b.n.eventSubjects))
	for i, ev := range evs {
		if ev.ID == "" {
			return 0, fmt.Errorf("pipeline: publish: event %d has no id", i)
		}
		p := b.Partition(ev)
		parts[p] = append(parts[p], ev)
	}
	var msgs []*nats.Msg
	var counts []int
	for p, group := range parts {
		for len(group) > 0 {
			n, size := 0, 0
			for n < len(group) && n < maxMsgEvents && (n == 0 || size < maxMsgBytes) {
				size += 64 + 2*len(group[n].Raw)
				n++
			}
			msgs = append(msgs, b.packMsg(p, group[:n], size))
			counts = append(counts, n)
			group = group[n:]
		}
	}
	dupMsgs, err := b.publishAll(ctx, msgs)
	for _, i := range dupMsgs {
		dups += counts[i]
	}
	return dups, err
}

func (b *Bus) packMsg(partition int, evs []*event.Event, sizeHint int) *nats.Msg {
	ids := make([][]byte, len(evs))
	for i, ev := range evs {
		ids[i] = []byte(ev.ID)
	}
	m := nats.NewMsg(b.n.eventSubjects[partition])
	m.Data = event.AppendBatch(make([]byte, 0, sizeHint), evs)
	m.Header.Set(jetstream.MsgIDHeader, event.ContentID(ids...))
	return m
}

// PublishFindings publishes fs as JSON on the FINDINGS stream with
// Nats-Msg-Id = finding id and waits for every acknowledgement.
func (b *Bus) PublishFindings(ctx context.Context, fs []finding.Finding) error {
	msgs := make([]*nats.Msg, len(fs))
	for i := range fs {
		data, err := json.Marshal(&fs[i])
		if err != nil {
			return fmt.Errorf("pipeline: finding %s: %w", fs[i].ID, err)
		}
		m := nats.NewMsg(b.n.findSubj)
		m.Data = data
		m.Header.Set(jetstream.MsgIDHeader, fs[i].ID)
		msgs[i] = m
	}
	_, err := b.publishAll(ctx, msgs)
	return err
}

// publishAll publishes asynchronously, then waits for every ack. dups are
// the indexes of messages JetStream reported as duplicates.
func (b *Bus) publishAll(ctx context.Context, msgs []*nats.Msg) (dups []int, err error) {
	futs := make([]jetstream.PubAckFuture, 0, len(msgs))
	waited := 0 // futures already resolved into dups/err
	wait := func(i int, f jetstream.PubAckFuture) error {
		select {
		case ack := <-f.Ok():
			if ack.Duplicate {
				dups = append(dups, i)
			}
			return nil
		case err := <-f.Err():
			return classify(err)
		case <-ctx.Done():
			return fmt.Errorf("pipeline: publish: %w", ctx.Err())
		}
	}
	for i := 0; i < len(msgs); {
		f, err := b.js.PublishMsgAsync(msgs[i])
		if errors.Is(err, jetstream.ErrTooManyStalledMsgs) && waited < len(futs) {
			// The window is full: wait for our oldest ack, then retry.
			if err := wait(waited, futs[waited]); err != nil {
				return dups, err
			}
			waited++
			continue
		}
		if err != nil {
			return dups, classify(err)
		}
		futs = append(futs, f)
		i++
	}
	for ; waited < len(futs); waited++ {
		if err := wait(waited, futs[waited]); err != nil {
			return dups, err
		}
	}
	return dups, nil
}

// classify wraps limit and timeout errors in ErrOverloaded.
func classify(err error) error {
	var apiErr *jetstream.APIError
	switch {
	case errors.Is(err, jetstream.ErrAsyncPublishTimeout), errors.Is(err, jetstream.ErrTooManyStalledMsgs),
		errors.Is(err, jetstream.ErrNoStreamResponse), errors.Is(err, nats.ErrTimeout),
		errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrOverloaded, err)
	case errors.As(err, &apiErr) && isLimitCode(apiErr.ErrorCode):
		return fmt.Errorf("%w: %w", ErrOverloaded, err)
	}
	return fmt.Errorf("pipeline: publish: %w", err)
}

// Server error codes meaning a stream or account limit was hit.
const (
	codeStoreFailed          = 10077 // "maximum bytes exceeded" / "maximum messages exceeded"
	codeInsufficientResource = 10023
	codeStorageExceeded      = 10047
)

func isLimitCode(c jetstream.ErrorCode) bool {
	return c == codeStoreFailed || c == codeInsufficientResource || c == codeStorageExceeded
}
