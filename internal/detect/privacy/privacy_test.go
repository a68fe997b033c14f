package privacy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
)

// TestEveryExplanationAndFlag runs one access per case on a fresh detector
// and checks the explanation found, the flags, and the finding.
func TestEveryExplanationAndFlag(t *testing.T) {
	h := fixture(t)
	cases := []struct {
		name   string
		acc    access
		why    why
		flags  flag
		rule   string // "" = no finding
		sev    finding.Severity
		phrase string // in the explanation
	}{
		{"encounter participant", access{user: "bsmith7", patient: "pat-enc"}, whyEncounter, 0, "", "", ""},
		{"care team", access{user: "jdoe42", patient: "pat-ct"}, whyCareTeam, 0, "", "", ""},
		{"department of a recent encounter", access{user: "amiller", patient: "pat-dept"}, whyDepartment, 0, "", "", ""},
		{"encounter outside ±30 days explains nothing", access{user: "jdoe42", patient: "pat-far"}, whyNone, 0, "", "", ""},
		{"coworker", access{user: "jdoe42", patient: "pat-cowork"}, whyNone, flagCoworker, "privacy.coworker", finding.SeverityHigh, "who is a coworker (employee E004, Oncology)"},
		{"household", access{user: "jdoe42", patient: "pat-house"}, whyNone, flagFamily, "privacy.family", finding.SeverityHigh, "shares the user's surname and home address"},
		{"family in the user's department, not treated by the user", access{user: "jdoe42", patient: "pat-kin"}, whyDepartment, flagFamily, "privacy.family", finding.SeverityHigh, "shares the user's surname and home address"},
		{"family the user treats (care team)", access{user: "jdoe42", patient: "pat-kin-ct"}, whyCareTeam, 0, "", "", ""},
		{"colleague's stay in the user's department two weeks ago", access{user: "jdoe42", patient: "pat-colleague-old"}, whyDepartment, flagCoworker, "privacy.coworker", finding.SeverityHigh, "who is a coworker (employee E002, Cardiology)"},
		{"colleague in the user's department now", access{user: "jdoe42", patient: "pat-colleague-now"}, whyDepartment, 0, "", "", ""},
		{"related person", access{user: "jdoe42", patient: "pat-rel"}, whyNone, flagFamily, "privacy.family", finding.SeverityHigh, "related person (sister)"},
		{"patient contact", access{user: "jdoe42", patient: "pat-contact"}, whyNone, flagFamily, "privacy.family", finding.SeverityHigh, "as a contact (friend)"},
		{"neighbour", access{user: "jdoe42", patient: "pat-near"}, whyNone, flagNeighbor, "privacy.neighbor", finding.SeverityMedium, "who lives 200 m from the user's home"},
		{"VIP", access{user: "jdoe42", patient: "pat-vip"}, whyNone, flagVIP, "privacy.vip", finding.SeverityHigh, "restricted (confidentiality R)"},
		{"deceased", access{user: "jdoe42", patient: "pat-dead"}, whyNone, flagDeceased, "privacy.deceased", finding.SeverityMedium, "who died on 2026-10-01"},
		{"self", access{user: "jdoe42", patient: "pat-self"}, whyNone, flagSelf, "privacy.self", finding.SeverityMedium, "the user's own record"},
		{"terminated, explained by role still reported", access{user: "cgone", patient: "pat-enc"}, whyRole, flagTerminated, "privacy.terminated", finding.SeverityHigh, "employment ended on 2026-01-31"},
		{"records role", access{user: "hclerk", patient: "pat-far"}, whyRole, 0, "", "", ""},
		{"registration, encounter under way", access{user: "rclerk", patient: "pat-enc"}, whyRole, 0, "", "", ""},
		{"registration, no encounter near", access{user: "rclerk", patient: "pat-vip"}, whyNone, flagVIP, "privacy.vip", finding.SeverityHigh, "Registration"},
		{"unknown user", access{user: "ghost", patient: "pat-enc"}, whyNone, flagUnknown, "privacy.unknown-identity", finding.SeverityInfo, "not in the staff roster"},
		{"unknown patient", access{user: "jdoe42", patient: "pat-nope"}, whyNone, flagUnknown, "privacy.unknown-identity", finding.SeverityInfo, "a patient not in the hospital context"},
		{"unknown user on a VIP", access{user: "ghost", patient: "pat-vip"}, whyNone, flagUnknown | flagVIP, "privacy.vip", finding.SeverityHigh, "who is not in the staff roster"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := New(Config{Context: h.Current})
			c.acc.t = t0
			fs := run(t, d, c.acc)
			if d.last.why != c.why || d.last.flags != c.flags {
				t.Fatalf("why %d flags %b, want %d %b", d.last.why, d.last.flags, c.why, c.flags)
			}
			if c.rule == "" {
				if len(fs) != 0 {
					t.Fatalf("unexpected findings %+v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(fs), fs)
			}
			f := fs[0]
			if f.RuleID != c.rule || f.Severity != c.sev || f.Detector != "privacy" || !strings.Contains(f.Explanation, c.phrase) {
				t.Fatalf("finding %s %s: %s\nwant %s %s containing %q", f.RuleID, f.Severity, f.Explanation, c.rule, c.sev, c.phrase)
			}
			if f.Entities.User != c.acc.user || f.Entities.Patient != c.acc.patient || f.ContextVersion != h.Current().Version() ||
				f.ContextVersion == "" || len(f.EventIDs) != 1 || f.ID != finding.DeriveID("privacy", c.rule, f.EventIDs) {
				t.Fatalf("finding fields %+v", f)
			}
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestExplanationReadsLikeTheIssue(t *testing.T) {
	d := New(Config{Context: fixture(t).Current})
	fs := run(t, d, access{user: "jdoe42", patient: "pat-near", t: t0})
	want := "Nurse J. Doe [jdoe42] (Oncology) opened the record of patient pat-near, who lives 200 m from the user's home " +
		"(neighbour threshold 500 m). No encounter, care team or department link in ±30 days, and no learned collaboration, " +
		"consult, diagnosis or records-role reason; first access by this user."
	if len(fs) != 1 || fs[0].Explanation != want {
		t.Fatalf("explanation\n%q\nwant\n%q", fs[0].Explanation, want)
	}
	if strings.Contains(fs[0].Explanation, "Ned") || strings.Contains(fs[0].Explanation, "Elm") {
		t.Fatal("patient name or address in the explanation")
	}
}

func TestDedupePerDay(t *testing.T) {
	d := New(Config{Context: fixture(t).Current})
	fs := run(t, d,
		access{user: "jdoe42", patient: "pat-vip", t: t0},
		access{user: "jdoe42", patient: "pat-vip", t: t0.Add(time.Hour)},
		access{user: "jdoe42", patient: "pat-vip", t: t0.Add(25 * time.Hour)})
	if len(fs) != 2 || !fs[0].Time.Equal(t0) || !fs[1].Time.Equal(t0.Add(25*time.Hour)) {
		t.Fatalf("%d findings, want one per day", len(fs))
	}
	if !strings.Contains(fs[1].Explanation, "had opened this record before") {
		t.Fatalf("repeat access: %s", fs[1].Explanation)
	}
	s := d.Stats()
	if s.Accesses != 3 || s.Flagged != 3 || s.Findings != 2 || s.Explained != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestNameSearchThenOpen(t *testing.T) {
	d := New(Config{Context: fixture(t).Current})
	fs := run(t, d,
		access{user: "jdoe42", action: "search", query: "family=SEARCHME&birthdate=1970-01-01", t: t0},
		access{user: "jdoe42", patient: "pat-search", t: t0.Add(10 * time.Minute)})
	if len(fs) != 1 || fs[0].RuleID != "privacy.name-search" || !strings.Contains(fs[0].Explanation, "name search 10m0s earlier") {
		t.Fatalf("findings %+v", fs)
	}
	// outside the window the search is forgotten
	d = New(Config{Context: fixture(t).Current})
	run(t, d,
		access{user: "jdoe42", action: "search", query: "name=Searchme", t: t0},
		access{user: "jdoe42", patient: "pat-search", t: t0.Add(2 * time.Hour)})
	if d.last.flags != 0 {
		t.Fatalf("flags %b after the window", d.last.flags)
	}
}

func TestBreakTheGlassFollowUp(t *testing.T) {
	d := New(Config{Context: fixture(t).Current})
	fs := run(t, d,
		access{user: "rray", patient: "pat-btg", action: "break-the-glass", t: t0},
		access{user: "rray", patient: "pat-btg-ok", action: "break-the-glass", t: t0.Add(-time.Hour)},
		access{user: "jdoe42", patient: "pat-ct", t: t0.Add(23 * time.Hour)})
	if len(fs) != 0 {
		t.Fatalf("finding before the follow-up window ended: %+v", fs)
	}
	fs = run(t, d, access{user: "jdoe42", patient: "pat-ct", t: t0.Add(25 * time.Hour)})
	if len(fs) != 1 || fs[0].RuleID != "privacy.btg-unexplained" || fs[0].Entities.Patient != "pat-btg" ||
		!fs[0].Time.Equal(t0) || !strings.Contains(fs[0].Explanation, "broke the glass") {
		t.Fatalf("findings %+v", fs)
	}
	if len(d.st.Pending) != 0 {
		t.Fatalf("%d pending left", len(d.st.Pending))
	}
}

func TestLearnedCollaborationExplains(t *testing.T) {
	h := fixture(t)
	d := New(Config{Context: h.Current})
	// bsmith7 and pnurse (both Cardiology) share three patients...
	var accs []access
	for i, p := range []string{"pat-enc", "pat-ct", "pat-dept"} {
		accs = append(accs, access{user: "pnurse", patient: p, t: t0.Add(time.Duration(i) * time.Minute)},
			access{user: "bsmith7", patient: p, t: t0.Add(time.Duration(i)*time.Minute + 30*time.Second)})
	}
	run(t, d, accs...)
	if n := d.st.Users[hashStr("bsmith7")].collabCount(hashStr("pnurse")); n != 3 {
		t.Fatalf("collaboration count %d, want 3", n)
	}
	// ...so when pnurse (on the care team of pat-collab) opened it, bsmith7 is explained.
	run(t, d, access{user: "pnurse", patient: "pat-collab", t: t0.Add(time.Hour)},
		access{user: "bsmith7", patient: "pat-collab", t: t0.Add(2 * time.Hour)})
	if d.last.why != whyCollab {
		t.Fatalf("why %d, want collaboration", d.last.why)
	}
	// a user with no shared history is not
	run(t, d, access{user: "enurse", patient: "pat-collab", t: t0.Add(3 * time.Hour)})
	if d.last.why == whyCollab {
		t.Fatal("no collaboration history, yet explained by collaboration")
	}
}

func TestLearnedConsultPattern(t *testing.T) {
	var pats, encs []string
	for i := range 30 {
		id := "pat-ed-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		pats = append(pats, patient(id, "P", "Ed"+id, "x", 0, 0, ""))
		encs = append(encs, encounter("enc-"+id, id, "Emergency", t0.Add(-time.Hour), time.Time{}))
	}
	pats = append(pats, patient("pat-next-door", "Ned", "Door", "9 Cedar Ct", 40.3005, -75.3, ""))
	encs = append(encs, encounter("enc-next-door", "pat-next-door", "Emergency", t0.Add(-time.Hour), time.Time{}))
	// two colleagues of the radiologist: one in the ED now, one seen there 10 days ago
	pats = append(pats, patient("pat-col-now", "Carl", "Cole", "1 Far Rd", 41, -76, ""),
		patient("pat-col-past", "Dina", "Dale", "2 Far Rd", 41, -76, ""))
	encs = append(encs, encounter("enc-col-now", "pat-col-now", "Emergency", t0.Add(-2*time.Hour), time.Time{}),
		encounter("enc-col-past", "pat-col-past", "Emergency", t0.Add(-10*24*time.Hour), t0.Add(-10*24*time.Hour+3*time.Hour)))
	h := loadContext(t, map[string]string{
		"staff.csv": staffHeader + "E005,rray,Rita,Ray,physician,Radiology,7 Cedar Ct,Springfield,12345,40.3,-75.3,2011-01-01,,\n" +
			"E010,ccole,Carl,Cole,nurse,ICU,1 Far Rd,Springfield,12345,41,-76,2015-01-01,,\n" +
			"E011,ddale,Dina,Dale,nurse,ICU,2 Far Rd,Springfield,12345,41,-76,2015-01-01,,\n",
		"Patient.ndjson":   ndjson(pats...),
		"Encounter.ndjson": ndjson(encs...),
	})
	d := New(Config{Context: h.Current})
	for i := range 30 {
		run(t, d, access{user: "rray", patient: "pat-ed-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), t: t0.Add(time.Duration(i) * time.Minute)})
		want := whyNone
		if i >= 20 { // ConsultMinCount earlier accesses from Radiology to Emergency patients
			want = whyConsult
		}
		if d.last.why != want {
			t.Fatalf("access %d: why %d, want %d", i, d.last.why, want)
		}
	}
	// A learned consult pattern explains routine work, not a neighbour:
	// the same kind of access to an Emergency patient living next door to
	// the radiologist is still a finding.
	fs := run(t, d, access{user: "rray", patient: "pat-next-door", t: t0.Add(time.Hour)})
	if d.last.why != whyConsult || len(fs) != 1 || fs[0].RuleID != "privacy.neighbor" {
		t.Fatalf("neighbour behind a consult pattern: why %d, findings %+v", d.last.why, fs)
	}
	// A colleague under care in the consulted department right now: the
	// consult explains it. The same colleague relationship ten days after
	// the visit does not.
	if fs := run(t, d, access{user: "rray", patient: "pat-col-now", t: t0.Add(time.Hour)}); d.last.why != whyConsult || len(fs) != 0 {
		t.Fatalf("colleague under care: why %d, findings %+v", d.last.why, fs)
	}
	if fs := run(t, d, access{user: "rray", patient: "pat-col-past", t: t0.Add(time.Hour)}); len(fs) != 1 || fs[0].RuleID != "privacy.coworker" {
		t.Fatalf("colleague's past visit: why %d, findings %+v", d.last.why, fs)
	}
}

// A learned consult pattern explains an access to a restricted record only
// while the patient is under care in the consulted department: an encounter
// in progress or within RestrictedCareWindow (24 h) of the access.
func TestRestrictedRecordConsultNeedsCurrentCare(t *testing.T) {
	day := 24 * time.Hour
	restricted := `,"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"V"}]}`
	var pats, encs []string
	for i := range 20 {
		id := fmt.Sprintf("pat-ed-%02d", i)
		pats = append(pats, patient(id, "P", "Ed"+id, "x", 0, 0, ""))
		encs = append(encs, encounter("enc-"+id, id, "Emergency", t0.Add(-time.Hour), time.Time{}))
	}
	pats = append(pats,
		patient("pat-vip-now", "V", "Now", "x", 0, 0, restricted),
		patient("pat-vip-soon", "V", "Soon", "x", 0, 0, restricted),
		patient("pat-vip-past", "V", "Past", "x", 0, 0, restricted),
		patient("pat-plain-past", "P", "Past", "x", 0, 0, ""))
	encs = append(encs,
		encounter("enc-vip-now", "pat-vip-now", "Emergency", t0.Add(-time.Hour), time.Time{}),
		encounter("enc-vip-soon-old", "pat-vip-soon", "Emergency", t0.Add(-20*day), t0.Add(-19*day)),
		encounter("enc-vip-soon", "pat-vip-soon", "Emergency", t0.Add(8*time.Hour), time.Time{}),
		encounter("enc-vip-past", "pat-vip-past", "Emergency", t0.Add(-6*day), t0.Add(-5*day)),
		encounter("enc-plain-past", "pat-plain-past", "Emergency", t0.Add(-6*day), t0.Add(-5*day)))
	h := loadContext(t, map[string]string{
		"staff.csv": staffHeader + "E005,rray,Rita,Ray,physician,Radiology,7 Cedar Ct,Springfield,12345,40.3,-75.3,2011-01-01,,\n" +
			"E006,hclerk,Hana,Clerk,him,HIM,8 Fir St,Springfield,12345,40.4,-75.4,2016-01-01,,\n" +
			"E009,rclerk,Rob,Clerk,registration,Registration,6 Yew St,Springfield,12345,40.7,-75.7,2019-01-01,,\n" +
			"E010,rnurse,Ria,Nurse,nurse,Radiology,2 Yew St,Springfield,12345,40.8,-75.8,2019-01-01,,\n",
		"Patient.ndjson":   ndjson(pats...),
		"Encounter.ndjson": ndjson(encs...),
	})
	d := New(Config{Context: h.Current, RoleDailyNorm: 20})
	for i := range 20 {
		for _, u := range []string{"rray", "hclerk", "rclerk"} {
			run(t, d, access{user: u, patient: fmt.Sprintf("pat-ed-%02d", i), t: t0.Add(time.Duration(i) * time.Minute)})
		}
	}
	at := t0.Add(time.Hour)
	for _, c := range []struct {
		user, pid string
		want      why
		finding   bool
	}{
		{"rray", "pat-vip-now", whyConsult, false},
		{"rray", "pat-vip-soon", whyConsult, false}, // the nearest encounter starts in 7 h
		{"rray", "pat-vip-past", whyNone, true},     // discharged 5 days ago
		{"rray", "pat-plain-past", whyConsult, false},
		// HIM past its daily norm: a records role works after discharge by
		// design, so its learned pattern still explains the restricted record.
		{"hclerk", "pat-vip-past", whyConsult, false},
		// Registration works around a stay (its role rule is ±24 h): the
		// window applies to it.
		{"rclerk", "pat-vip-past", whyNone, true},
		// The pattern belongs to Radiology's physicians, not its nurses.
		{"rnurse", "pat-vip-now", whyNone, true},
		{"rnurse", "pat-plain-past", whyNone, false},
	} {
		fs := run(t, d, access{user: c.user, patient: c.pid, t: at})
		if d.last.why != c.want || (len(fs) == 1) != c.finding {
			t.Errorf("%s: why %d, want %d; findings %+v", c.pid, d.last.why, c.want, fs)
		}
		if c.finding && (len(fs) != 1 || fs[0].RuleID != "privacy.vip") {
			t.Errorf("%s: findings %+v, want one privacy.vip", c.pid, fs)
		}
	}
}

func TestLearnedDiagnosisResponsibility(t *testing.T) {
	var pats, encs, conds []string
	for i := range 6 {
		id := "pat-onc-" + string(rune('a'+i))
		pats = append(pats, patient(id, "P", "Onc"+id, "x", 0, 0, ""))
		encs = append(encs, encounter("enc-"+id, id, "Oncology", t0.Add(-time.Hour), time.Time{}, "E001"))
		conds = append(conds, `{"resourceType":"Condition","id":"c-`+id+`","subject":{"reference":"Patient/`+id+`"},"code":{"coding":[{"code":"C50.9"}]}}`)
	}
	pats = append(pats, patient("pat-dx", "Dia", "Gnosis", "7 Hill", 0, 0, ""),
		patient("pat-dx-vip", "Vic", "Gnosis", "8 Hill", 0, 0, `,"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}`))
	encs = append(encs, encounter("enc-dx-vip", "pat-dx-vip", "Emergency", t0.Add(-time.Hour), time.Time{}))
	conds = append(conds, `{"resourceType":"Condition","id":"cond-dx","subject":{"reference":"Patient/pat-dx"},"code":{"coding":[{"code":"C50.9"}]}}`,
		`{"resourceType":"Condition","id":"cond-dx-vip","subject":{"reference":"Patient/pat-dx-vip"},"code":{"coding":[{"code":"C50.9"}]}}`)
	h := loadContext(t, map[string]string{
		"staff.csv": staffHeader + "E001,jdoe42,Jane,Doe,nurse,Oncology,12 Elm Street,Springfield,12345,40,-75,2015-03-01,,\n" +
			"E004,amiller,Alice,Miller,nurse,Oncology,5 Birch Ave,Springfield,12345,40.2,-75.2,2018-01-01,,\n",
		"Patient.ndjson": ndjson(pats...), "Encounter.ndjson": ndjson(encs...), "Condition.ndjson": ndjson(conds...),
	})
	d := New(Config{Context: h.Current})
	run(t, d, access{user: "amiller", patient: "pat-dx", t: t0})
	if d.last.why != whyNone {
		t.Fatalf("before learning: why %d", d.last.why)
	}
	for i := range 5 {
		run(t, d, access{user: "jdoe42", patient: "pat-onc-" + string(rune('a'+i)), t: t0.Add(time.Minute)})
	}
	run(t, d, access{user: "amiller", patient: "pat-dx", t: t0.Add(time.Hour)})
	if d.last.why != whyDiagnosis {
		t.Fatalf("after 5 Oncology patients with C50.9: why %d, want diagnosis", d.last.why)
	}
	// A diagnosis the department treats says nothing about a restricted
	// patient under care elsewhere: no explanation, a privacy.vip finding.
	fs := run(t, d, access{user: "amiller", patient: "pat-dx-vip", t: t0.Add(time.Hour)})
	if d.last.why != whyNone || len(fs) != 1 || fs[0].RuleID != "privacy.vip" {
		t.Fatalf("restricted record by diagnosis: why %d, findings %+v", d.last.why, fs)
	}
}

func TestRecordsRoleVolumeNorm(t *testing.T) {
	d := New(Config{Context: fixture(t).Current, RoleDailyNorm: 3})
	for i, p := range []string{"pat-enc", "pat-ct", "pat-dept", "pat-far"} {
		run(t, d, access{user: "hclerk", patient: p, t: t0.Add(time.Duration(i) * time.Minute)})
	}
	if d.last.why != whyNone {
		t.Fatalf("4th patient of the day with a norm of 3: why %d", d.last.why)
	}
	run(t, d, access{user: "hclerk", patient: "pat-dead", t: t0.Add(25 * time.Hour)})
	if d.last.why != whyRole {
		t.Fatalf("next day: why %d, want role", d.last.why)
	}
}

func TestContextSwapsLive(t *testing.T) {
	h := fixture(t)
	d := New(Config{Context: h.Current})
	run(t, d, access{user: "newbie", patient: "pat-enc", t: t0})
	if d.last.flags != flagUnknown {
		t.Fatalf("flags %b", d.last.flags)
	}
	_, err := h.Import(t.Context(), "staff.csv", "staff", strings.NewReader(staffHeader+
		"E099,newbie,New,Bie,physician,Cardiology,1 X St,Springfield,12345,40.9,-75.9,2026-11-01,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, d, access{user: "newbie", patient: "pat-enc", t: t0.Add(time.Minute)})
	if d.last.flags != 0 || d.last.why != whyDepartment {
		t.Fatalf("after import: why %d flags %b", d.last.why, d.last.flags)
	}
}

func TestIdleWithoutContext(t *testing.T) {
	d := New(Config{})
	if fs := run(t, d, access{user: "ghost", patient: "pat-1", t: t0}); len(fs) != 0 || d.Stats().Accesses != 0 {
		t.Fatalf("judged without context: %+v", fs)
	}
}

func TestIgnoresOtherEventsAndFailures(t *testing.T) {
	d := New(Config{Context: fixture(t).Current})
	run(t, d, access{user: "jdoe42", patient: "pat-vip", action: "search", t: t0})
	if d.Stats().Accesses != 1 {
		t.Fatal("a search within a patient compartment is an access")
	}
	fs := run(t, d, access{user: "jdoe42", t: t0, action: "export"})
	if len(fs) != 0 || d.Stats().Accesses != 1 {
		t.Fatal("export without a patient counted")
	}
}

func TestSnapshotRestore(t *testing.T) {
	h := fixture(t)
	d := New(Config{Context: h.Current})
	run(t, d, access{user: "jdoe42", action: "search", query: "name=Searchme", t: t0},
		access{user: "rray", patient: "pat-btg", action: "break-the-glass", t: t0},
		access{user: "jdoe42", patient: "pat-vip", t: t0})
	b, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	d2 := New(Config{Context: h.Current})
	if err := d2.Restore(b); err != nil {
		t.Fatal(err)
	}
	// the restored detector remembers the search, the pending BTG and today's finding
	fs := run(t, d2, access{user: "jdoe42", patient: "pat-search", t: t0.Add(time.Minute)},
		access{user: "jdoe42", patient: "pat-vip", t: t0.Add(2 * time.Minute)},
		access{user: "jdoe42", patient: "pat-ct", t: t0.Add(30 * time.Hour)})
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.RuleID)
	}
	if strings.Join(rules, " ") != "privacy.name-search privacy.btg-unexplained" {
		t.Fatalf("rules after restore: %v", rules)
	}
	if err := d2.Restore([]byte("garbage")); err == nil {
		t.Fatal("garbage restored")
	}
}

// TestBreakTheGlassJudgedAtOnceWhenContextCoversTheWindow: a context that
// already records encounters beyond the follow-up window (a replayed or
// evaluated period) decides at once.
func TestBreakTheGlassJudgedAtOnceWhenContextCoversTheWindow(t *testing.T) {
	h := fixture(t)
	later := encounter("enc-later", "pat-enc", "Cardiology", t0.Add(72*time.Hour), time.Time{}, "E002")
	if _, err := h.Import(t.Context(), "Encounter.ndjson", "Encounter", strings.NewReader(later+"\n")); err != nil {
		t.Fatal(err)
	}
	live := New(Config{Context: h.Current, Now: func() time.Time { return t0.Add(time.Hour) }})
	if fs := run(t, live, access{user: "rray", patient: "pat-btg", action: "break-the-glass", t: t0}); len(fs) != 0 ||
		len(live.st.Pending) != 1 {
		t.Fatalf("live: the window has not passed yet, but %d findings, %d pending", len(fs), len(live.st.Pending))
	}
	d := New(Config{Context: h.Current, Now: func() time.Time { return t0.Add(30 * 24 * time.Hour) }})
	fs := run(t, d, access{user: "rray", patient: "pat-btg", action: "break-the-glass", t: t0},
		access{user: "rray", patient: "pat-btg-ok", action: "break-the-glass", t: t0})
	if len(fs) != 1 || fs[0].RuleID != "privacy.btg-unexplained" || fs[0].Entities.Patient != "pat-btg" || len(d.st.Pending) != 0 {
		t.Fatalf("findings %+v, %d pending", fs, len(d.st.Pending))
	}
}
