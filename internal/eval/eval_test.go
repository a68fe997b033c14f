package eval

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

func load(t *testing.T) ([]Label, []finding.Finding) {
	t.Helper()
	lf, err := os.Open("testdata/labels.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	labels, err := ParseLabels(lf, "labels.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	ff, err := os.Open("testdata/findings.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	fs, err := ParseFindings(ff, "findings.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	return labels, fs
}

func TestScoreFindings(t *testing.T) {
	labels, fs := load(t)
	r := Score(Input{Labels: labels, Findings: fs, BenignEHR: map[string]bool{"b1": true, "b2": true, "b3": true, "b4": true}})
	if r.Detected != 2 || r.Labels != 3 {
		t.Fatalf("detected %d of %d, want 2 of 3", r.Detected, r.Labels)
	}
	var vip, beacon ScenarioScore
	for _, s := range r.Scenarios {
		switch s.Scenario {
		case "snoop-vip":
			vip = s
		case "device-beaconing":
			beacon = s
		}
	}
	if vip.Detected != 1 || vip.Recall != 0.5 || len(vip.Missed) != 1 || vip.Missed[0] != "snoop-vip-002" {
		t.Errorf("snoop-vip: %+v", vip)
	}
	if beacon.Detected != 1 || beacon.Rules[0] != "behavior/behavior.device-beaconing" {
		t.Errorf("beaconing: %+v", beacon)
	}
	if *r.FindingPrecision != 2.0/3 {
		t.Errorf("finding precision %v", *r.FindingPrecision)
	}
	if r.Incidents != nil || r.IncidentPrecision != nil {
		t.Error("incident metrics without incidents")
	}
	// event-time latency: 4 min (vip) and 6.5 h (beacon, start 02:00 → 08:30,
	// inside end 08:00 + 1 h grace)
	if r.LatencyEvent.N != 2 || r.LatencyEvent.Median != 240 || r.LatencyEvent.P95 != 6.5*3600 {
		t.Errorf("event latency %+v", r.LatencyEvent)
	}
	if r.LatencyWall.Median != 2 || r.LatencyWall.P95 != 4 {
		t.Errorf("wall latency %+v", r.LatencyWall)
	}
	if *r.BenignEHRFlagged != 1 || *r.BenignEHRClean != 0.75 {
		t.Errorf("benign share %v of %v", *r.BenignEHRFlagged, *r.BenignEHR)
	}
}

func TestGraceWindow(t *testing.T) {
	l := Label{Scenario: "x", ID: "x-1", Start: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC),
		End: time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC), Entities: Entities{User: "u1"}}
	f := func(h, m int) finding.Finding {
		return finding.Finding{ID: "f", Time: time.Date(2026, 1, 1, h, m, 0, 0, time.UTC), Entities: finding.Finding{}.Entities}
	}
	in := f(12, 0)
	in.Entities.User = "u1"
	late := f(12, 1)
	late.Entities.User = "u1"
	early := f(9, 59)
	early.Entities.User = "u1"
	other := f(10, 30)
	other.Entities.User = "u2"
	for _, c := range []struct {
		f    finding.Finding
		want int
	}{{in, 1}, {late, 0}, {early, 0}, {other, 0}} {
		if got := Score(Input{Labels: []Label{l}, Findings: []finding.Finding{c.f}}).Detected; got != c.want {
			t.Errorf("finding at %s user %s: detected %d, want %d", c.f.Time.Format("15:04"), c.f.Entities.User, got, c.want)
		}
	}
}

func TestScoreIncidentsAndMTTR(t *testing.T) {
	labels, fs := load(t)
	incs := []store.Incident{
		{ID: "i1", FindingIDs: []string{"f1"}, Entities: []string{"user:jdoe42", "patient:pat-000123"}},
		{ID: "i2", FindingIDs: []string{"f3"}, Entities: []string{"user:bwhite11"}},
	}
	t0 := time.Date(2026, 11, 2, 13, 0, 5, 0, time.UTC)
	actions := []Action{
		{ID: "a0", IncidentID: "i1", Action: "notify", Status: "succeeded", ExecutedAt: t0.Add(time.Minute)},
		{ID: "a1", IncidentID: "i1", Action: "disable_account", Status: "succeeded", ExecutedAt: t0.Add(10 * time.Minute), Gated: true},
		{ID: "a2", IncidentID: "i2", Action: "disable_account", Status: "succeeded", ExecutedAt: t0},
	}
	r := Score(Input{Labels: labels, Findings: fs, Incidents: incs, Actions: actions, Users: 200, Days: 2,
		Ingested: map[string]time.Time{"e1": t0}})
	if *r.Incidents != 2 || *r.IncidentPrecision != 0.5 || *r.FalseIncidents != 1 {
		t.Fatalf("incidents %d precision %v false %d", *r.Incidents, *r.IncidentPrecision, *r.FalseIncidents)
	}
	if got := *r.FalsePer100UserDays; got != 0.25 { // 1 false / 2 (hundreds of users) / 2 days
		t.Errorf("false per 100 users per day %v", got)
	}
	if r.MTTRGated.N != 1 || r.MTTRGated.Median != 600 || r.MTTRAuto.N != 0 {
		t.Errorf("MTTR auto %+v gated %+v", r.MTTRAuto, r.MTTRGated)
	}
	// The clock starts at the instance's earliest ingested event, whatever
	// its place in the label; a containment executed before it is not a
	// response to this instance.
	early := Score(Input{Labels: labels, Findings: fs, Incidents: incs, Actions: actions,
		Ingested: map[string]time.Time{"e1": t0, "e2": t0.Add(-5 * time.Minute)}})
	if early.MTTRGated.N != 1 || early.MTTRGated.Median != 900 {
		t.Errorf("MTTR from the earliest event: gated %+v, want 900 s", early.MTTRGated)
	}
	// A containment acting on another user (an incident that mixes
	// instances) is not this instance's response; one on its user is.
	other := append([]Action{}, actions...)
	other[1].Target = "user:someone-else"
	if r := Score(Input{Labels: labels, Findings: fs, Incidents: incs, Actions: other,
		Ingested: map[string]time.Time{"e1": t0}}); r.MTTRGated.N != 0 {
		t.Errorf("containment of another user counted: gated %+v", r.MTTRGated)
	}
	other[1].Target = "user:JDOE42"
	if r := Score(Input{Labels: labels, Findings: fs, Incidents: incs, Actions: other,
		Ingested: map[string]time.Time{"e1": t0}}); r.MTTRGated.N != 1 {
		t.Errorf("containment of the instance's user not counted: gated %+v", r.MTTRGated)
	}
	late := Score(Input{Labels: labels, Findings: fs, Incidents: incs, Actions: actions,
		Ingested: map[string]time.Time{"e1": t0.Add(11 * time.Minute)}})
	if late.MTTRGated.N != 0 || late.MTTRAuto.N != 0 {
		t.Errorf("containment before the attack counted: auto %+v gated %+v", late.MTTRAuto, late.MTTRGated)
	}
	var sb strings.Builder
	if err := r.WriteTable(&sb); err != nil || !strings.Contains(sb.String(), "snoop-vip") ||
		!strings.Contains(sb.String(), "incident precision                           50.0%") {
		t.Errorf("table:\n%s", sb.String())
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"scenario":"a","instance_id":"a-1","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z","entities":{"user":"u"}}` + "\n{bad", "labels.jsonl:2: invalid JSON"},
		{"\n" + `{"instance_id":"a-1","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z","entities":{"user":"u"}}`, `labels.jsonl:2: field "scenario": missing`},
		{`{"scenario":"a","instance_id":"a-1","start":"2026-01-02T00:00:00Z","end":"2026-01-01T00:00:00Z","entities":{"user":"u"}}`, `labels.jsonl:1: field "end": before "start"`},
		{`{"scenario":"a","instance_id":"a-1","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z","entities":{}}`, `labels.jsonl:1: field "entities": no entity`},
		{`{"scenario":"a","instance_id":"a-1","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z","entities":{"user":"u"},"extra":1}`, `labels.jsonl:1: invalid: json: unknown field "extra"`},
		{`{"scenario":"a","instance_id":"a-1","start":"yesterday","end":"2026-01-01T00:00:00Z","entities":{"user":"u"}}`, `labels.jsonl:1:`},
	}
	for _, c := range cases {
		_, err := ParseLabels(strings.NewReader(c.in), "labels.jsonl")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ParseLabels(%.40q…): %v, want prefix %q", c.in, err, c.want)
		}
	}
	_, err := ParseFindings(strings.NewReader(`{"id":"f","time":"2026-01-01T00:00:00Z","entities":{"user":"u"}}`+"\n"+`{"id":"g","time":"2026-01-01T00:00:00Z","entities":{}}`), "f.ndjson")
	if err == nil || err.Error() != `f.ndjson:2: field "entities": no entity` {
		t.Errorf("ParseFindings: %v", err)
	}
	_, err = ParseFindings(strings.NewReader(`{"id":7}`), "f.ndjson")
	if err == nil || !strings.HasPrefix(err.Error(), `f.ndjson:1: field "id": want string`) {
		t.Errorf("ParseFindings type: %v", err)
	}
}

// A lookalike sender written with a capital I (mercyheaIth.org) is the
// same address as the lower-cased one a detector reports.
func TestEmailEntitiesIgnoreCase(t *testing.T) {
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	l := Label{Scenario: "spear-phishing-bec", ID: "b-1", Start: at, End: at.Add(time.Hour),
		Entities: Entities{Email: "ceo@mercyheaIth.org"}}
	f := finding.Finding{ID: "f1", Time: at.Add(time.Minute)}
	f.Entities.Email = "ceo@mercyheaith.org"
	inc := store.Incident{ID: "i1", FindingIDs: []string{"f1"}, Entities: []string{"email:ceo@mercyheaith.org"}}
	r := Score(Input{Labels: []Label{l}, Findings: []finding.Finding{f}, Incidents: []store.Incident{inc}})
	if r.Detected != 1 || *r.IncidentPrecision != 1 {
		t.Fatalf("detected %d, incident precision %v", r.Detected, *r.IncidentPrecision)
	}
}

// Grouping: one instance in one incident, one spread over two, one in none;
// an incident holding two instances is reported as mixing them.
func TestGrouping(t *testing.T) {
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	lab := func(id, user string) Label {
		return Label{Scenario: "s", ID: id, Start: at, End: at.Add(time.Hour), Entities: Entities{User: user}}
	}
	fnd := func(id, user string) finding.Finding {
		f := finding.Finding{ID: id, Time: at.Add(time.Minute)}
		f.Entities.User = user
		return f
	}
	inc := func(id string, fids []string, ents ...string) store.Incident {
		return store.Incident{ID: id, FindingIDs: fids, Entities: ents}
	}
	in := Input{
		Labels:   []Label{lab("one", "u1"), lab("two", "u2"), lab("none", "u3"), lab("mixed", "u4")},
		Findings: []finding.Finding{fnd("f1", "u1"), fnd("f2", "u2"), fnd("f3", "u2"), fnd("f4", "u4")},
		Incidents: []store.Incident{inc("i1", []string{"f1", "f4"}, "user:u1", "user:u4"),
			inc("i2", []string{"f2"}, "user:u2"), inc("i3", []string{"f3"}, "user:u2")},
	}
	g := Score(in).Grouping
	if g == nil || g.Exact != 2 || len(g.Fragmented) != 1 || g.Fragmented[0] != "two" ||
		len(g.NoIncident) != 1 || g.NoIncident[0] != "none" || len(g.Mixed["i1"]) != 2 {
		t.Fatalf("grouping %+v", g)
	}
}

// An incident holds an instance through its findings, not through entity
// strings collected over its whole span; merged incidents are not counted.
func TestGroupingByFindingsAndWithoutMerged(t *testing.T) {
	at := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	l := Label{Scenario: "s", ID: "x", Start: at, End: at.Add(time.Hour), Entities: Entities{User: "u1", IP: "10.0.0.5"}}
	mk := func(id, user, ip string, t time.Time) finding.Finding {
		f := finding.Finding{ID: id, Time: t}
		f.Entities.User, f.Entities.SrcIP = user, ip
		return f
	}
	// i1 holds the attack's finding; i2 shared the workstation ip with u1 the
	// day before and kept going with other users' findings through the
	// attack hour, but none of its findings names the instance in its window.
	fs := []finding.Finding{mk("f1", "u1", "10.0.0.5", at.Add(time.Minute)),
		mk("f2", "u9", "10.0.0.5", at.Add(-20*time.Hour)), mk("f3", "u8", "10.0.0.6", at.Add(30*time.Minute))}
	in := Input{Labels: []Label{l}, Findings: fs, Incidents: []store.Incident{
		{ID: "i1", FindingIDs: []string{"f1"}, Entities: []string{"ip:10.0.0.5", "user:u1"}},
		{ID: "i2", FindingIDs: []string{"f2", "f3"}, Entities: []string{"ip:10.0.0.5", "ip:10.0.0.6", "user:u8", "user:u9"}},
		{ID: "i0", Status: "merged", FindingIDs: []string{"f1"}, Entities: []string{"user:u1"}},
	}}
	r := Score(in)
	if g := r.Grouping; g.Exact != 1 || len(g.Fragmented) != 0 || len(g.Mixed) != 0 {
		t.Fatalf("grouping %+v", g)
	}
	if *r.Incidents != 2 || *r.FalseIncidents != 1 {
		t.Errorf("incidents %d, false %d: want 2 and 1 (the merged one is not counted)", *r.Incidents, *r.FalseIncidents)
	}
}

func TestContainmentTargets(t *testing.T) {
	l := Label{Entities: Entities{User: "jdoe", Host: "pump-ed-0285", IP: "185.220.164.201", Device: "AST-000285",
		Email: "dana.ross@mercyheaIth.org"}}
	for target, want := range map[string]bool{
		"": true, "user:jdoe": true, "user:other": false, "device:ast-000285": true, "device:pump-ed-0285": true,
		"ip:185.220.164.201": true, "domain:mercyheaith.org": true, "domain:mercyhealth.org": false,
		"email:dana.ross@mercyheaith.org": true, "patient:pat-1": false,
	} {
		if got := targets(l, target); got != want {
			t.Errorf("targets(%q) = %v, want %v", target, got, want)
		}
	}
	if targets(Label{Entities: Entities{User: "jdoe"}}, "domain:mercyheaith.org") {
		t.Error("a domain block named a label without a sender")
	}
}
