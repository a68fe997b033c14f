package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigil-soc/vigil/internal/api"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/pipeline"
)

// busAdapter presents the pipeline to the API in the API's own terms.
type busAdapter struct{ bus *pipeline.Bus }

var (
	_ api.Publisher   = busAdapter{}
	_ api.DeadLetters = busAdapter{}
)

func mapOverload(err error) error {
	if errors.Is(err, pipeline.ErrOverloaded) {
		return fmt.Errorf("%w: %w", api.ErrOverloaded, err)
	}
	return err
}

func (a busAdapter) Publish(ctx context.Context, evs []*event.Event) (int, error) {
	n, err := a.bus.Publish(ctx, evs)
	return n, mapOverload(err)
}

func (a busAdapter) PublishDLQ(ctx context.Context, dl api.DeadLetter) error {
	return mapOverload(a.bus.PublishDLQ(ctx, pipeline.DeadLetter{
		Time: dl.Time, Format: dl.Format, Source: dl.Source, Reason: dl.Reason, Raw: dl.Raw}))
}

func (a busAdapter) ListDLQ(ctx context.Context, after uint64, limit int) ([]api.DeadLetter, error) {
	dls, err := a.bus.ListDLQ(ctx, after, limit)
	out := make([]api.DeadLetter, len(dls))
	for i, d := range dls {
		out[i] = api.DeadLetter{Seq: d.Seq, Time: d.Time, Format: d.Format, Source: d.Source, Reason: d.Reason, Raw: d.Raw}
	}
	return out, err
}

func (a busAdapter) DeleteDLQ(ctx context.Context, seq uint64) error {
	return a.bus.DeleteDLQ(ctx, seq)
}
