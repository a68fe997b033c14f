package sim

import (
	"encoding/json"
	"time"
)

// FormatVersion is the version of the simulator's output formats.
const FormatVersion = "1"

// Manifest is manifest.json: what was generated, with counts.
type Manifest struct {
	FormatVersion string         `json:"format_version"`
	Profile       string         `json:"profile"`
	Seed          uint64         `json:"seed"`
	Days          int            `json:"days"`
	Start         time.Time      `json:"start"`
	End           time.Time      `json:"end"`
	Domain        string         `json:"domain"`
	Selected      []string       `json:"scenarios_selected"`
	Staff         int            `json:"staff"`
	Users         int            `json:"users"` // human accounts employed during the window
	Patients      int            `json:"patients"`
	Assets        int            `json:"assets"`
	Encounters    int            `json:"encounters"`
	Files         map[string]int `json:"files"`              // records per file ("email" = number of .eml)
	Scenarios     map[string]int `json:"scenario_instances"` // labelled instances per scenario
	Labels        int            `json:"labels"`
}

func newManifest(o Options, w *World) *Manifest {
	m := &Manifest{FormatVersion: FormatVersion, Profile: o.Profile, Seed: o.Seed, Days: o.Days, Start: w.start,
		End: w.windowEnd(), Domain: w.domain, Selected: append([]string{}, o.Scenarios...), Staff: len(w.staff),
		Patients: len(w.patients), Assets: len(w.assets), Encounters: len(w.encounters),
		Files: map[string]int{"email": 0}, Scenarios: map[string]int{}}
	for _, s := range w.staff {
		if s.Role != "service_account" && s.active(w.start) {
			m.Users++
		}
	}
	for _, n := range o.Scenarios {
		m.Scenarios[n] = 0
	}
	return m
}

// TotalEvents is the number of NDJSON event records written.
func (m *Manifest) TotalEvents() int {
	n := 0
	for _, s := range SourceFiles {
		n += m.Files["events/"+s.Name]
	}
	return n
}

func writeManifest(out Sink, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := out.Create("manifest.json")
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
