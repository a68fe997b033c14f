package sim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Instance is one planted attack and its ground truth: one line of
// labels.jsonl.
type Instance struct {
	Scenario string            `json:"scenario"`
	ID       string            `json:"instance_id"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	Entities LabelEntities     `json:"entities"`
	EventIDs []string          `json:"event_ids"`
	Params   map[string]string `json:"params,omitempty"`

	day int
	r   *rand.Rand
	run func(*dayGen, *Instance)
}

// LabelEntities are the entity values the attack's events carry, spelled as
// in the events (user_id, pat-… id, hostname, ip, asset_id, sender address).
type LabelEntities struct {
	User    string `json:"user,omitempty"`
	Patient string `json:"patient,omitempty"`
	Host    string `json:"host,omitempty"`
	IP      string `json:"ip,omitempty"`
	Device  string `json:"device,omitempty"`
	Email   string `json:"email,omitempty"`
}

// scenario is a named attack generator.
type scenario struct {
	name string
	doc  string
	gen  func(g *dayGen, in *Instance)
}

// scenarios in canonical order (contracts.md §3).
var scenarios = []scenario{
	{"snoop-coworker", "a clinician opens the chart of a coworker who is a patient, without an encounter", genSnoopCoworker},
	{"snoop-family", "a staff member opens the chart of a relative (RelatedPerson; same surname and address)", genSnoopFamily},
	{"snoop-neighbor", "a staff member opens the chart of a patient living within ~100 m of their home", genSnoopNeighbor},
	{"snoop-vip", "a staff member opens a very-restricted (meta.security V) patient's chart without an encounter", genSnoopVIP},
	{"snoop-deceased", "a staff member opens the chart of a patient who died before the window", genSnoopDeceased},
	{"self-access", "a staff member opens their own chart", genSelfAccess},
	{"mass-access", "a clinician opens ~10× their usual number of distinct charts in a few hours", genMassAccess},
	{"bulk-export", "a person (not a service account) runs FHIR bulk exports", genBulkExport},
	{"btg-misuse", "break-the-glass on restricted patients by a user with no encounter or ED role", genBTGMisuse},
	{"compromised-account", "login from a new country (impossible travel), new device, off hours, then unusual chart access", genCompromised},
	{"helpdesk-social-engineering", "help-desk MFA reset, new MFA device, login from a new IP, payer bank-detail change (HHS HC3 2024)", genHelpdeskSE},
	{"device-beaconing", "a medical device calls an external host at a fixed interval", genBeaconing},
	{"device-lateral-movement", "a medical device opens SMB/RDP sessions to many internal hosts", genLateral},
	{"fhir-enumeration", "an API client reads sequential patient ids, many of them not found", genFHIREnum},
	{"ransomware-precursors", "shadow copies deleted, recovery disabled, backup catalog deleted, security log cleared on a workstation", genRansomware},
	{"spear-phishing-bec", "mail from a lookalike domain impersonating an executive; a recipient clicks", genBEC},
	{"genai-phi-upload", "a user pastes patient data into a public GenAI service", genGenAI},
	{"prompt-injection", "instructions aimed at an AI analyst planted in event fields and an e-mail body", genPromptInjection},
}

func scenarioByName(n string) *scenario {
	for i := range scenarios {
		if scenarios[i].name == n {
			return &scenarios[i]
		}
	}
	return nil
}

// planScenarios assigns each selected scenario's instances to days.
func planScenarios(w *World, names []string) map[int][]*Instance {
	plan := map[int][]*Instance{}
	for _, n := range names {
		si := slices.IndexFunc(scenarios, func(s scenario) bool { return s.name == n })
		sc := &scenarios[si]
		for k := range w.prof.Instances {
			day := (si*3 + k*max(1, w.days/w.prof.Instances)) % w.days
			in := &Instance{Scenario: sc.name, ID: fmt.Sprintf("%s-%03d", sc.name, k+1), day: day,
				r: newRand(w.seed, 1<<40+uint64(si)<<20+uint64(k)), run: sc.gen, Params: map[string]string{}}
			plan[day] = append(plan[day], in)
		}
	}
	return plan
}

// add records a labelled event: its Vigil id and its time.
func (in *Instance) add(g *dayGen, src source, raw []byte) {
	in.EventIDs = append(in.EventIDs, g.eventID(src, raw))
	in.span(g.ev.Time)
}

func (in *Instance) span(t time.Time) {
	if in.Start.IsZero() || t.Before(in.Start) {
		in.Start = t
	}
	if t.After(in.End) {
		in.End = t
	}
}

// addMail records a labelled e-mail by its Message-ID.
func (in *Instance) addMail(id string, t time.Time) {
	in.EventIDs = append(in.EventIDs, id)
	in.span(t)
}

// writeLabels writes labels.jsonl sorted by start, then instance id; an
// instance that found no victim in this world (no events) is left out.
func writeLabels(out Sink, labels []*Instance, m *Manifest) error {
	slices.SortStableFunc(labels, func(a, b *Instance) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return cmpStr(a.ID, b.ID)
	})
	f, err := out.Create("labels.jsonl")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, in := range labels {
		if len(in.EventIDs) == 0 {
			continue
		}
		if err := enc.Encode(in); err != nil {
			f.Close()
			return err
		}
		m.Scenarios[in.Scenario]++
		m.Labels++
	}
	return f.Close()
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
