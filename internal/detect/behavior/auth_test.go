package behavior

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

type place struct {
	ip, country string
	lat, lon    float64
}

var (
	boston = place{"198.51.100.7", "US", 42.36, -71.06}
	nyc    = place{"198.51.100.99", "US", 40.71, -74.01}
	london = place{"203.0.113.20", "GB", 51.51, -0.13}
	moscow = place{"203.0.113.66", "RU", 55.76, 37.62}
)

func logon(t testing.TB, at time.Time, user string, p place, outcome string, extra ...any) *event.Event {
	f := map[string]any{"event.dataset": "auth", "event.category": "authentication", "event.action": "logon",
		"event.outcome": outcome, "user.name": user, "source.ip": p.ip,
		"source.geo.country_iso_code": p.country, "source.geo.location.lat": p.lat, "source.geo.location.lon": p.lon}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i].(string)] = extra[i+1]
	}
	return ecsEvent(t, at, f)
}

func authEvent(t testing.TB, at time.Time, action, user string, extra ...any) *event.Event {
	f := map[string]any{"event.dataset": "auth", "event.category": "authentication", "event.action": action,
		"event.outcome": "success", "user.name": user}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i].(string)] = extra[i+1]
	}
	return ecsEvent(t, at, f)
}

// routine is 12 daily logons from Boston with the usual laptop.
func routine(t testing.TB, user string) []*event.Event {
	var evs []*event.Event
	for i := 0; i < 12; i++ {
		evs = append(evs, logon(t, t0.Add(time.Duration(i)*24*time.Hour+9*time.Hour), user, boston, "success", "device.id", "laptop-1"))
	}
	return evs
}

var day12 = t0.Add(12*24*time.Hour + 9*time.Hour)

func TestImpossibleTravelAndNewCountry(t *testing.T) {
	d := New(Config{})
	if fs := run(d, routine(t, "jdoe42")...); len(fs) != 0 {
		t.Fatalf("routine flagged: %s", rules(fs))
	}
	fs := run(d, logon(t, day12, "jdoe42", boston, "success", "device.id", "laptop-1"),
		logon(t, day12.Add(time.Hour), "jdoe42", moscow, "success", "device.id", "laptop-1"))
	tr := only(fs, "impossible-travel")
	if len(tr) != 1 || tr[0].Severity != finding.SeverityHigh || len(tr[0].EventIDs) != 2 {
		t.Fatalf("impossible travel: %s", rules(fs))
	}
	checkFinding(t, tr[0])
	if !strings.Contains(tr[0].Explanation, "7") || !hasTag(tr[0], "distance_km:7") ||
		!strings.Contains(tr[0].Explanation, "US → RU") {
		t.Fatalf("travel explanation: %s %v", tr[0].Explanation, tr[0].Tags)
	}
	nc := only(fs, "new-country")
	if len(nc) != 1 || nc[0].Severity != finding.SeverityMedium || nc[0].Entities.SrcIP != moscow.ip {
		t.Fatalf("new country: %s", rules(fs))
	}
	if len(only(fs, "new-source-ip")) != 0 {
		t.Fatal("new country also reported as new ip")
	}
}

func TestTravelNearMisses(t *testing.T) {
	d := New(Config{})
	run(d, routine(t, "jdoe42")...)
	// Boston → New York in 10 minutes: 300 km is within geo-ip error.
	fs := run(d, logon(t, day12, "jdoe42", nyc, "success", "device.id", "laptop-1"))
	if len(only(fs, "impossible-travel")) != 0 || len(only(fs, "new-source-ip")) != 1 ||
		only(fs, "new-source-ip")[0].Severity != finding.SeverityInfo {
		t.Fatalf("nyc: %s", rules(fs))
	}
	// → London 10 h later: 5,300 km at 530 km/h is a flight.
	fs = run(d, logon(t, day12.Add(10*time.Hour), "jdoe42", london, "success", "device.id", "laptop-1"))
	if len(only(fs, "impossible-travel")) != 0 || len(only(fs, "new-country")) != 1 {
		t.Fatalf("london: %s", rules(fs))
	}
	// a user still warming up gets no novelty findings
	d = New(Config{})
	fs = run(d, logon(t, t0, "newhire", boston, "success"), logon(t, t0.Add(24*time.Hour), "newhire", london, "success"))
	if len(fs) != 0 {
		t.Fatalf("warm-up: %s", rules(fs))
	}
}

func TestNewDevice(t *testing.T) {
	d := New(Config{})
	run(d, routine(t, "jdoe42")...)
	fs := run(d, logon(t, day12, "jdoe42", boston, "success", "device.id", "phone-evil"))
	nd := only(fs, "new-device")
	if len(nd) != 1 || nd[0].Severity != finding.SeverityLow || !strings.Contains(nd[0].Explanation, `"phone-evil"`) {
		t.Fatalf("new device: %s", rules(fs))
	}
	if fs := run(d, logon(t, day12.Add(time.Hour), "jdoe42", boston, "success", "device.id", "phone-evil")); len(fs) != 0 {
		t.Fatalf("second use still new: %s", rules(fs))
	}
}

func TestHelpdeskChain(t *testing.T) {
	d := New(Config{})
	run(d, routine(t, "cfo1")...)
	reset := authEvent(t, day12, "password-reset", "cfo1", "event.actor", "helpdesk7")
	mfa := authEvent(t, day12.Add(20*time.Minute), "mfa-device-registered", "cfo1", "device.id", "authn-attacker")
	fs := run(d, reset, mfa)
	m := only(fs, "mfa-after-reset")
	if len(m) != 1 || m[0].Severity != finding.SeverityMedium || m[0].EventIDs[0] != reset.ID ||
		!strings.Contains(m[0].Explanation, `"helpdesk7"`) {
		t.Fatalf("mfa after reset: %v", fs)
	}
	checkFinding(t, m[0])
	fs = run(d, logon(t, day12.Add(30*time.Minute), "cfo1", london, "success", "device.id", "laptop-1"))
	if nc := only(fs, "new-country"); len(nc) != 1 || nc[0].Severity != finding.SeverityHigh {
		t.Fatalf("new country after reset not raised: %s", rules(fs))
	}
	bank := ecsEvent(t, day12.Add(2*time.Hour), map[string]any{"event.dataset": "finance", "event.action": "bank-details-change",
		"event.outcome": "success", "user.name": "cfo1", "finance.payee.name": "Blue Cross", "finance.payee.kind": "payer",
		"finance.account.last4": "9911", "source.ip": london.ip})
	b := only(run(d, bank), "bank-change-after-reset")
	if len(b) != 1 || b[0].Severity != finding.SeverityCritical || b[0].Entities.User != "cfo1" {
		t.Fatalf("bank change: %v", b)
	}
	if b[0].EventIDs[0] != reset.ID || b[0].EventIDs[len(b[0].EventIDs)-1] != bank.ID || !hasTag(b[0],
		"chain:help-desk reset → new MFA device → logon from a new address → bank-detail change") {
		t.Fatalf("chain evidence %v tags %v", b[0].EventIDs, b[0].Tags)
	}
}

func TestHelpdeskChainNearMisses(t *testing.T) {
	d := New(Config{})
	run(d, routine(t, "ap1")...)
	// an ordinary MFA enrolment and an ordinary bank change
	fs := run(d, authEvent(t, day12, "mfa-device-registered", "ap2", "device.id", "phone"))
	bank := func(at time.Time, u string) *event.Event {
		return ecsEvent(t, at, map[string]any{"event.dataset": "finance", "event.action": "bank-details-change",
			"user.name": u, "finance.payee.name": "Acme"})
	}
	fs = append(fs, run(d, bank(day12, "ap1"))...)
	// reset, then an MFA registration five days later: outside the window
	fs = append(fs, run(d, authEvent(t, day12, "password-reset", "ap3"),
		authEvent(t, day12.Add(5*24*time.Hour), "mfa-device-registered", "ap3"))...)
	// reset, then a bank change ten days later
	fs = append(fs, run(d, authEvent(t, day12, "mfa-reset", "ap4"), bank(day12.Add(10*24*time.Hour), "ap4"))...)
	if len(fs) != 0 {
		t.Fatalf("benign sequences flagged: %s", rules(fs))
	}
	// a bank change after a new MFA device without a reset: medium
	fs = run(d, authEvent(t, day12, "mfa-device-registered", "ap5"), bank(day12.Add(time.Hour), "ap5"))
	if b := only(fs, "bank-change-after-reset"); len(b) != 1 || b[0].Severity != finding.SeverityMedium {
		t.Fatalf("mfa then bank: %s", rules(fs))
	}
}

func TestFailedLoginBurst(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 12; i++ {
		evs = append(evs, logon(t, t0.Add(time.Duration(i)*20*time.Second), "victim", boston, "failure"))
	}
	fs := run(d, evs...)
	b := only(fs, "failed-login-burst")
	if len(b) != 1 || b[0].Severity != finding.SeverityMedium || len(b[0].EventIDs) != maxEvidence ||
		!hasTag(b[0], "failures:10") {
		t.Fatalf("burst: %v", b)
	}
	checkFinding(t, b[0])
	// the guessing worked: a success within the window raises it, once
	fs = run(d, logon(t, t0.Add(5*time.Minute), "victim", boston, "success"),
		logon(t, t0.Add(6*time.Minute), "victim", boston, "success"))
	if s := only(fs, "failed-login-burst"); len(s) != 1 || s[0].Severity != finding.SeverityHigh || !hasTag(s[0], "then:success") {
		t.Fatalf("burst then success: %v", s)
	}
	// near miss: a few typos, spread out
	evs = evs[:0]
	for i := 0; i < 9; i++ {
		evs = append(evs, logon(t, t0.Add(time.Duration(i)*2*time.Minute), "typo", boston, "failure"))
	}
	evs = append(evs, logon(t, t0.Add(30*time.Minute), "typo", boston, "failure"))
	if fs := run(d, evs...); len(fs) != 0 {
		t.Fatalf("typos flagged: %s", rules(fs))
	}
}

func TestPasswordSpray(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 15; i++ {
		evs = append(evs, logon(t, t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("user%02d", i), london, "failure"))
	}
	s := only(run(d, evs...), "password-spray")
	if len(s) != 1 || s[0].Severity != finding.SeverityHigh || s[0].Entities != (event.Entities{SrcIP: london.ip}) || !hasTag(s[0], "accounts:10") {
		t.Fatalf("spray: %v", s)
	}
	checkFinding(t, s[0])
	// near miss: many failures, few accounts, from one source (no spray)
	evs = evs[:0]
	for i := 0; i < 30; i++ {
		evs = append(evs, logon(t, t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("nurse%d", i%3), boston, "failure"))
	}
	if fs := only(run(d, evs...), "password-spray"); len(fs) != 0 {
		t.Fatalf("three accounts called a spray")
	}
}

func TestWindowsFailedLogons(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 10; i++ {
		raw := fmt.Sprintf(`{"EventID":4625,"Channel":"Security","Computer":"dc01","TimeCreated":%q,"EventRecordID":%d,"TargetUserName":"user%d","IpAddress":"10.66.0.9","LogonType":3}`,
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), 1000+i, i)
		ev := new(event.Event)
		if err := decoders.Decode(event.FormatWinFlat, []byte(raw), ev); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if s := only(run(d, evs...), "password-spray"); len(s) != 1 || s[0].Entities.SrcIP != "10.66.0.9" {
		t.Fatalf("windows spray: %v", s)
	}
}

func TestNewCountryAgainstOrganisationWhileWarmingUp(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	for i := 0; i < 60; i++ {
		p := boston
		if i%10 == 0 {
			p = london
		}
		evs = append(evs, logon(t, t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("staff%02d", i), p, "success"))
	}
	if fs := run(d, evs...); len(fs) != 0 {
		t.Fatalf("first logons flagged: %s", rules(fs))
	}
	// new users: the usual countries pass, a country no one uses does not
	fs := run(d, logon(t, t0.Add(2*time.Hour), "new1", boston, "success"),
		logon(t, t0.Add(2*time.Hour), "new2", london, "success"),
		logon(t, t0.Add(2*time.Hour), "new3", moscow, "success"))
	nc := only(fs, "new-country")
	if len(fs) != 1 || len(nc) != 1 || nc[0].Entities.User != "new3" ||
		!strings.Contains(nc[0].Explanation, "the organisation: RU seen for 0 other users of 62 with geolocated logons") {
		t.Fatalf("organisation baseline: %v", fs)
	}
}

func TestFarFutureEventIsIgnored(t *testing.T) {
	d := New(Config{IdleExpiry: 48 * time.Hour})
	run(d, routine(t, "jdoe42")...)
	before := d.Entities()
	ev := logon(t, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), "jdoe42", moscow, "success")
	ev.Ingested = day12
	if fs := run(d, ev); len(fs) != 0 {
		t.Fatalf("future event analysed: %s", rules(fs))
	}
	if d.Entities() != before {
		t.Fatalf("state changed: %d entities, was %d", d.Entities(), before)
	}
	// the user's history survived: a real logon from Moscow is still new
	ok := logon(t, day12, "jdoe42", moscow, "success")
	ok.Ingested = day12
	if len(only(run(d, ok), "new-country")) != 1 {
		t.Fatal("history lost")
	}
}

func TestTravelIgnoresBadCoordinates(t *testing.T) {
	d := New(Config{})
	run(d, append(routine(t, "jdoe42"), logon(t, day12, "jdoe42", boston, "success"))...)
	for _, c := range [][2]any{{"NaN", "0"}, {"Inf", "10"}, {91.0, 0.0}, {0.0, 181.0}, {"north", "west"}} {
		ev := ecsEvent(t, day12, map[string]any{"event.dataset": "auth", "event.action": "logon", "event.outcome": "success",
			"user.name": "jdoe42", "source.ip": boston.ip, "source.geo.location.lat": c[0], "source.geo.location.lon": c[1]})
		if fs := run(d, ev); len(fs) != 0 {
			t.Fatalf("coordinates %v: %s", c, rules(fs))
		}
	}
	// the last good fix (Boston) is still the reference
	if len(only(run(d, logon(t, day12.Add(time.Minute), "jdoe42", moscow, "success")), "impossible-travel")) != 1 {
		t.Fatal("good fix lost")
	}
}
