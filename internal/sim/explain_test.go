package sim

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// TestBenignAccessesExplained checks, from the written context files only
// (as a detector would), that benign EHR accesses are explained: the user
// takes part in an encounter of the patient, or works in the department of
// one of the patient's encounters within ±30 days, or has a role whose job
// is to open many charts (HIM, coding, billing, registration, pharmacy,
// research, service accounts). Float nurses and rotating residents working
// away from their home department and covering colleagues are the
// realistic unexplained rest.
func TestBenignAccessesExplained(t *testing.T) {
	s, _ := smallAll(t)
	staff := map[string][]string{} // user_id -> row
	empUser := map[string]string{}
	rows, err := csv.NewReader(bytes.NewReader(s.files["context/staff.csv"].Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		staff[r[1]] = r
		empUser[r[0]] = r[1]
	}
	type enc struct {
		dept       string
		start, end time.Time
		parts      []string
	}
	byPatient := map[string][]enc{}
	for _, l := range s.lines("context/Encounter.ndjson") {
		var e struct {
			Subject     struct{ Reference string }
			ServiceType struct{ Text string }
			Period      struct{ Start, End time.Time }
			Participant []struct{ Individual struct{ Reference string } }
		}
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatal(err)
		}
		x := enc{dept: e.ServiceType.Text, start: e.Period.Start, end: e.Period.End}
		if x.end.IsZero() {
			x.end = x.start.AddDate(1, 0, 0)
		}
		for _, p := range e.Participant {
			x.parts = append(x.parts, empUser[strings.TrimPrefix(p.Individual.Reference, "Practitioner/")])
		}
		pid := strings.TrimPrefix(e.Subject.Reference, "Patient/")
		byPatient[pid] = append(byPatient[pid], x)
	}
	labelled := map[string]bool{}
	for _, in := range readLabels(t, s) {
		for _, id := range in.EventIDs {
			labelled[id] = true
		}
	}
	bulkRoles := map[string]bool{"him": true, "coding": true, "billing": true, "registration": true,
		"pharmacist": true, "research": true, "service_account": true}
	set := decode.NewSet()
	var ev event.Event
	total, explained := 0, 0
	for _, l := range s.lines("events/auditevent.ndjson") {
		if err := set.Decode(event.FormatFHIR, l, &ev); err != nil {
			t.Fatal(err)
		}
		if labelled[ev.ID] || ev.Entities.Patient == "" {
			continue
		}
		total++
		row, ok := staff[ev.Entities.User]
		if !ok {
			t.Fatalf("user %q of a benign access is not in staff.csv", ev.Entities.User)
		}
		if bulkRoles[row[4]] {
			explained++
			continue
		}
		for _, e := range byPatient[ev.Entities.Patient] {
			inWindow := ev.Time.After(e.start.AddDate(0, 0, -30)) && ev.Time.Before(e.end.AddDate(0, 0, 30))
			if inWindow && (e.dept == row[5] || contains(e.parts, ev.Entities.User)) {
				explained++
				break
			}
		}
	}
	share := float64(explained) / float64(total)
	t.Logf("benign EHR accesses explained by the context: %d of %d (%.1f%%)", explained, total, 100*share)
	if total < 1000 || share < 0.90 || share > 0.999 {
		t.Errorf("explained share %.3f of %d accesses; want 0.90–0.999 (hard but explainable)", share, total)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
