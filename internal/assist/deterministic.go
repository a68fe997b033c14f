package assist

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/internal/finding"
)

// Deterministic is the offline analyst: templates filled from the
// evidence. The same evidence always gives the same answer.
type Deterministic struct{}

// Name is "deterministic".
func (Deterministic) Name() string { return "deterministic" }

// maxFindingStatements bounds the per-finding statements.
const maxFindingStatements = 25

// Analyze writes the summary, one statement per finding (most severe
// first), the likely ATT&CK tactics, the patient/PHI impact and next steps.
func (Deterministic) Analyze(_ context.Context, ev *Evidence) (Answer, error) {
	a := Answer{Analyst: "deterministic", Statements: []Statement{}, Recommendations: []Recommendation{}, Flags: []string{}}
	fs := slices.Clone(ev.Findings)
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Severity.Rank() != fs[j].Severity.Rank() {
			return fs[i].Severity.Rank() > fs[j].Severity.Rank()
		}
		return fs[i].Time.Before(fs[j].Time)
	})
	a.Summary = summaryLine(ev, fs)
	known := ev.ids()
	for i := range fs {
		if i == maxFindingStatements {
			a.Notes = append(a.Notes, fmt.Sprintf("%d more findings not described", len(fs)-i))
			break
		}
		a.Statements = append(a.Statements, findingStatement(&fs[i], known))
	}
	if st, ok := tacticsStatement(fs); ok {
		a.Statements = append(a.Statements, st)
	}
	if st, ok := impactStatement(fs); ok {
		a.Statements = append(a.Statements, st)
	}
	a.Statements = append(a.Statements, clinicalDeviceStatements(ev, fs)...)
	a.Recommendations = recommend(ev, fs)
	if ev.Question != "" {
		a.Notes = append(a.Notes, "the deterministic analyst does not interpret free-form questions; this is its evidence summary")
	}
	return a, nil
}

func summaryLine(ev *Evidence, fs []finding.Finding) string {
	if len(fs) == 0 {
		if ev.Incident != nil {
			return fmt.Sprintf("Incident %s has no stored findings to describe.", ev.Incident.ID)
		}
		return fmt.Sprintf("No findings about %s.", ev.Entity)
	}
	first, last := fs[0].Time, fs[0].Time
	var dets []string
	for _, f := range fs {
		first, last = minT(first, f.Time), maxT(last, f.Time)
		if !slices.Contains(dets, f.Detector) {
			dets = append(dets, f.Detector)
		}
	}
	slices.Sort(dets)
	subject := ev.Entity
	head := ""
	if ev.Incident != nil {
		head = fmt.Sprintf("Incident %s (%s, %s): ", ev.Incident.ID, ev.Incident.Severity, ev.Incident.Status)
		subject = strings.Join(ev.Incident.Entities, ", ")
	}
	return fmt.Sprintf("%s%d finding(s) from %s between %s and %s involving %s; most severe: %s.",
		head, len(fs), strings.Join(dets, ", "), first.UTC().Format("2006-01-02 15:04Z"),
		last.UTC().Format("2006-01-02 15:04Z"), subject, fs[0].Title)
}

func findingStatement(f *finding.Finding, known map[string]bool) Statement {
	cites := []string{f.ID}
	for _, id := range f.EventIDs {
		if known[id] && len(cites) < 6 {
			cites = append(cites, id)
		}
	}
	var ents []string
	for _, e := range []struct{ k, v string }{{"user", f.Entities.User}, {"host", f.Entities.Host}, {"ip", f.Entities.SrcIP},
		{"patient", f.Entities.Patient}, {"device", f.Entities.Device}, {"email", f.Entities.Email}} {
		if e.v != "" {
			ents = append(ents, e.k+" "+e.v)
		}
	}
	text := fmt.Sprintf("%s: %s reported %q (%s, confidence %.2f)", f.Time.UTC().Format("2006-01-02 15:04:05Z"),
		f.Detector, f.Title, f.Severity, f.Confidence)
	if len(ents) > 0 {
		text += " for " + strings.Join(ents, ", ")
	}
	return Statement{Text: text + ".", Citations: cites}
}

func tacticsStatement(fs []finding.Finding) (Statement, bool) {
	byTactic := map[string][]string{}
	var cites []string
	for _, f := range fs {
		for _, s := range append(slices.Clone(f.Techniques), f.Tags...) {
			t := tacticOf(s)
			if t == "" {
				continue
			}
			if strings.HasPrefix(strings.ToUpper(s), "T") && !slices.Contains(byTactic[t], s) {
				byTactic[t] = append(byTactic[t], s)
			} else if byTactic[t] == nil {
				byTactic[t] = []string{}
			}
			if !slices.Contains(cites, f.ID) {
				cites = append(cites, f.ID)
			}
		}
	}
	if len(byTactic) == 0 {
		return Statement{}, false
	}
	names := make([]string, 0, len(byTactic))
	for t := range byTactic {
		names = append(names, t)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, t := range names {
		parts[i] = t
		if len(byTactic[t]) > 0 {
			parts[i] += " (" + strings.Join(byTactic[t], ", ") + ")"
		}
	}
	return Statement{Text: "Likely ATT&CK tactics: " + strings.Join(parts, "; ") + ".", Citations: cites}, true
}

func impactStatement(fs []finding.Finding) (Statement, bool) {
	var patients, cites []string
	phi := false
	for _, f := range fs {
		touches := f.Entities.Patient != "" || f.Detector == "privacy" || strings.HasPrefix(f.RuleID, "behavior.export") ||
			f.RuleID == "behavior.mass-access" || f.RuleID == "behavior.fhir-enumeration" || f.RuleID == "behavior.genai-upload"
		if !touches {
			continue
		}
		phi = true
		cites = append(cites, f.ID)
		if p := f.Entities.Patient; p != "" && !slices.Contains(patients, p) {
			patients = append(patients, p)
		}
	}
	if !phi {
		return Statement{}, false
	}
	text := "Patient data is involved: protected health information may have been accessed or disclosed"
	if len(patients) > 0 {
		text += fmt.Sprintf(" (%d patient record(s) named in the findings)", len(patients))
	}
	return Statement{Text: text + "; a privacy review under the breach-notification rules is needed.", Citations: cites}, true
}

// recommend derives next steps from the detectors and entities involved.
func recommend(ev *Evidence, fs []finding.Finding) []Recommendation {
	var out []Recommendation
	add := func(text string, pa *ProposedAction) {
		if !slices.ContainsFunc(out, func(r Recommendation) bool { return r.Text == text }) {
			out = append(out, Recommendation{Text: text, ProposedAction: pa})
		}
	}
	for _, f := range fs {
		user, dev := f.Entities.User, firstNonEmpty(f.Entities.Device, f.Entities.Host)
		switch {
		case f.Detector == "privacy":
			add("Notify the privacy officer with the cited evidence and review the user's access history.",
				&ProposedAction{Action: "notify_privacy_officer", Params: map[string]string{"user": user}, Reason: f.Title})
		case strings.Contains(f.RuleID, "beaconing") || strings.Contains(f.RuleID, "lateral"):
			add("Confirm with clinical engineering whether device "+dev+" is in patient use before isolating it.",
				&ProposedAction{Action: "isolate_device", Params: map[string]string{"device": dev}, Reason: f.Title})
		case f.Detector == "phish":
			add("Block the sender domain and search mailboxes for the same message.",
				&ProposedAction{Action: "block_sender", Params: map[string]string{"email": f.Entities.Email}, Reason: f.Title})
		case strings.Contains(f.RuleID, "bank-change"):
			add("Hold the bank-detail change until a call-back to a known number verifies it.",
				&ProposedAction{Action: "hold_payment_change", Params: map[string]string{"user": user}, Reason: f.Title})
		case user != "" && (strings.Contains(f.RuleID, "mfa") || strings.Contains(f.RuleID, "travel") ||
			strings.Contains(f.RuleID, "country") || strings.Contains(f.RuleID, "spray")):
			add("Verify with "+user+" out of band; if not them, suspend the sessions and reset credentials.",
				&ProposedAction{Action: "suspend_sessions", Params: map[string]string{"user": user}, Reason: f.Title})
		}
	}
	add("Review the cited events and set the incident's status and assignee.", nil)
	return out
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// tierNames name the asset criticality tiers of assets.csv.
var tierNames = map[string]string{"1": "life-sustaining", "2": "clinical-critical"}

// clinicalDeviceStatements warn about tier 1–2 devices among the evidence:
// containing them can interrupt care.
func clinicalDeviceStatements(ev *Evidence, fs []finding.Finding) []Statement {
	var out []Statement
	keys := make([]string, 0, len(ev.Assets))
	for k := range ev.Assets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		info := ev.Assets[key]
		tier := tierNames[info["criticality"]]
		if tier == "" {
			continue
		}
		var cites []string
		for _, f := range fs {
			if f.Entities.Device == key || f.Entities.Host == key || f.Entities.SrcIP == key {
				cites = append(cites, f.ID)
			}
		}
		out = append(out, Statement{Text: fmt.Sprintf("%s is a %s device (criticality tier %s: %s, %s): "+
			"any containment must be approved by clinical engineering and must not interrupt patient care.",
			key, tier, info["criticality"], firstNonEmpty(info["kind"], "device"), firstNonEmpty(info["department"], "unknown department")),
			Citations: cites})
	}
	return out
}
