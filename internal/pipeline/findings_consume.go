package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-soc/vigil/internal/finding"
)

// FindingHandler processes a batch of findings in stream order. nil acks
// the batch; an error naks it for redelivery after a backoff.
type FindingHandler func(ctx context.Context, fs []finding.Finding) error

// findingsBatch is how many findings one handler call gets at most.
const findingsBatch = 256

// ConsumeFindings runs the durable pull consumer name on FINDINGS until ctx
// is done (the incident correlator). Messages that are not a finding are
// terminated and logged. Returns nil when ctx is cancelled.
func (b *Bus) ConsumeFindings(ctx context.Context, name string, handle FindingHandler) error {
	log := b.log.With("consumer", name)
	var cons jetstream.Consumer
	failures := 0
	for ctx.Err() == nil {
		if cons == nil {
			c, err := b.finds.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
				Durable: name, AckPolicy: jetstream.AckExplicitPolicy, AckWait: ackWait,
				MaxAckPending: maxAckPending, DeliverPolicy: jetstream.DeliverAllPolicy, MaxDeliver: -1,
			})
			if err != nil {
				failures++
				log.Warn("findings consumer setup failed", "err", err)
				sleep(ctx, min(backoff(failures), fetchRetryMax))
				continue
			}
			cons = c
		}
		batch, err := cons.Fetch(findingsBatch, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			failures++
			cons = nil
			log.Warn("findings fetch failed", "err", err)
			sleep(ctx, min(backoff(failures), fetchRetryMax))
			continue
		}
		var msgs []jetstream.Msg
		for m := range batch.Messages() {
			msgs = append(msgs, m)
		}
		if len(msgs) == 0 {
			continue
		}
		if err := b.handleFindings(ctx, msgs, handle); err != nil && ctx.Err() == nil {
			failures++
			log.Warn("findings handler failed", "err", err)
			continue
		}
		failures = 0
	}
	return nil
}

func (b *Bus) handleFindings(ctx context.Context, in []jetstream.Msg, handle FindingHandler) error {
	var msgs []jetstream.Msg
	var fs []finding.Finding
	for _, m := range in {
		var f finding.Finding
		if err := json.Unmarshal(m.Data(), &f); err != nil || f.ID == "" {
			b.log.Warn("undecodable finding terminated", "subject", m.Subject(), "err", err)
			_ = m.Term()
			continue
		}
		msgs = append(msgs, m)
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		return nil
	}
	return settle(ctx, msgs, fmt.Sprintf("%d findings", len(fs)), func() error { return handle(ctx, fs) })
}
