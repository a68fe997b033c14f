package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/internal/pipeline"
)

// syslogSink batches syslog messages, decodes them and publishes them
// durably; undecodable ones go to the dead-letter stream. Syslog has no
// acknowledgement, so the batch is flushed at least every flushEvery.
type syslogSink struct {
	bus      *pipeline.Bus
	decoders *decode.Set
	log      *slog.Logger
	in       chan syslogMsg
	done     chan struct{}
	once     sync.Once
}

type syslogMsg struct {
	raw    []byte
	remote string
}

const (
	syslogBatch      = 1000
	syslogFlushEvery = 100 * time.Millisecond
)

func newSyslogSink(bus *pipeline.Bus, decoders *decode.Set, log *slog.Logger) *syslogSink {
	return &syslogSink{bus: bus, decoders: decoders, log: log,
		in: make(chan syslogMsg, 4*syslogBatch), done: make(chan struct{})}
}

// Syslog implements syslog.Sink. It blocks while the queue is full (TCP
// senders then feel backpressure) until ctx is done.
func (s *syslogSink) Syslog(ctx context.Context, msg []byte, remote string) {
	m := syslogMsg{raw: append([]byte(nil), msg...), remote: remote}
	select {
	case s.in <- m:
	case <-ctx.Done():
	case <-s.done:
	}
}

// run flushes batches until ctx is done, then flushes what is left.
func (s *syslogSink) run(ctx context.Context) {
	defer s.once.Do(func() { close(s.done) })
	tick := time.NewTicker(syslogFlushEvery)
	defer tick.Stop()
	batch := make([]syslogMsg, 0, syslogBatch)
	flush := func(fctx context.Context) {
		if len(batch) > 0 {
			s.publish(fctx, batch)
			batch = batch[:0]
		}
	}
	for {
		select {
		case m := <-s.in:
			batch = append(batch, m)
			if len(batch) == syslogBatch {
				flush(ctx)
			}
		case <-tick.C:
			flush(ctx)
		case <-ctx.Done():
			for {
				select {
				case m := <-s.in:
					batch = append(batch, m)
				default:
					fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					flush(fctx)
					cancel()
					return
				}
			}
		}
	}
}

func (s *syslogSink) publish(ctx context.Context, batch []syslogMsg) {
	now := time.Now().UTC()
	evs := make([]*event.Event, 0, len(batch))
	for _, m := range batch {
		ev := new(event.Event)
		if err := s.decoders.Decode(event.FormatSyslog, m.raw, ev); err != nil {
			dl := pipeline.DeadLetter{Time: now, Format: string(event.FormatSyslog),
				Source: "syslog " + m.remote, Reason: err.Error(), Raw: m.raw}
			if err := s.bus.PublishDLQ(ctx, dl); err != nil {
				s.log.Error("syslog dead letter lost", "err", err)
			}
			continue
		}
		ev.Ingested = now
		if ev.Time.IsZero() {
			ev.Time = now
		}
		evs = append(evs, ev)
	}
	if len(evs) == 0 {
		return
	}
	// Retry while the pipeline is overloaded: the sink's queue fills
	// meanwhile, so TCP senders feel backpressure (UDP datagrams overflow the
	// socket buffer instead, as UDP syslog always may).
	for attempt := 1; ; attempt++ {
		_, err := s.bus.Publish(ctx, evs)
		if err == nil {
			return
		}
		if !errors.Is(err, pipeline.ErrOverloaded) || attempt == syslogRetries || ctx.Err() != nil {
			s.log.Error("syslog batch not published", "events", len(evs), "attempts", attempt, "err", err)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
}

// syslogRetries is how often an overloaded publish is tried (waits 1+2+…s).
const syslogRetries = 6
