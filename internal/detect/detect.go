// Package detect defines the Detector contract and the Registry the pipeline
// runs on every event. Detectors are plugged in by an explicit constructor
// list in internal/app, never by init() side effects.
package detect

import (
	"context"
	"fmt"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// Detector inspects events and emits findings.
//
// Detect is called from one goroutine per detector at a time, in stream order
// of a partition; it must not retain ev or emit's argument after it returns
// unless it copies them. emit may be called any number of times. A finding's
// ID must be deterministic (see finding.DeriveID) so that replays do not
// duplicate it. Detect must return promptly when ctx is done.
type Detector interface {
	Name() string
	// Version changes whenever the detection logic changes, so stored
	// verdicts can be told apart.
	Version() string
	Detect(ctx context.Context, ev *event.Event, emit func(finding.Finding))
}

// Stateful detectors keep per-entity state that must survive a restart.
// Snapshot returns an opaque blob; Restore loads one produced by the same
// Version. Both are called between Detect calls, never concurrently with them.
type Stateful interface {
	Detector
	Snapshot() ([]byte, error)
	Restore([]byte) error
}

// Registry is an ordered, immutable set of detectors with unique names.
type Registry struct {
	detectors []Detector
}

// NewRegistry checks that names are unique and non-empty.
func NewRegistry(ds ...Detector) (*Registry, error) {
	seen := map[string]bool{}
	for _, d := range ds {
		n := d.Name()
		if n == "" || seen[n] {
			return nil, fmt.Errorf("detect: duplicate or empty detector name %q", n)
		}
		seen[n] = true
	}
	return &Registry{detectors: append([]Detector(nil), ds...)}, nil
}

// Detectors returns the detectors in registration order. Do not modify.
func (r *Registry) Detectors() []Detector { return r.detectors }

// Run passes ev to every detector and appends their findings to dst. A
// detector that panics is reported as an error finding-less run, never a crash
// of the pipeline.
func (r *Registry) Run(ctx context.Context, ev *event.Event, dst []finding.Finding) (out []finding.Finding, errs []error) {
	out = dst
	emit := func(f finding.Finding) { out = append(out, f) }
	for _, d := range r.detectors {
		if err := runOne(ctx, d, ev, emit); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errs
}

func runOne(ctx context.Context, d Detector, ev *event.Event, emit func(finding.Finding)) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("detector %s panicked on event %s: %v", d.Name(), ev.ID, p)
		}
	}()
	d.Detect(ctx, ev, emit)
	return nil
}
