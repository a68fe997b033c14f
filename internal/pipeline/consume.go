package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-soc/vigil/internal/event"
)

// Consumer settings.
const (
	maxAckPending = 20000
	// Nak backoff: retryBase doubled per delivery, at most retryMax.
	retryBase = 250 * time.Millisecond
	retryMax  = 30 * time.Second
	// fetchRetryMax caps the pause after failed fetches (the server or the
	// connection, not the handler): they are usually transient.
	fetchRetryMax = 2 * time.Second
)

// ackWait is how long a delivered, un-acked message waits before it is
// redelivered; in-flight messages of a crashed or restarted worker come back
// after it. A variable so tests can shorten it.
var ackWait = 15 * time.Second

// Handler processes a batch of decoded events. Returning nil acks the whole
// batch; an error naks it for redelivery after a backoff.
type Handler func(ctx context.Context, evs []*event.Event) error

// consumer creates or updates the durable pull consumer name on EVENTS.
func (b *Bus) consumer(ctx context.Context, name string) (jetstream.Consumer, error) {
	c, err := b.evs.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxAckPending: maxAckPending,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		FilterSubject: b.n.eventsWild,
		MaxDeliver:    -1, // a store outage must not lose events
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: consumer %s: %w", name, err)
	}
	return c, nil
}

// Consume runs the durable pull consumer name on EVENTS until ctx is done.
// It fetches up to batchSize messages (waiting at most maxWait for a partial
// batch), decodes them and calls handle. On nil it acks the batch; on error
// it naks every message with a backoff delay (they are redelivered later) and
// logs. A message that cannot be decoded is terminated and logged. Several
// processes calling Consume with the same name share the work.
// Returns nil when ctx is cancelled; un-acked messages are then nak'ed so a
// restart gets them at once instead of after the ack wait.
func (b *Bus) Consume(ctx context.Context, name string, batchSize int, maxWait time.Duration, handle Handler) error {
	if batchSize <= 0 {
		batchSize = 100
	}
	return b.consume(ctx, name, fetchSpec{msgs: batchSize}, maxWait, handle)
}

// fetchSpec bounds one batch by messages or, when bytes > 0, by encoded
// size (at least one message): a store writer that is behind then gets
// large batches whatever the packing of the messages, and the memory of one
// batch stays bounded.
type fetchSpec struct{ msgs, bytes int }

// Bounds used for whichever of msgs/bytes the spec leaves open, and the
// prefetch buffer of the message iterator (twice a batch).
const (
	defaultBatchBytes = 8 << 20
	defaultBatchMsgs  = 1024
)

func (f fetchSpec) limits() (msgs, bytes int) {
	msgs, bytes = f.msgs, f.bytes
	if bytes <= 0 {
		bytes = defaultBatchBytes
	}
	if msgs <= 0 {
		msgs = defaultBatchMsgs
	}
	return msgs, bytes
}

func (b *Bus) consume(ctx context.Context, name string, spec fetchSpec, maxWait time.Duration, handle Handler) error {
	if maxWait <= 0 {
		maxWait = time.Second
	}
	log := b.log.With("consumer", name)
	var it jetstream.MessagesContext
	defer func() {
		if it != nil {
			it.Stop()
		}
	}()
	failures := 0
	for ctx.Err() == nil {
		if it == nil {
			var err error
			if it, err = b.iterator(ctx, name, spec); err != nil {
				failures++
				log.Warn("consumer setup failed", "err", err)
				sleep(ctx, min(backoff(failures), fetchRetryMax))
				continue
			}
		}
		err := b.batchOnce(ctx, it, spec, maxWait, handle, log)
		switch {
		case err == nil:
			failures = 0
		case ctx.Err() != nil:
		case errors.Is(err, jetstream.ErrMsgIteratorClosed), errors.Is(err, jetstream.ErrConsumerNotFound),
			errors.Is(err, jetstream.ErrConsumerDeleted):
			it.Stop()
			it = nil
			fallthrough
		default:
			failures++
			log.Warn("fetch failed", "err", err)
			sleep(ctx, min(backoff(failures), fetchRetryMax))
		}
	}
	return nil
}

// iterator creates or updates the durable consumer and opens a continuous
// pull on it. The iterator keeps pull requests open in the background (with
// heartbeats) and prefetches up to two batches, so a batch is gathered with
// local timers only: no request can expire on a slow machine before the
// server serves it.
func (b *Bus) iterator(ctx context.Context, name string, spec fetchSpec) (jetstream.MessagesContext, error) {
	cons, err := b.consumer(ctx, name)
	if err != nil {
		return nil, err
	}
	msgs, bytes := spec.limits()
	return cons.Messages(jetstream.PullMaxMessagesWithBytesLimit(2*msgs, 2*bytes))
}

// batchOnce waits for one message, gathers more for at most maxWait (up to
// the spec's limits), and handles them as one batch.
func (b *Bus) batchOnce(ctx context.Context, it jetstream.MessagesContext, spec fetchSpec, maxWait time.Duration,
	handle Handler, log *slog.Logger) error {
	first, err := it.Next(jetstream.NextContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	maxMsgs, maxBytes := spec.limits()
	msgs := []jetstream.Msg{first}
	size := len(first.Data())
	deadline := time.Now().Add(maxWait)
	for len(msgs) < maxMsgs && size < maxBytes {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		m, err := it.Next(jetstream.NextMaxWait(left))
		if err != nil {
			break // timeout, or a closed iterator the next round reports
		}
		msgs = append(msgs, m)
		size += len(m.Data())
	}
	return b.handleBatch(ctx, msgs, handle, log)
}

// handleBatch decodes msgs, calls handle, and acks or naks them.
func (b *Bus) handleBatch(ctx context.Context, in []jetstream.Msg, handle Handler, log *slog.Logger) error {
	var msgs []jetstream.Msg
	var evs []*event.Event
	for _, m := range in {
		n := len(evs)
		var err error
		if evs, err = event.DecodeBatch(evs, m.Data()); err != nil {
			evs = evs[:n]
			meta, _ := m.Metadata()
			var seq uint64
			if meta != nil {
				seq = meta.Sequence.Stream
			}
			log.Warn("undecodable event terminated", "seq", seq, "subject", m.Subject(), "err", err)
			_ = m.Term()
			continue
		}
		msgs = append(msgs, m)
	}
	if len(evs) == 0 {
		return nil
	}
	return settle(ctx, msgs, fmt.Sprintf("%d events", len(evs)), func() error { return handle(ctx, evs) })
}

// settle runs handle on a decoded batch, then acks every message, or naks
// them all (with a backoff by delivery count) when it fails; a failure
// because ctx ended naks at once and is not an error.
func settle(ctx context.Context, msgs []jetstream.Msg, what string, handle func() error) error {
	if err := handle(); err != nil {
		if ctx.Err() != nil {
			nakAll(msgs, 0)
			return nil
		}
		d := retryBase
		if meta, merr := msgs[0].Metadata(); merr == nil {
			d = backoff(int(meta.NumDelivered))
		}
		nakAll(msgs, d)
		return fmt.Errorf("handler failed on %s, retry in %s: %w", what, d, err)
	}
	for _, m := range msgs {
		if err := m.Ack(); err != nil {
			return fmt.Errorf("ack: %w", err)
		}
	}
	return nil
}

func nakAll(msgs []jetstream.Msg, delay time.Duration) {
	for _, m := range msgs {
		if delay > 0 {
			_ = m.NakWithDelay(delay)
		} else {
			_ = m.Nak()
		}
	}
}

// backoff returns retryBase·2^(n-1), capped at retryMax.
func backoff(n int) time.Duration {
	d := retryBase
	for i := 1; i < n && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Pending is the queue depth of the consumer: messages not yet delivered
// plus delivered but not yet acknowledged.
func (b *Bus) Pending(ctx context.Context, consumer string) (uint64, error) {
	c, err := b.evs.Consumer(ctx, consumer)
	if err != nil {
		return 0, fmt.Errorf("pipeline: consumer %s: %w", consumer, err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("pipeline: consumer %s info: %w", consumer, err)
	}
	return info.NumPending + uint64(info.NumAckPending), nil
}

// StreamInfo reports the number of messages and bytes in EVENTS.
func (b *Bus) StreamInfo(ctx context.Context) (msgs, bytes uint64, err error) {
	info, err := b.evs.Info(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("pipeline: stream info: %w", err)
	}
	return info.State.Msgs, info.State.Bytes, nil
}
