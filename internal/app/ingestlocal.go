package app

import (
	"context"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/internal/pipeline"
)

// localSink decodes lines itself and publishes them straight into a data
// directory's JetStream (used by `vigil ingest --data` when no server runs).
type localSink struct {
	bus      *pipeline.Bus
	decoders *decode.Set
	format   event.Format
	source   string
}

func (s *localSink) send(ctx context.Context, file string, firstLine int, lines [][]byte) (IngestResult, []Rejection, error) {
	now := time.Now().UTC()
	var res IngestResult
	var rej []Rejection
	evs := make([]*event.Event, 0, len(lines))
	for i, line := range lines {
		if len(trimSpace(line)) == 0 {
			continue
		}
		ev := new(event.Event)
		if err := s.decoders.Decode(s.format, line, ev); err != nil {
			res.Rejected++
			rej = append(rej, Rejection{File: file, Line: firstLine + i, Error: err.Error()})
			dl := pipeline.DeadLetter{Time: now, Format: string(s.format), Source: s.source, Reason: err.Error(), Raw: line}
			if err := s.bus.PublishDLQ(ctx, dl); err != nil {
				return res, rej, err
			}
			continue
		}
		ev.Ingested = now
		if ev.Time.IsZero() {
			ev.Time = now
		}
		evs = append(evs, ev)
	}
	dups, err := s.bus.Publish(ctx, evs)
	if err != nil {
		return res, rej, err
	}
	res.Accepted = len(evs) // durable, duplicates included (as the API counts)
	res.Duplicates = dups
	return res, rej, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}
