// Package incident turns findings into incidents: a correlator groups
// findings by shared entities (user, host, ip, patient, device, email sender)
// within a window of event time, with risk-based scoring (severity ×
// confidence, decaying with a half-life); a Manager persists incidents in the
// store with their lifecycle (new → investigating → contained → resolved |
// false_positive), assignee, notes, SLA due time, merge and split, and a
// timeline, and runs the correlator as a durable consumer of the FINDINGS
// stream. docs/incidents.md describes the scoring and its parameters.
package incident

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
)

// Statuses. Merged is terminal: the incident lives on in MergedInto.
const (
	StatusNew           = "new"
	StatusInvestigating = "investigating"
	StatusContained     = "contained"
	StatusResolved      = "resolved"
	StatusFalsePositive = "false_positive"
	StatusMerged        = "merged"
)

// transitions lists the allowed status changes.
var transitions = map[string][]string{
	StatusNew:           {StatusInvestigating, StatusContained, StatusFalsePositive},
	StatusInvestigating: {StatusContained, StatusResolved, StatusFalsePositive},
	StatusContained:     {StatusInvestigating, StatusResolved},
	StatusResolved:      {StatusInvestigating},
	StatusFalsePositive: {StatusInvestigating},
}

// Closed reports whether an incident in status s takes no new findings.
func Closed(s string) bool {
	return s == StatusResolved || s == StatusFalsePositive || s == StatusMerged
}

// ValidStatus reports whether s is a status an analyst may set.
func ValidStatus(s string) bool {
	_, ok := transitions[s]
	return ok
}

// CheckTransition returns a *ConflictError when from → to is not allowed.
func CheckTransition(from, to string) error {
	if from == to {
		return nil
	}
	if !ValidStatus(to) {
		return &InvalidError{Msg: fmt.Sprintf("unknown status %q (valid: new, investigating, contained, resolved, false_positive)", to)}
	}
	if !slices.Contains(transitions[from], to) {
		return &ConflictError{Msg: fmt.Sprintf("status %s cannot change to %s (allowed: %v)", from, to, transitions[from])}
	}
	return nil
}

// ConflictError is a request that conflicts with the incident's state
// (HTTP 409).
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

// Conflict marks the error for the API.
func (e *ConflictError) Conflict() bool { return true }

// InvalidError is a malformed request (HTTP 422).
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// Invalid marks the error for the API.
func (e *InvalidError) Invalid() bool { return true }

// SLA is the time from an incident's creation by which it should be
// contained, by severity (docs/incidents.md).
var SLA = map[finding.Severity]time.Duration{
	finding.SeverityCritical: time.Hour,
	finding.SeverityHigh:     4 * time.Hour,
	finding.SeverityMedium:   24 * time.Hour,
	finding.SeverityLow:      72 * time.Hour,
	finding.SeverityInfo:     7 * 24 * time.Hour,
}

// TimelineEntry is one line of an incident's timeline.
type TimelineEntry struct {
	Time  time.Time `json:"time"`
	Kind  string    `json:"kind"` // finding, event, action, approval, note, status, assign, severity, merge, split, flag
	Actor string    `json:"actor,omitempty"`
	Text  string    `json:"text"`
	Ref   string    `json:"ref,omitempty"` // finding, event, action or incident id
}

// maxTimeline bounds the timeline kept in an incident; the oldest event
// entries, then finding entries, are dropped first (the findings stay in
// FindingIDs, their events in the findings).
const maxTimeline = 2000

// Doc is the incident package's JSON document in store.Incident.Data.
type Doc struct {
	Risk           float64         `json:"risk"`
	FirstEvent     time.Time       `json:"first_event"`
	LastEvent      time.Time       `json:"last_event"`
	SLADue         time.Time       `json:"sla_due"`
	SeverityManual bool            `json:"severity_manual,omitempty"`
	MergedInto     string          `json:"merged_into,omitempty"`
	SplitFrom      string          `json:"split_from,omitempty"`
	Detectors      []string        `json:"detectors,omitempty"`
	RuleIDs        []string        `json:"rule_ids,omitempty"`
	Techniques     []string        `json:"attack_techniques,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	Timeline       []TimelineEntry `json:"timeline"`
	TimelineDrops  int             `json:"timeline_dropped,omitempty"`
}

// ParseDoc decodes an incident's Data (empty data gives an empty Doc).
func ParseDoc(data []byte) (Doc, error) {
	var d Doc
	if len(data) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("incident data: %w", err)
	}
	return d, nil
}

func (d *Doc) addTimeline(e TimelineEntry) { d.Timeline = append(d.Timeline, e) }

// trim keeps at most maxTimeline entries, dropping the oldest event
// entries first, then the oldest finding entries, then the oldest of all.
func (d *Doc) trim() {
	excess := len(d.Timeline) - maxTimeline
	if excess <= 0 {
		return
	}
	d.TimelineDrops += excess
	for _, kind := range []string{"event", "finding", ""} {
		d.Timeline = slices.DeleteFunc(d.Timeline, func(e TimelineEntry) bool {
			if excess > 0 && (kind == "" || e.Kind == kind) {
				excess--
				return true
			}
			return false
		})
	}
}

func addUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	slices.Sort(list)
	return list
}
