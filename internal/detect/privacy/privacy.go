// Package privacy is the EHR privacy detector "privacy": for every access to
// a patient record in the EHR audit log (FHIR AuditEvent: read, search,
// export, break-the-glass) it looks for a legitimate reason — the user took
// part in an encounter, is on the care team, works in the department of a
// current or recent encounter, belongs to a collaborative group or consult
// pattern learned from the log, handles the patient's diagnosis, or works in
// a records role within its volume norm — and for suspicious relationships:
// coworker, family or household, neighbour, VIP / restricted record,
// deceased patient, self-access, break-the-glass without later care,
// access after termination, name search then open, unknown identity. An
// unexplained access with a flag becomes a finding a privacy officer can
// read. Hospital context comes from internal/hospital through a getter, so
// imports swap in live.
package privacy

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/hospital"
)

// Name is the detector name.
const Name = "privacy"

// Config holds the detector's parameters; zero values take the defaults
// documented in docs/privacy.md.
type Config struct {
	// Context returns the current hospital context (nil = none known).
	Context func() *hospital.Context
	// EncounterWindow: an encounter or care team within ±this of the access
	// explains it (default 30 days).
	EncounterWindow time.Duration
	// NeighborMeters: homes within this distance are neighbours (default 500).
	NeighborMeters float64
	// BTGFollowUp: a break-the-glass access needs a care relationship within
	// this time after it (default 24 h).
	BTGFollowUp time.Duration
	// NameSearchWindow: a record opened within this time after a name
	// search matching the patient counts as found by name (default 1 h).
	NameSearchWindow time.Duration
	// CollabWindow: a collaborator's access to the same patient within this
	// time explains an access (default 7 days).
	CollabWindow time.Duration
	// CollabMinShared: co-accesses of distinct patients that make two users
	// collaborators (default 3).
	CollabMinShared int
	// ConsultMinCount and ConsultMinShare: a department's accesses to
	// patients of another department form a consult pattern when at least
	// this many and this share of the department's accesses (20, 0.05).
	ConsultMinCount int
	ConsultMinShare float64
	// DiagnosisMinCount: explained accesses by a department to patients
	// with a diagnosis that make it responsible for it (default 5).
	DiagnosisMinCount int
	// RestrictedCareWindow: for a restricted (meta.security R/V) record, a
	// learned explanation (collaboration, consult, diagnosis) holds only
	// while the patient is under care: an encounter in progress or within
	// this time of the access (default 24 h).
	RestrictedCareWindow time.Duration
	// RoleDailyNorm: distinct patients a day that HIM, billing, coding and
	// registration users may open on their role alone (default 250) — the
	// floor of the norm learned per role from completed user-days
	// (rolenorm.go).
	RoleDailyNorm int
	// MaxUsers, MaxPatients bound the per-entity state (50,000 / 200,000).
	MaxUsers, MaxPatients int
	// Now is the wall clock (nil = time.Now).
	Now func() time.Time
}

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(d *int, v int) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.EncounterWindow, 30*24*time.Hour)
	def(&c.RestrictedCareWindow, 24*time.Hour)
	def(&c.BTGFollowUp, 24*time.Hour)
	def(&c.NameSearchWindow, time.Hour)
	def(&c.CollabWindow, 7*24*time.Hour)
	if c.NeighborMeters <= 0 {
		c.NeighborMeters = 500
	}
	if c.ConsultMinShare <= 0 {
		c.ConsultMinShare = 0.05
	}
	defInt(&c.CollabMinShared, 3)
	defInt(&c.ConsultMinCount, 20)
	defInt(&c.DiagnosisMinCount, 5)
	defInt(&c.RoleDailyNorm, 250)
	defInt(&c.MaxUsers, 50_000)
	defInt(&c.MaxPatients, 200_000)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Context == nil {
		c.Context = func() *hospital.Context { return nil }
	}
}

// Stats counts accesses by outcome; Explained / Accesses is the explained share.
type Stats struct {
	Accesses  uint64 `json:"accesses"`
	Explained uint64 `json:"explained"`
	Flagged   uint64 `json:"flagged"`               // unexplained with a flag (a finding, or a duplicate of one today)
	Unflagged uint64 `json:"unexplained_unflagged"` // unexplained and unflagged
	Findings  uint64 `json:"findings"`
}

// Detector is the privacy detector. Detect is called from one goroutine at
// a time (detect.Detector); Stats may be read concurrently.
type Detector struct {
	cfg   Config
	st    *state
	stats struct{ accesses, explained, flagged, unflagged, findings atomic.Uint64 }
	last  decision // of the latest access, for tests
}

// decision is what the detector concluded about one access.
type decision struct {
	why   why
	flags flag
}

var _ detect.Stateful = (*Detector)(nil)

// New returns a detector.
func New(cfg Config) *Detector {
	cfg.setDefaults()
	return &Detector{cfg: cfg, st: newState()}
}

// Name implements detect.Detector.
func (*Detector) Name() string { return Name }

// Version implements detect.Detector.
func (*Detector) Version() string { return "2" }

// Stats returns the access counters.
func (d *Detector) Stats() Stats {
	return Stats{Accesses: d.stats.accesses.Load(), Explained: d.stats.explained.Load(),
		Flagged: d.stats.flagged.Load(), Unflagged: d.stats.unflagged.Load(), Findings: d.stats.findings.Load()}
}

// Detect implements detect.Detector.
func (d *Detector) Detect(_ context.Context, ev *event.Event, emit func(finding.Finding)) {
	if ev.Format != event.FormatFHIR || ev.Entities.User == "" {
		return
	}
	cx := d.cfg.Context()
	if cx.Version() == "" {
		return // no context imported yet: nothing to judge against
	}
	d.expireBTG(cx, ev.Time, emit)
	action, _ := ev.Get(event.FieldAction)
	switch action {
	case "read", "search", "export", "break-the-glass":
	default:
		return
	}
	if out, _ := ev.Get(event.FieldOutcome); out == "failure" {
		return
	}
	if action == "search" {
		d.noteSearch(ev)
	}
	if ev.Entities.Patient == "" {
		return
	}
	d.access(cx, ev, action, emit)
}
