package assist

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/store"
)

// Evidence bounds.
const (
	maxFindings = 200
	maxEvents   = 200
)

// InvalidError is a bad request (HTTP 422).
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// Invalid marks the error for the API.
func (e *InvalidError) Invalid() bool { return true }

// gatherIncident loads an incident, its findings and their evidence events.
func gatherIncident(ctx context.Context, src Source, id string) (*Evidence, error) {
	inc, err := src.GetIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	doc, err := incident.ParseDoc(inc.Data)
	if err != nil {
		return nil, err
	}
	ev := &Evidence{Incident: &inc, Doc: doc}
	for _, fid := range inc.FindingIDs {
		if len(ev.Findings) == maxFindings {
			break
		}
		f, err := src.GetFinding(ctx, fid)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ev.Findings = append(ev.Findings, f)
	}
	return ev, loadEvents(ctx, src, ev)
}

// gatherEntity loads the newest findings about an entity ("kind:value").
func gatherEntity(ctx context.Context, src Source, entity string) (*Evidence, error) {
	_, value, ok := strings.Cut(entity, ":")
	if !ok || value == "" {
		return nil, &InvalidError{Msg: "entity must be kind:value"}
	}
	page, err := src.ListFindings(ctx, store.FindingQuery{Entity: value, Limit: maxFindings})
	if err != nil {
		return nil, err
	}
	ev := &Evidence{Entity: entity, Findings: page.Findings}
	return ev, loadEvents(ctx, src, ev)
}

func loadEvents(ctx context.Context, src Source, ev *Evidence) error {
	seen := map[string]bool{}
	for _, f := range ev.Findings {
		for _, id := range f.EventIDs {
			if seen[id] || len(ev.Events) == maxEvents {
				continue
			}
			seen[id] = true
			e, err := src.GetEvent(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("evidence event %s: %w", id, err)
			}
			ev.Events = append(ev.Events, e)
		}
	}
	return nil
}

// scanEvidence runs the injection detector over every event's fields and
// raw record and every finding's text.
func scanEvidence(ev *Evidence) {
	for _, e := range ev.Events {
		for _, r := range scanEvent(e) {
			ev.Injections = append(ev.Injections, Injection{Source: e.ID, Reason: r})
		}
	}
	for _, f := range ev.Findings {
		for _, r := range ScanText(f.Title + "\n" + f.Explanation) {
			ev.Injections = append(ev.Injections, Injection{Source: f.ID, Reason: r})
		}
	}
}

func scanEvent(e *event.Event) []string {
	var b strings.Builder
	for _, f := range e.Fields {
		b.WriteString(f.Value)
		b.WriteByte('\n')
	}
	reasons := ScanText(b.String())
	if len(e.Raw) > 0 {
		reasons = append(reasons, ScanText(string(e.Raw))...)
	}
	return dedupe(reasons)
}

// ids returns the set of finding and event ids in the evidence.
func (ev *Evidence) ids() map[string]bool {
	out := map[string]bool{}
	for _, f := range ev.Findings {
		out[f.ID] = true
	}
	for _, e := range ev.Events {
		out[e.ID] = true
	}
	return out
}

func minT(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxT(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
