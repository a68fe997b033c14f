package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-soc/vigil/internal/event"
)

// DeadLetter is a record that could not be decoded, parked on the DLQ stream
// with the reason so an operator can list, fix and replay or delete it.
type DeadLetter struct {
	Seq    uint64    `json:"-"`    // DLQ stream sequence; set by ListDLQ
	Time   time.Time `json:"time"` // when it was rejected [now]
	Format string    `json:"format,omitempty"`
	Source string    `json:"source,omitempty"` // listener / remote address / file name
	Reason string    `json:"reason"`           // the decoder's error (line, field)
	Raw    []byte    `json:"raw"`
}

// PublishDLQ stores dl on the DLQ stream and waits for the acknowledgement.
// The same (format, source, reason, raw) within the dedupe window is stored
// once, so a replayed file does not fill the DLQ twice.
func (b *Bus) PublishDLQ(ctx context.Context, dl DeadLetter) error {
	if dl.Time.IsZero() {
		dl.Time = time.Now().UTC()
	}
	data, err := json.Marshal(&dl)
	if err != nil {
		return fmt.Errorf("pipeline: dead letter: %w", err)
	}
	m := nats.NewMsg(b.n.dlqSubj)
	m.Data = data
	m.Header.Set(jetstream.MsgIDHeader,
		event.ContentID([]byte(dl.Format), []byte(dl.Source), []byte(dl.Reason), dl.Raw))
	if _, err := b.js.PublishMsg(ctx, m); err != nil {
		return classify(err)
	}
	return nil
}

// ListDLQ returns up to limit dead letters with a sequence above afterSeq,
// oldest first (pass the last Seq seen to page on). limit <= 0 means 100.
func (b *Bus) ListDLQ(ctx context.Context, afterSeq uint64, limit int) ([]DeadLetter, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []DeadLetter
	seq := afterSeq + 1
	for len(out) < limit {
		msg, err := b.dlq.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(b.n.dlqSubj))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("pipeline: dlq get after %d: %w", seq, err)
		}
		dl, err := decodeDeadLetter(msg.Data)
		if err != nil {
			return out, fmt.Errorf("pipeline: dlq seq %d: %w", msg.Sequence, err)
		}
		dl.Seq = msg.Sequence
		out = append(out, dl)
		seq = msg.Sequence + 1
	}
	return out, nil
}

// decodeDeadLetter parses the DLQ message body.
func decodeDeadLetter(data []byte) (DeadLetter, error) {
	var dl DeadLetter
	if err := json.Unmarshal(data, &dl); err != nil {
		return DeadLetter{}, fmt.Errorf("bad dead letter: %w", err)
	}
	return dl, nil
}

// DeleteDLQ removes the dead letter with that sequence (after a replay or
// when the operator discards it). A missing sequence is an error.
func (b *Bus) DeleteDLQ(ctx context.Context, seq uint64) error {
	if err := b.dlq.DeleteMsg(ctx, seq); err != nil {
		return fmt.Errorf("pipeline: dlq delete %d: %w", seq, err)
	}
	return nil
}
