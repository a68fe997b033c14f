package behavior

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// Name is the detector's name; rule ids are "behavior.<signal>".
const Name = "behavior"

// maxSkew is how far an event's time may lie ahead of its ingest time and
// still be analysed. One far-future timestamp would otherwise close every
// day of its user and, through the expiry sweep, drop all idle-looking state.
const maxSkew = 24 * time.Hour

// version changes whenever detection logic or the snapshot format changes.
const version = "2"

// Detector is the behavioural analytics detector. It is safe for concurrent
// use (one mutex guards all state; the pipeline calls it from one goroutine).
type Detector struct {
	cfg Config
	mu  sync.Mutex
	st  *state
	dir Directory
}

var _ detect.Stateful = (*Detector)(nil)

// New returns a detector with cfg (zero fields take their defaults).
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	return &Detector{cfg: cfg, st: newState(), dir: cfg.Directory}
}

// SetDirectory replaces the context the detector reads (nil: none). Safe to
// call while events flow; the wiring calls it when hospital context loads.
func (d *Detector) SetDirectory(dir Directory) {
	d.mu.Lock()
	d.dir = dir
	d.mu.Unlock()
}

// Name implements detect.Detector.
func (d *Detector) Name() string { return Name }

// Version implements detect.Detector.
func (d *Detector) Version() string { return version }

// Entities returns the number of entities (users, devices, sources, beacon
// pairs, peer groups) that currently hold state.
func (d *Detector) Entities() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st.size()
}

// Detect implements detect.Detector.
func (d *Detector) Detect(ctx context.Context, ev *event.Event, emit func(finding.Finding)) {
	if ctx.Err() != nil {
		return
	}
	t := ev.Time
	if t.IsZero() {
		t = ev.Ingested
	}
	if t.IsZero() {
		return // no time: no baseline can place it
	}
	if !ev.Ingested.IsZero() && t.Sub(ev.Ingested) > maxSkew {
		return // a clock far ahead must not move days forward and expire state
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.st.maybeEvict(&d.cfg, t)
	x := &evctx{d: d, ev: ev, t: t, emit: emit}
	if ev.Format == event.FormatFHIR {
		d.onEHR(x)
		return
	}
	if ev.Format == event.FormatWinFlat || ev.Format == event.FormatEvtxJSON {
		d.onWindows(x)
		return
	}
	ds, _ := ev.Get(event.FieldDataset)
	switch ds {
	case "auth":
		d.onAuth(x)
	case "network":
		d.onNetwork(x)
	case "proxy":
		d.onProxy(x)
	case "finance":
		d.onFinance(x)
	}
}

// evctx is one event being analysed.
type evctx struct {
	d          *Detector
	ev         *event.Event
	t          time.Time
	emit       func(finding.Finding)
	onlySource bool // findings name only the source ip
}

func (x *evctx) get(key string) string {
	v, _ := x.ev.Get(key)
	return v
}

func (x *evctx) num(key string) (float64, bool) {
	v, ok := x.ev.Get(key)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false // "NaN" and "Inf" parse, but are no measurement
	}
	return f, true
}

// day and hour numbers in the hospital's local time.
func (x *evctx) day() int32 {
	_, off := x.t.In(x.d.cfg.Location).Zone()
	return int32((x.t.Unix() + int64(off)) / 86400)
}

func (x *evctx) hourNo() int32 {
	_, off := x.t.In(x.d.cfg.Location).Zone()
	return int32((x.t.Unix() + int64(off)) / 3600)
}

// report is what a signal found; finish turns it into a Finding.
type report struct {
	rule        string
	title       string
	sev         finding.Severity
	conf        float64
	score       float64
	baseline    string
	evidence    []string
	techniques  []string
	tags        []string
	explanation string
}

func (x *evctx) report(r report) {
	ids := r.evidence
	if len(ids) == 0 {
		ids = []string{x.ev.ID}
	}
	if len(ids) > maxEvidence {
		ids = ids[len(ids)-maxEvidence:]
	}
	rule := Name + "." + r.rule
	tags := append([]string{"score:" + strconv.FormatFloat(r.score, 'f', 1, 64)}, r.tags...)
	if r.baseline != "" {
		tags = append(tags, "baseline:"+r.baseline)
	}
	x.emit(finding.Finding{
		ID:          finding.DeriveID(Name, rule, ids),
		Time:        x.t,
		Detector:    Name,
		RuleID:      rule,
		Title:       r.title,
		Severity:    r.sev,
		Confidence:  r.conf,
		Entities:    x.entities(),
		EventIDs:    ids,
		Techniques:  r.techniques,
		Tags:        tags,
		Explanation: fmt.Sprintf("%s Score %.1f; compared with %s.", r.explanation, r.score, orNone(r.baseline)),
		IngestedAt:  x.ev.Ingested,
	})
}

// entities are the keys a finding is joined on: the event's, without the
// patient (no behaviour signal is about one patient, and joining a mass
// access to the last patient opened would be wrong); for EHR audit events
// also without the host, which is the EHR system every access shares; for a
// password spray only the source (the accounts are its victims).
func (x *evctx) entities() event.Entities {
	e := x.ev.Entities
	e.Patient = ""
	if x.ev.Format == event.FormatFHIR {
		e.Host = ""
	}
	if x.onlySource {
		e = event.Entities{SrcIP: e.SrcIP}
	}
	return e
}

func orNone(s string) string {
	if s == "" {
		return "a fixed rule (no baseline)"
	}
	return s
}

// who names a user for explanations: "jdoe42 (nurse, Oncology)".
func (d *Detector) who(user string) string {
	if d.dir != nil {
		if role, dept, ok := d.dir.UserGroup(user); ok {
			return fmt.Sprintf("%q (%s, %s)", user, role, dept)
		}
	}
	return fmt.Sprintf("%q", user)
}
