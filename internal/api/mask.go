package api

import (
	"regexp"
	"strings"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// masked replaces a patient identifier.
const masked = "***"

// fhirPatientRef matches a FHIR patient reference ("Patient/123"), also
// inside a longer value such as a full URL.
var fhirPatientRef = regexp.MustCompile(`Patient/[A-Za-z0-9\-.]{1,64}`)

// maskText masks FHIR patient references and the known patient ids in s:
// a value equal to an id is masked whole; ids of 4 characters or more are
// also masked inside longer text (shorter ones would mangle unrelated
// numbers).
func maskText(s string, ids ...string) string {
	if strings.Contains(s, "Patient/") {
		s = fhirPatientRef.ReplaceAllString(s, "Patient/"+masked)
	}
	for _, id := range ids {
		switch {
		case id == "" || id == masked:
		case s == id:
			return masked
		case len(id) >= 4:
			s = strings.ReplaceAll(s, id, masked)
		}
	}
	return s
}

// maskPHI masks patient identifiers in v for callers without phi:read:
// the patient entity, every field under patient.*, FHIR patient
// references in any field, and any other occurrence of the patient id.
func maskPHI(v *event.View) {
	pid := v.Entities.Patient
	if pid != "" {
		v.Entities.Patient = masked
	}
	for k, val := range v.Fields {
		isPatient := strings.HasPrefix(strings.ToLower(k), "patient.")
		switch x := val.(type) {
		case string:
			if isPatient {
				v.Fields[k] = masked
			} else {
				v.Fields[k] = maskText(x, pid)
			}
		case []string:
			out := make([]string, len(x))
			for i, s := range x {
				if isPatient {
					out[i] = masked
				} else {
					out[i] = maskText(s, pid)
				}
			}
			v.Fields[k] = out
		}
	}
}

// maskFinding masks the patient entity and its mentions in a finding.
func maskFinding(f *finding.Finding) {
	pid := f.Entities.Patient
	if pid != "" {
		f.Entities.Patient = masked
	}
	f.Title = maskText(f.Title, pid)
	f.Explanation = maskText(f.Explanation, pid)
}

// maskIncident masks patient entities ("patient:<id>" or "Patient/<id>")
// and their mentions in the title.
func maskIncident(inc *store.Incident) {
	var ids []string
	ents := make([]string, len(inc.Entities))
	for i, e := range inc.Entities {
		if id, ok := strings.CutPrefix(e, "patient:"); ok {
			ids = append(ids, id)
			e = "patient:" + masked
		}
		ents[i] = maskText(e)
	}
	inc.Entities = ents
	inc.Title = maskText(inc.Title, ids...)
}
