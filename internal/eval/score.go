package eval

import (
	"slices"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// Grace is how long after an instance's last event a detection still counts.
const Grace = time.Hour

// Action is one response action (GET /api/v1/actions).
type Action struct {
	ID          string    `json:"id"`
	IncidentID  string    `json:"incident_id"`
	FindingID   string    `json:"finding_id"`
	Playbook    string    `json:"playbook"`
	Step        string    `json:"step"`
	Action      string    `json:"action"`
	Target      string    `json:"target"`
	Status      string    `json:"status"`
	DryRun      bool      `json:"dry_run"`
	RequestedAt time.Time `json:"requested_at"`
	ExecutedAt  time.Time `json:"executed_at"`
	Error       string    `json:"error"`
	ApprovalID  string    `json:"approval_id,omitempty"` // set when the action waited for an approval
	// Gated is set by the caller when the action waited for an approval.
	Gated bool `json:"-"`
}

// Input is everything Score reads. Only Labels is required.
type Input struct {
	Labels    []Label
	Findings  []finding.Finding
	Incidents []store.Incident // nil: incident metrics are not available
	Actions   []Action         // nil: MTTR is not available
	// Ingested maps a label's event ids to their ingest times (for MTTR;
	// the earliest of an instance's events starts its clock).
	Ingested map[string]time.Time
	// Users and Days (manifest.json) scale false incidents; 0 = unknown.
	Users, Days int
	// BenignEHR lists the ids of benign EHR access events (auditevent.ndjson
	// minus labelled ones); nil = not available.
	BenignEHR map[string]bool
}

// Score computes the report.
func Score(in Input) Report {
	in.Incidents = withoutMerged(in.Incidents)
	r := Report{Labels: len(in.Labels), Findings: len(in.Findings)}
	byScenario := map[string]*ScenarioScore{}
	var evLat, wallLat []time.Duration
	fByID := make(map[string]*finding.Finding, len(in.Findings))
	for i := range in.Findings {
		fByID[in.Findings[i].ID] = &in.Findings[i]
	}
	spans := incidentSpans(in.Incidents, fByID)
	for _, l := range in.Labels {
		sc := byScenario[l.Scenario]
		if sc == nil {
			sc = &ScenarioScore{Scenario: l.Scenario}
			byScenario[l.Scenario] = sc
		}
		sc.Instances++
		first := firstFinding(l, in.Findings)
		incs := overlappingIncidents(l, in.Incidents, spans)
		if first == nil && len(incs) == 0 {
			sc.Missed = append(sc.Missed, l.ID)
			continue
		}
		sc.Detected++
		if first != nil {
			sc.Rules = addUnique(sc.Rules, first.Detector+"/"+first.RuleID)
			evLat = append(evLat, max(0, first.Time.Sub(l.Start)))
			if !first.IngestedAt.IsZero() && !first.Created.IsZero() {
				wallLat = append(wallLat, max(0, first.Created.Sub(first.IngestedAt)))
			}
		}
		if len(incs) > 0 {
			sc.ByIncident++
			r.addMTTR(l, incs, in)
		}
	}
	for _, n := range sortedKeys(byScenario) {
		sc := byScenario[n]
		sc.Recall = ratio(sc.Detected, sc.Instances)
		r.Scenarios = append(r.Scenarios, *sc)
		r.Detected += sc.Detected
	}
	r.Recall = ratio(r.Detected, r.Labels)
	r.LatencyEvent = summarize(evLat)
	r.LatencyWall = summarize(wallLat)
	r.findingPrecision(in)
	r.incidentPrecision(in, spans)
	r.benignShare(in)
	r.MTTRAuto = summarize(r.mttrAuto)
	r.MTTRGated = summarize(r.mttrGated)
	return r
}

// matches reports whether finding entities name one of the label's entities.
func matches(l Label, f *finding.Finding) bool {
	e, x := l.Entities, f.Entities
	eq := func(a, b string) bool { return a != "" && a == b }
	// Mail addresses compare without case: domains are case-insensitive
	// and mail systems treat local parts so too (a lookalike such as
	// mercyheaIth.org is seen as mercyheaith.org).
	return eq(e.User, x.User) || eq(e.Patient, x.Patient) || eq(e.Host, x.Host) || eq(e.Device, x.Device) ||
		e.Email != "" && strings.EqualFold(e.Email, x.Email) || eq(e.IP, x.SrcIP) || eq(e.IP, x.DstIP)
}

func inWindow(l Label, t time.Time) bool {
	return !t.Before(l.Start) && !t.After(l.End.Add(Grace))
}

// firstFinding is the earliest (event time) finding naming the instance.
func firstFinding(l Label, fs []finding.Finding) *finding.Finding {
	var best *finding.Finding
	for i := range fs {
		f := &fs[i]
		if inWindow(l, f.Time) && matches(l, f) && (best == nil || f.Time.Before(best.Time)) {
			best = f
		}
	}
	return best
}

// span is the event-time extent of an incident's findings, and those of its
// findings the input holds (nil: none known).
type span struct {
	from, to time.Time
	findings []*finding.Finding
}

func incidentSpans(incs []store.Incident, fByID map[string]*finding.Finding) []span {
	out := make([]span, len(incs))
	for i, inc := range incs {
		for _, id := range inc.FindingIDs {
			if f := fByID[id]; f != nil {
				out[i].findings = append(out[i].findings, f)
				if out[i].from.IsZero() || f.Time.Before(out[i].from) {
					out[i].from = f.Time
				}
				if f.Time.After(out[i].to) {
					out[i].to = f.Time
				}
			}
		}
		if out[i].from.IsZero() { // findings unknown: use the incident's own times
			out[i] = span{from: inc.Created, to: inc.Updated}
		}
	}
	return out
}

// labelKeys are the label's entities as incident entity strings.
func labelKeys(l Label) []string {
	var out []string
	add := func(kind, v string) {
		if v != "" {
			out = append(out, kind+":"+v)
		}
	}
	e := l.Entities
	add("user", e.User)
	add("patient", e.Patient)
	add("host", e.Host)
	add("ip", e.IP)
	add("device", e.Device)
	add("email", strings.ToLower(e.Email))
	return out
}

// overlaps reports whether the incident holds evidence of the instance: one
// of its findings names an entity of the instance within [start, end+1h]
// (the test recall uses). An incident whose findings are unknown (not in the
// input) falls back to its entity list and event-time span.
func overlaps(l Label, inc store.Incident, sp span) bool {
	if sp.findings != nil {
		for _, f := range sp.findings {
			if inWindow(l, f.Time) && matches(l, f) {
				return true
			}
		}
		return false
	}
	if sp.to.Before(l.Start) || sp.from.After(l.End.Add(Grace)) {
		return false
	}
	for _, k := range labelKeys(l) {
		if slices.Contains(inc.Entities, k) {
			return true
		}
	}
	return false
}

func overlappingIncidents(l Label, incs []store.Incident, spans []span) []int {
	var out []int
	for i := range incs {
		if overlaps(l, incs[i], spans[i]) {
			out = append(out, i)
		}
	}
	return out
}

func (r *Report) findingPrecision(in Input) {
	if len(in.Findings) == 0 {
		return
	}
	tp := 0
	for i := range in.Findings {
		for _, l := range in.Labels {
			if inWindow(l, in.Findings[i].Time) && matches(l, &in.Findings[i]) {
				tp++
				break
			}
		}
	}
	r.FindingPrecision = ptr(ratio(tp, len(in.Findings)))
}

// Grouping is how labelled instances map onto incidents (issue 6's figure:
// each instance in exactly one incident). An instance belongs to an
// incident that holds a finding naming one of its entities within
// [start, end+1h] (see overlaps).
type Grouping struct {
	Exact      int                 `json:"exact"`
	Fragmented []string            `json:"fragmented"`  // instances spread over several incidents
	NoIncident []string            `json:"no_incident"` // instances in none (maybe found by findings only)
	Mixed      map[string][]string `json:"mixed"`       // incident id -> the instances it holds, when > 1
}

func (r *Report) grouping(in Input, spans []span) {
	g := &Grouping{Fragmented: []string{}, NoIncident: []string{}, Mixed: map[string][]string{}}
	byInc := map[int][]string{}
	for _, l := range in.Labels {
		incs := overlappingIncidents(l, in.Incidents, spans)
		switch len(incs) {
		case 0:
			g.NoIncident = append(g.NoIncident, l.ID)
		case 1:
			g.Exact++
		default:
			g.Fragmented = append(g.Fragmented, l.ID)
		}
		for _, i := range incs {
			byInc[i] = append(byInc[i], l.ID)
		}
	}
	for i, ids := range byInc {
		if len(ids) > 1 {
			g.Mixed[in.Incidents[i].ID] = ids
		}
	}
	r.Grouping = g
}

func (r *Report) incidentPrecision(in Input, spans []span) {
	if in.Incidents == nil {
		return
	}
	r.grouping(in, spans)
	r.Incidents = ptr(len(in.Incidents))
	tp := 0
	for i, inc := range in.Incidents {
		for _, l := range in.Labels {
			if overlaps(l, inc, spans[i]) {
				tp++
				break
			}
		}
	}
	if len(in.Incidents) > 0 {
		r.IncidentPrecision = ptr(ratio(tp, len(in.Incidents)))
	}
	r.FalseIncidents = ptr(len(in.Incidents) - tp)
	if in.Users > 0 && in.Days > 0 {
		r.FalsePer100UserDays = ptr(float64(len(in.Incidents)-tp) / (float64(in.Users) / 100) / float64(in.Days))
	}
}

func (r *Report) benignShare(in Input) {
	if in.BenignEHR == nil {
		return
	}
	flagged := map[string]bool{}
	for _, f := range in.Findings {
		for _, id := range f.EventIDs {
			if in.BenignEHR[id] {
				flagged[id] = true
			}
		}
	}
	r.BenignEHR = ptr(len(in.BenignEHR))
	r.BenignEHRFlagged = ptr(len(flagged))
	if len(in.BenignEHR) > 0 {
		r.BenignEHRClean = ptr(1 - ratio(len(flagged), len(in.BenignEHR)))
	}
}

// containment names actions that contain an attack (not notifications).
var containment = []string{"disable", "lock", "block", "isolate", "quarantine", "revoke", "suspend", "reset", "terminate", "expire"}

func isContainment(a Action) bool {
	n := strings.ToLower(a.Action)
	for _, c := range containment {
		if strings.Contains(n, c) {
			return true
		}
	}
	return false
}

// addMTTR: time from the ingest of the instance's first event to the first
// succeeded containment action on an overlapping incident that acts on one
// of the instance's entities, executed after that ingest (an action before
// the attack began, or on another attacker's account, answered something
// else).
func (r *Report) addMTTR(l Label, incs []int, in Input) {
	if in.Actions == nil || len(l.EventIDs) == 0 {
		return
	}
	r.mttrKnown = true
	t0, ok := firstIngest(l, in.Ingested)
	if !ok {
		return
	}
	var best *Action
	for i := range in.Actions {
		a := &in.Actions[i]
		if a.Status != "succeeded" || a.DryRun || !isContainment(*a) || a.ExecutedAt.IsZero() ||
			a.ExecutedAt.Before(t0) || !targets(l, a.Target) {
			continue
		}
		for _, ii := range incs {
			if a.IncidentID == in.Incidents[ii].ID && (best == nil || a.ExecutedAt.Before(best.ExecutedAt)) {
				best = a
			}
		}
	}
	if best == nil {
		return
	}
	d := best.ExecutedAt.Sub(t0)
	if best.Gated {
		r.mttrGated = append(r.mttrGated, d)
	} else {
		r.mttrAuto = append(r.mttrAuto, d)
	}
}

// targets reports whether an action's target (kind:value) names one of the
// label's entities; an action without a target stands for its incident.
// A device may be named by asset id, hostname or address; a domain block
// by the domain of the label's sender.
func targets(l Label, target string) bool {
	if target == "" {
		return true
	}
	kind, v, _ := strings.Cut(target, ":")
	e := l.Entities
	is := func(xs ...string) bool {
		for _, x := range xs {
			if x != "" && strings.EqualFold(x, v) {
				return true
			}
		}
		return false
	}
	switch kind {
	case "user":
		return is(e.User)
	case "device", "host", "ip":
		return is(e.Device, e.Host, e.IP)
	case "email":
		return is(e.Email)
	case "domain":
		_, dom, ok := strings.Cut(e.Email, "@")
		return ok && is(dom)
	}
	return false
}

// firstIngest is the earliest ingest time of the label's events (their
// order in the label is generation order, not time order).
func firstIngest(l Label, ingested map[string]time.Time) (time.Time, bool) {
	var t0 time.Time
	for _, id := range l.EventIDs {
		if t, ok := ingested[id]; ok && (t0.IsZero() || t.Before(t0)) {
			t0 = t
		}
	}
	return t0, !t0.IsZero()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ptr[T any](v T) *T { return &v }

func addUnique(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// withoutMerged drops incidents merged into others: their findings are the
// survivor's now, and counting them would count one incident twice.
func withoutMerged(incs []store.Incident) []store.Incident {
	if incs == nil {
		return nil
	}
	out := make([]store.Incident, 0, len(incs))
	for _, inc := range incs {
		if inc.Status != "merged" {
			out = append(out, inc)
		}
	}
	return out
}
