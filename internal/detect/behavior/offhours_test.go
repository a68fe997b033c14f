package behavior

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

// shifts returns one EHR read per hour of each shift (start hour, length)
// over days consecutive days.
func shifts(t testing.TB, user string, days, start, length int) []*event.Event {
	var evs []*event.Event
	for day := 0; day < days; day++ {
		for h := 0; h < length; h++ {
			at := t0.Add(time.Duration(day*24+start+h)*time.Hour + 10*time.Minute)
			evs = append(evs, auditEvent(t, at, user, "10.1.1.1", "pat-000042", "read", "0"))
		}
	}
	return evs
}

func TestOffHours(t *testing.T) {
	d := New(Config{})
	if fs := only(run(d, shifts(t, "dayworker", 10, 8, 8)...), "off-hours"); len(fs) != 0 {
		t.Fatalf("day shifts flagged: %v", fs[0].Explanation)
	}
	at := t0.Add(10*24*time.Hour + 2*time.Hour + 30*time.Minute) // Thursday 02:30
	fs := only(run(d, auditEvent(t, at, "dayworker", "10.1.1.1", "pat-000042", "read", "0"),
		auditEvent(t, at.Add(time.Hour), "dayworker", "10.1.1.1", "pat-000042", "read", "0")), "off-hours")
	if len(fs) != 1 {
		t.Fatalf("want one off-hours finding per day, got %d", len(fs))
	}
	checkFinding(t, fs[0])
	if fs[0].Severity != finding.SeverityLow || !hasTag(fs[0], "hour:02") ||
		!strings.Contains(fs[0].Explanation, "0.0% of this user's 80 active hours fall within an hour of 02:00") {
		t.Fatalf("off-hours finding: %s %v", fs[0].Explanation, fs[0].Tags)
	}
}

func TestOffHoursNightNurseIsNormal(t *testing.T) {
	d := New(Config{})
	run(d, shifts(t, "nightnurse", 10, 19, 12)...) // 19:00-07:00
	at := t0.Add(10*24*time.Hour + 2*time.Hour)
	if fs := only(run(d, auditEvent(t, at, "nightnurse", "10.1.1.1", "pat-000042", "read", "0")), "off-hours"); len(fs) != 0 {
		t.Fatalf("night nurse at 02:00 flagged: %s", fs[0].Explanation)
	}
	// the same nurse at noon is the unusual case
	at = t0.Add(11*24*time.Hour + 12*time.Hour)
	if fs := only(run(d, auditEvent(t, at, "nightnurse", "10.1.1.1", "pat-000042", "read", "0")), "off-hours"); len(fs) != 1 {
		t.Fatalf("night nurse at noon not flagged")
	}
}

func TestOffHoursWarmUpAndPeers(t *testing.T) {
	at := t0.Add(10*24*time.Hour + 3*time.Hour)
	d := New(Config{})
	run(d, shifts(t, "fresh", 2, 8, 8)...) // 16 active hours < 40
	if fs := only(run(d, auditEvent(t, at, "fresh", "10.1.1.1", "pat-000042", "read", "0")), "off-hours"); len(fs) != 0 {
		t.Fatal("judged during warm-up without peers")
	}
	dr := newDir().user("peer1", "billing", "Billing").user("peer2", "billing", "Billing").user("fresh2", "billing", "Billing")
	d = New(Config{Directory: dr})
	run(d, append(shifts(t, "peer1", 14, 8, 8), shifts(t, "peer2", 14, 8, 8)...)...)
	run(d, shifts(t, "fresh2", 1, 8, 8)...)
	fs := only(run(d, auditEvent(t, at, "fresh2", "10.1.1.1", "pat-000042", "read", "0")), "off-hours")
	if len(fs) != 1 || !strings.Contains(fs[0].Explanation, "peer group billing/Billing") {
		t.Fatalf("peer hours not used: %v", fs)
	}
}

func TestOffHoursInHospitalTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	d := New(Config{Location: ny})
	run(d, shifts(t, "dayworker", 10, 13, 8)...) // 13:00-21:00 UTC = 08:00-16:00 EST
	at := t0.Add(10*24*time.Hour + 7*time.Hour + 30*time.Minute)
	fs := only(run(d, auditEvent(t, at, "dayworker", "10.1.1.1", "pat-000042", "read", "0")), "off-hours")
	if len(fs) != 1 || !hasTag(fs[0], "hour:02") || !strings.Contains(fs[0].Explanation, "at 02:00 on a Thursday") {
		t.Fatalf("local hour: %v", fs)
	}
}
