package behavior

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// workDay returns n reads by user of distinct patients spread over hours
// starting at day (days after t0) + start hour.
func workDay(t testing.TB, user string, day, start, hours, n int) []*event.Event {
	var evs []*event.Event
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(day)*24*time.Hour + time.Duration(start)*time.Hour +
			time.Duration(i)*time.Duration(hours)*time.Hour/time.Duration(n))
		p := fmt.Sprintf("pat-%06d", day*10000+i*7)
		evs = append(evs, auditEvent(t, at, user, "10.1.2.3", p, "read", "0"))
	}
	return evs
}

func history(t testing.TB, user string, days, n int) []*event.Event {
	var evs []*event.Event
	for day := 0; day < days; day++ {
		evs = append(evs, workDay(t, user, day, 8, 8, n)...)
	}
	return evs
}

func TestMassAccessAgainstOwnBaseline(t *testing.T) {
	d := New(Config{})
	if fs := only(run(d, history(t, "jdoe42", 7, 20)...), "mass-access"); len(fs) != 0 {
		t.Fatalf("regular days flagged: %v", rules(fs))
	}
	fs := only(run(d, workDay(t, "jdoe42", 7, 8, 8, 200)...), "mass-access")
	if len(fs) != 1 {
		t.Fatalf("want 1 mass-access finding, got %d", len(fs))
	}
	f := fs[0]
	checkFinding(t, f)
	// joined on the user and the address, not on the EHR server or the last patient
	if f.Entities != (event.Entities{User: "jdoe42", SrcIP: "10.1.2.3"}) || f.Severity != finding.SeverityHigh {
		t.Fatalf("entities %+v severity %s", f.Entities, f.Severity)
	}
	// 20 patients over 8 hours: a usual hour has 2-3 new patients, so the
	// hourly baseline (median 3) fires first, at MinHourly = 20 in one hour.
	if !strings.Contains(f.Explanation, "distinct patients per hour: median 3, MAD 0.0 over this user's last 7 active days") {
		t.Fatalf("explanation lacks the baseline: %s", f.Explanation)
	}
	if !hasTag(f, "patients_hour:20") || f.Techniques[0] != "T1213" {
		t.Fatalf("fired at an unexpected count: %v", f.Tags)
	}
}

func TestMassAccessNearMiss(t *testing.T) {
	d := New(Config{})
	run(d, history(t, "jdoe42", 7, 20)...)
	// 1.5 × the usual day: busy, not anomalous.
	if fs := only(run(d, workDay(t, "jdoe42", 7, 8, 8, 30)...), "mass-access"); len(fs) != 0 {
		t.Fatalf("busy day flagged: %s", fs[0].Explanation)
	}
}

func TestMassAccessPeerBaselineWhileWarmingUp(t *testing.T) {
	dr := newDir()
	for i := 0; i < 6; i++ {
		dr.user(fmt.Sprintf("nurse%d", i), "nurse", "Oncology")
	}
	dr.user("newbie", "nurse", "Oncology")
	d := New(Config{Directory: dr})
	var evs []*event.Event
	for i := 0; i < 6; i++ {
		evs = append(evs, history(t, fmt.Sprintf("nurse%d", i), 6, 20)...)
	}
	run(d, evs...)
	// newbie's first day: 25 is normal for an oncology nurse ...
	if fs := only(run(d, workDay(t, "newbie", 6, 8, 8, 25)...), "mass-access"); len(fs) != 0 {
		t.Fatalf("normal first day flagged: %s", fs[0].Explanation)
	}
	// ... 120 on the second is not, though far below the cold-start floor.
	fs := only(run(d, workDay(t, "newbie", 7, 8, 8, 120)...), "mass-access")
	if len(fs) != 1 || !strings.Contains(fs[0].Explanation, "peer group nurse/Oncology") ||
		!strings.Contains(fs[0].Explanation, `"newbie" (nurse, Oncology)`) {
		t.Fatalf("peer baseline not used: %v", fs)
	}
}

func TestMassAccessColdStart(t *testing.T) {
	d := New(Config{}) // no directory, no history
	if fs := only(run(d, workDay(t, "him1", 0, 8, 8, 140)...), "mass-access"); len(fs) != 0 {
		t.Fatalf("below the cold floor flagged")
	}
	fs := only(run(d, workDay(t, "stranger", 0, 8, 8, 160)...), "mass-access")
	if len(fs) != 1 || !strings.Contains(fs[0].Explanation, "cold-start") || !hasTag(fs[0], "patients_today:150") {
		t.Fatalf("cold floor: %v", fs)
	}
}

func exports(t testing.TB, user string, day, n int) []*event.Event {
	var evs []*event.Event
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(day)*24*time.Hour + 2*time.Hour + time.Duration(i)*time.Minute)
		evs = append(evs, auditEvent(t, at, user, "10.9.9.9", fmt.Sprintf("pat-%06d", day*10000+i*3), "export", "0"))
	}
	return evs
}

func TestExportVolume(t *testing.T) {
	d := New(Config{})
	// a service account's nightly bulk export is its baseline
	for day := 0; day < 6; day++ {
		run(d, exports(t, "svc-bulk", day, 300)...)
	}
	if fs := only(run(d, exports(t, "svc-bulk", 6, 320)...), "export-volume"); len(fs) != 0 {
		t.Fatalf("regular bulk export flagged: %s", fs[0].Explanation)
	}
	// a clinician who never exports, exporting 40 records
	run(d, history(t, "drsmith", 6, 15)...)
	fs := only(run(d, exports(t, "drsmith", 6, 40)...), "export-volume")
	if len(fs) != 1 {
		t.Fatalf("want 1 export finding, got %d", len(fs))
	}
	checkFinding(t, fs[0])
	if !hasTag(fs[0], "exports_today:20") || !strings.Contains(fs[0].Explanation, "median 0") {
		t.Fatalf("export finding: %v %s", fs[0].Tags, fs[0].Explanation)
	}
}

func TestFHIREnumeration(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 25; i++ {
		evs = append(evs, auditEvent(t, t0.Add(time.Duration(i)*10*time.Second), "scraper", "10.5.5.5",
			fmt.Sprintf("pat-%06d", 900000+i*13), "read", "4"))
	}
	fs := only(run(d, evs...), "fhir-enumeration")
	if len(fs) != 1 || fs[0].Entities.User != "scraper" || !hasTag(fs[0], "failed_reads:20") {
		t.Fatalf("failed reads: %v", fs)
	}
	checkFinding(t, fs[0])
	// sequential ids, all found
	evs = evs[:0]
	for i := 0; i < 25; i++ {
		evs = append(evs, auditEvent(t, t0.Add(time.Duration(i)*5*time.Second), "walker", "10.5.5.6",
			fmt.Sprintf("pat-%06d", 100+i), "read", "0"))
	}
	fs = only(run(d, evs...), "fhir-enumeration")
	if len(fs) != 1 || !hasTag(fs[0], "sequential_run:20") {
		t.Fatalf("sequential: %v", fs)
	}
}

func TestFHIREnumerationNearMiss(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 40; i++ {
		outcome := "0"
		if i%8 == 0 { // a few typos among ordinary reads
			outcome = "4"
		}
		evs = append(evs, auditEvent(t, t0.Add(time.Duration(i)*10*time.Second), "clerk", "10.5.5.7",
			fmt.Sprintf("pat-%06d", (i*7919)%100000), "read", outcome))
	}
	if fs := only(run(d, evs...), "fhir-enumeration"); len(fs) != 0 {
		t.Fatalf("ordinary reads flagged: %s", fs[0].Explanation)
	}
}

func TestUnknownUserAndNoUser(t *testing.T) {
	d := New(Config{Directory: newDir()})
	fs := run(d, auditEvent(t, t0, "ghost", "10.0.0.1", "pat-000001", "read", "0"),
		auditEvent(t, t0, "", "10.0.0.2", "", "read", "4"))
	if len(fs) != 0 {
		t.Fatalf("single events flagged: %v", rules(fs))
	}
	var evs []*event.Event
	for i := 0; i < 20; i++ {
		evs = append(evs, auditEvent(t, t0.Add(time.Duration(i)*time.Second), "", "10.0.0.3", "pat-x", "read", "8"))
	}
	fs = only(run(d, evs...), "fhir-enumeration")
	if len(fs) != 1 || fs[0].Entities.SrcIP != "10.0.0.3" || !strings.Contains(fs[0].Explanation, "source 10.0.0.3") {
		t.Fatalf("enumeration by source: %v", fs)
	}
}

func TestFHIREnumerationAcrossAccounts(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 24; i++ { // 8 failures each for 3 accounts: none reaches 20 alone
		evs = append(evs, auditEvent(t, t0.Add(time.Duration(i)*10*time.Second), fmt.Sprintf("acct%d", i%3), "10.5.5.9",
			fmt.Sprintf("pat-%06d", 500000+i*17), "read", "4"))
	}
	fs := only(run(d, evs...), "fhir-enumeration")
	if len(fs) != 1 || fs[0].Entities != (event.Entities{SrcIP: "10.5.5.9"}) || !strings.Contains(fs[0].Explanation, "source 10.5.5.9") ||
		!strings.Contains(fs[0].Explanation, "with 3 different accounts") {
		t.Fatalf("across accounts: %v", fs)
	}
	// one account alone is reported once, on the user, not again on its address
	evs = evs[:0]
	for i := 0; i < 25; i++ {
		evs = append(evs, auditEvent(t, t0.Add(time.Hour+time.Duration(i)*10*time.Second), "solo", "10.5.5.10",
			fmt.Sprintf("pat-%06d", 700000+i*17), "read", "4"))
	}
	if fs := only(run(d, evs...), "fhir-enumeration"); len(fs) != 1 || fs[0].Entities.User != "solo" {
		t.Fatalf("single account: %s", rules(fs))
	}
}

func TestExportVolumeCountsPatientsPerExport(t *testing.T) {
	d := New(Config{})
	run(d, history(t, "drjones", 6, 15)...)
	var ents []string
	for i := 0; i < 60; i++ {
		ents = append(ents, fmt.Sprintf(`{"what":{"reference":"Patient/pat-%06d"}}`, 300000+i*11))
	}
	raw := fmt.Sprintf(`{"resourceType":"AuditEvent","id":"bulk-1","type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110106"},
"action":"R","recorded":%q,"outcome":"0","agent":[{"who":{"identifier":{"value":"drjones"}},"requestor":true,"network":{"address":"10.9.9.9","type":"2"}}],
"entity":[%s]}`, t0.Add(6*24*time.Hour+time.Hour).Format(time.RFC3339), strings.Join(ents, ","))
	ev := new(event.Event)
	if err := decoders.Decode(event.FormatFHIR, []byte(raw), ev); err != nil {
		t.Fatal(err)
	}
	fs := only(run(d, ev), "export-volume")
	if len(fs) != 1 || !hasTag(fs[0], "exports_today:60") || len(fs[0].EventIDs) == 0 {
		t.Fatalf("one export of 60 patients: %v", fs)
	}
}
