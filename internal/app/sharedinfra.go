package app

import (
	"context"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/incident"
)

// sharedObserver feeds every event to the incident correlator's
// shared-infrastructure tracker. It runs as the first detector and never
// emits a finding. The tracker is not persisted: after a restart it
// relearns shared workstations and gateways from the next hours of
// telemetry, and the correlator's own finding-based hub counts (which are
// snapshotted) cover the gap.
type sharedObserver struct{ t *incident.SharedTracker }

func (sharedObserver) Name() string    { return "shared-infra" }
func (sharedObserver) Version() string { return "1" }

func (o sharedObserver) Detect(_ context.Context, ev *event.Event, _ func(finding.Finding)) {
	o.t.ObserveEvent(ev)
}

// withSharedTracker gives the configuration the tracker both the detectors
// (which feed it) and the incident correlator (which reads it) use. In a
// deployment split over several processes only the process holding the
// incidents lease and running detectors has a fed tracker; elsewhere the
// correlator judges shared infrastructure from findings alone.
func (c *Config) withSharedTracker() {
	if c.Incidents.shared == nil {
		c.Incidents.shared = incident.NewSharedTracker(0, c.Incidents.Window)
	}
}
