// Package respond is Vigil's automated response: YAML playbooks triggered by
// findings and incidents, action steps run through connectors (signed
// webhooks, SCIM, SMTP, NATS, syslog/CEF, tickets; package respond/action),
// approval gates with role, quorum and expiry, a dry-run mode, and the
// patient-safety guard that no playbook can switch off: an action aimed at a
// life-sustaining or clinical-critical device, at a clinician on an active
// shift, or taken on break-the-glass evidence is never executed
// automatically but waits for a human approval.
package respond

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// Subject is what a playbook runs on: a finding or an incident.
type Subject struct {
	Kind       string // "finding" or "incident"
	ID         string
	IncidentID string // the incident (for a finding: the one it belongs to, if known)
	Title      string
	Detectors  []string
	RuleIDs    []string
	Severity   finding.Severity
	Tags       []string
	Entities   []string // "kind:value", kind in user, host, ip, patient, device, email
	FindingIDs []string
	FirstEvent time.Time // time of the first evidence event (for MTTR)
	// BreakGlass marks evidence that is a break-the-glass access; the
	// engine also infers it from tags and rule ids (see isBreakGlass).
	BreakGlass bool
	// Evidence are the findings that made this call (for an incident: the
	// ones just added), with their own entities.
	Evidence []Evidence
	// Focus are the entities of the evidence that matched the running
	// playbook's trigger (set by the engine, see focused): the account a
	// takeover finding names, not every user the incident holds.
	Focus []string
}

// Evidence is one finding behind a subject.
type Evidence struct {
	Detector, RuleID string
	Entities         []string // "kind:value"
}

// entityKinds are the kinds of Subject.Entities (contracts §6).
var entityKinds = []string{"user", "host", "ip", "patient", "device", "email"}

// approverRoles are the roles holding actions:approve (internal/auth).
var approverRoles = []string{"responder", "clinical_engineering", "admin"}

// SubjectFromFinding builds the Subject of one finding.
func SubjectFromFinding(f finding.Finding) Subject {
	e := f.Entities
	var ents []string
	add := func(kind, v string) {
		if v != "" {
			ents = append(ents, kind+":"+v)
		}
	}
	add("user", e.User)
	add("host", e.Host)
	add("ip", e.SrcIP)
	add("ip", e.DstIP)
	add("patient", e.Patient)
	add("device", e.Device)
	add("email", e.Email)
	return Subject{Kind: "finding", ID: f.ID, Title: f.Title, Detectors: []string{f.Detector},
		RuleIDs: []string{f.RuleID}, Severity: f.Severity, Tags: f.Tags, Entities: ents,
		FindingIDs: []string{f.ID}, FirstEvent: f.Time}
}

// EntityValues returns the values of the subject's entities of kind, sorted
// and without duplicates.
func (s Subject) EntityValues(kind string) []string { return valuesOf(s.Entities, kind) }

// TargetValues are the values of kind among the Focus entities when there
// are any, else among all entities: what a playbook's inputs act on.
func (s Subject) TargetValues(kind string) []string {
	if vs := valuesOf(s.Focus, kind); len(vs) > 0 {
		return vs
	}
	return s.EntityValues(kind)
}

// valuesOf returns the distinct, sorted values of kind in ents.
func valuesOf(ents []string, kind string) []string {
	var out []string
	for _, e := range ents {
		k, v, ok := strings.Cut(e, ":")
		if ok && k == kind && !contains(out, v) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// IncidentLog records response activity on an incident's timeline
// (the lead adapts incident.Manager.AddTimeline to it).
type IncidentLog interface {
	Record(ctx context.Context, incidentID, kind, actor, text, ref string) error
}

// SafetyContext answers the patient-safety guard's questions from the
// hospital context (the lead adapts internal/hospital to it).
type SafetyContext interface {
	// AssetCriticality returns the tier (1 life-sustaining … 4 office) of
	// the asset with this asset_id, hostname, ip or mac.
	AssetCriticality(key string) (tier int, ok bool)
	// ActiveClinicalShift reports whether user is on an active clinical
	// shift with an open encounter at t, with a human-readable detail.
	ActiveClinicalShift(user string, t time.Time) (detail string, ok bool)
}

// Proposal is an action proposed by the AI analyst (or a person): it always
// becomes an approval request.
type Proposal struct {
	IncidentID string
	Action     string // action kind
	Connector  string // "" = the kind's default connector
	Params     map[string]string
	Reason     string
	Requester  string // who proposed it ("assist" for the AI analyst)
}

// SubjectFromIncident builds the Subject of an incident that was created or
// gained the findings added (the incident hook's arguments): detectors,
// rules and tags come from the added findings, so a playbook runs when a
// finding it cares about joins the incident; entities from the incident.
func SubjectFromIncident(inc store.Incident, added []finding.Finding) Subject {
	s := Subject{Kind: "incident", ID: inc.ID, IncidentID: inc.ID, Title: inc.Title, Severity: inc.Severity,
		Entities: inc.Entities, FindingIDs: inc.FindingIDs}
	for _, f := range added {
		s.Evidence = append(s.Evidence, Evidence{Detector: f.Detector, RuleID: f.RuleID,
			Entities: SubjectFromFinding(f).Entities})
		s.Detectors = appendNew(s.Detectors, f.Detector)
		s.RuleIDs = appendNew(s.RuleIDs, f.RuleID)
		for _, t := range f.Tags {
			s.Tags = appendNew(s.Tags, t)
		}
		if !f.Time.IsZero() && (s.FirstEvent.IsZero() || f.Time.Before(s.FirstEvent)) {
			s.FirstEvent = f.Time
		}
	}
	return s
}

func appendNew(list []string, v string) []string {
	if v == "" || contains(list, v) {
		return list
	}
	return append(list, v)
}
