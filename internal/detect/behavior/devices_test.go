package behavior

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

func flow(t testing.TB, at time.Time, dev, host, src, dst string, port int, proto string, bytes int, extra ...any) *event.Event {
	f := map[string]any{"event.dataset": "network", "event.category": "network", "event.action": "connection",
		"event.outcome": "success", "source.ip": src, "destination.ip": dst, "destination.port": port,
		"network.transport": "tcp", "network.protocol": proto, "source.bytes": bytes}
	if dev != "" {
		f["device.id"] = dev
	}
	if host != "" {
		f["host.name"] = host
	}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i].(string)] = extra[i+1]
	}
	return ecsEvent(t, at, f)
}

const (
	pumpIP   = "10.40.1.17"
	engineIP = "10.10.0.5" // HL7 interface engine
	vendorIP = "203.0.113.80"
	c2IP     = "198.51.100.200"
)

func pumpDir() *dir {
	d := newDir().asset("infusion_pump", 1, "AST-0042", "pump-icu-07", pumpIP).
		asset("workstation", 3, "AST-0100", "ws-onc-01", "10.40.2.50")
	for i := 1; i <= 5; i++ {
		d.asset("infusion_pump", 1, fmt.Sprintf("AST-004%d", 2+i))
	}
	return d
}

// pumpRoutine: for each of six pumps, every 5 minutes an HL7 message to the
// engine and every hour a check-in with the vendor's server, for days days
// (at most 60 s jitter).
func pumpRoutine(t testing.TB, days int) []*event.Event {
	var evs []*event.Event
	for m := 0; m < days*24*60; m += 5 {
		at := t0.Add(time.Duration(m)*time.Minute + time.Duration((m*37)%60)*time.Second)
		for p := 0; p < 6; p++ {
			dev, host, ip := fmt.Sprintf("AST-004%d", 2+p), "", fmt.Sprintf("10.40.1.%d", 17+p)
			if p == 0 {
				host = "pump-icu-07"
			}
			evs = append(evs, flow(t, at, dev, host, ip, engineIP, 2575, "hl7", 2000))
			if m%60 == 0 {
				evs = append(evs, flow(t, at, dev, host, ip, vendorIP, 443, "https", 5000,
					"destination.domain", "updates.pumpvendor.example"))
			}
		}
	}
	return evs
}

func TestDeviceLateral(t *testing.T) {
	d := New(Config{Directory: pumpDir()})
	fs := run(d, flow(t, t0, "", "pump-icu-07", pumpIP, "10.40.9.9", 445, "smb", 900),
		flow(t, t0.Add(time.Minute), "", "pump-icu-07", pumpIP, "10.40.9.10", 445, "smb", 900))
	l := only(fs, "device-lateral")
	if len(l) != 1 || l[0].Severity != finding.SeverityHigh || l[0].Entities.Host != "pump-icu-07" ||
		!strings.Contains(l[0].Explanation, `infusion_pump "pump-icu-07" (criticality 1) initiated an SMB connection`) {
		t.Fatalf("lateral: %v", l)
	}
	checkFinding(t, l[0])
	// a medication cabinet (tier 3, but medical by kind) sweeping RDP
	cab := New(Config{Directory: newDir().asset("medication_cabinet", 3, "medcab-icu-01")})
	if l := only(run(cab, flow(t, t0, "", "medcab-icu-01", "10.40.7.7", "10.40.9.9", 3389, "rdp", 900)), "device-lateral"); len(l) != 1 ||
		!strings.Contains(l[0].Explanation, "initiated an RDP connection") {
		t.Fatalf("medication cabinet: %v", l)
	}
	// near misses: a workstation mapping a share; an unknown device id without a directory
	fs = run(d, flow(t, t0, "", "ws-onc-01", "10.40.2.50", "10.40.9.9", 445, "smb", 900))
	fs = append(fs, run(New(Config{}), flow(t, t0, "AST-0042", "", pumpIP, "10.40.9.9", 3389, "rdp", 900))...)
	if len(only(fs, "device-lateral")) != 0 {
		t.Fatalf("near misses flagged: %s", rules(fs))
	}
}

func TestDeviceBeaconing(t *testing.T) {
	d := New(Config{Directory: pumpDir()})
	// two days of routine: HL7 every 5 min is internal, and the hourly
	// check-in with the vendor is shared by the whole fleet of pumps.
	if fs := run(d, pumpRoutine(t, 2)...); len(fs) != 0 {
		t.Fatalf("routine flagged: %s %s", fs[0].RuleID, fs[0].Explanation)
	}
	var evs []*event.Event
	start := t0.Add(3 * 24 * time.Hour)
	for i := 0; i < 20; i++ {
		jitter := time.Duration((i*7)%5) * time.Second
		evs = append(evs, flow(t, start.Add(time.Duration(i)*time.Minute+jitter), "AST-0042", "pump-icu-07", pumpIP, c2IP, 8443, "https", 300))
	}
	b := only(run(d, evs...), "device-beaconing")
	if len(b) != 1 || b[0].Severity != finding.SeverityHigh || !hasTag(b[0], "destination:"+c2IP) || !hasTag(b[0], "period_s:60") {
		t.Fatalf("beaconing: %v", b)
	}
	checkFinding(t, b[0])
}

func TestBeaconingNearMisses(t *testing.T) {
	d := New(Config{})
	var evs []*event.Event
	// HL7 to the internal interface engine every 60 s: internal, never beaconing
	for i := 0; i < 40; i++ {
		evs = append(evs, flow(t, t0.Add(time.Duration(i)*time.Minute), "AST-0042", "", pumpIP, engineIP, 2575, "hl7", 800))
	}
	// irregular external connections (a person browsing)
	gaps := []int{3, 40, 7, 300, 12, 90, 5, 600, 33, 8, 150, 21, 60, 4, 240, 17, 9, 75}
	at := t0
	for _, g := range gaps {
		at = at.Add(time.Duration(g) * time.Second)
		evs = append(evs, flow(t, at, "AST-0500", "", "10.50.0.1", c2IP, 443, "https", 800))
	}
	if fs := only(run(d, evs...), "device-beaconing"); len(fs) != 0 {
		t.Fatalf("near misses flagged: %s", fs[0].Explanation)
	}
}

func TestDeviceNewDestinationAndPort(t *testing.T) {
	d := New(Config{Directory: pumpDir()})
	run(d, pumpRoutine(t, 2)...)
	at := t0.Add(2*24*time.Hour + time.Hour)
	fs := run(d, flow(t, at, "AST-0042", "", pumpIP, "192.0.2.77", 443, "https", 100, "destination.domain", "evil.example"))
	nd := only(fs, "device-new-destination")
	if len(nd) != 1 || nd[0].Severity != finding.SeverityMedium || !strings.Contains(nd[0].Explanation, "evil.example") {
		t.Fatalf("new destination: %s", rules(fs))
	}
	checkFinding(t, nd[0])
	fs = run(d, flow(t, at.Add(time.Minute), "AST-0042", "", pumpIP, engineIP, 22, "ssh", 100))
	if np := only(fs, "device-new-port"); len(np) != 1 || !strings.Contains(np[0].Explanation, "protocol ssh port 22") {
		t.Fatalf("new port: %s", rules(fs))
	}
	// again: no longer new; a reply to an ephemeral port is no service
	if fs := run(d, flow(t, at.Add(2*time.Minute), "AST-0042", "", pumpIP, engineIP, 22, "ssh", 100),
		flow(t, at.Add(3*time.Minute), "AST-0042", "", pumpIP, engineIP, 51515, "", 100)); len(fs) != 0 {
		t.Fatalf("repeat flagged: %s", rules(fs))
	}
}

func TestDeviceNoveltyNearMisses(t *testing.T) {
	d := New(Config{Directory: pumpDir()})
	// during warm-up (first day) everything is new and nothing is reported
	fs := run(d, pumpRoutine(t, 1)...)
	fs = append(fs, run(d, flow(t, t0.Add(3*time.Hour), "AST-0042", "", pumpIP, "192.0.2.77", 443, "https", 100))...)
	// a workstation browsing new sites after weeks of activity
	for i := 0; i < 100; i++ {
		fs = append(fs, run(d, flow(t, t0.Add(time.Duration(i)*time.Hour), "", "ws-onc-01", "10.40.2.50",
			"192.0.2.1", 443, "https", 100))...)
	}
	fs = append(fs, run(d, flow(t, t0.Add(101*time.Hour), "", "ws-onc-01", "10.40.2.50", "192.0.2.99", 8080, "http", 100))...)
	for _, f := range fs {
		if f.RuleID == "behavior.device-new-destination" || f.RuleID == "behavior.device-new-port" {
			t.Fatalf("near miss flagged: %s", f.Explanation)
		}
	}
}

func TestDeviceVolume(t *testing.T) {
	d := New(Config{})
	const mb = 1 << 20
	var evs []*event.Event
	for day := 0; day < 6; day++ {
		for h := 0; h < 10; h++ { // 100 MB a day
			evs = append(evs, flow(t, t0.Add(time.Duration(day*24+h)*time.Hour), "AST-0700", "", "10.60.0.2", engineIP, 104, "dicom", 10*mb))
		}
	}
	if fs := run(d, evs...); len(only(fs, "device-volume")) != 0 {
		t.Fatalf("regular volume flagged")
	}
	// 150 MB: a busy day, not a spike
	evs = evs[:0]
	for h := 0; h < 15; h++ {
		evs = append(evs, flow(t, t0.Add(time.Duration(6*24+h)*time.Hour), "AST-0700", "", "10.60.0.2", engineIP, 104, "dicom", 10*mb))
	}
	if fs := run(d, evs...); len(only(fs, "device-volume")) != 0 {
		t.Fatalf("busy day flagged")
	}
	evs = evs[:0]
	for h := 0; h < 10; h++ {
		evs = append(evs, flow(t, t0.Add(time.Duration(7*24+h)*time.Hour), "AST-0700", "", "10.60.0.2", c2IP, 443, "https", 200*mb))
	}
	v := only(run(d, evs...), "device-volume")
	if len(v) != 1 || !strings.Contains(v[0].Explanation, "median 100, MAD 0.0 over this device's last 7 active days (MB/day)") {
		t.Fatalf("volume spike: %v", v)
	}
	checkFinding(t, v[0])
}

func TestLateralFanout(t *testing.T) {
	d := New(Config{Directory: pumpDir().asset("server", 2, "backup01", "10.0.9.9")})
	var evs []*event.Event
	for i := 0; i < 25; i++ {
		evs = append(evs, flow(t, t0.Add(time.Duration(i)*10*time.Second), "", "ws-onc-01", "10.40.2.50",
			fmt.Sprintf("10.40.%d.%d", i/10, 10+i), 445, "smb", 500))
	}
	fs := only(run(d, evs...), "device-lateral")
	if len(fs) != 1 || fs[0].Severity != finding.SeverityHigh || fs[0].Entities.SrcIP != "10.40.2.50" ||
		!hasTag(fs[0], "fanout:20") || !hasTag(fs[0], "service:SMB") || len(fs[0].EventIDs) != maxEvidence {
		t.Fatalf("fan-out: %v", fs)
	}
	checkFinding(t, fs[0])
	// near misses: a workstation using three file servers all day; the
	// backup server reaching every host; an external sweep target list
	evs = evs[:0]
	for i := 0; i < 300; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		evs = append(evs, flow(t, at, "", "ws-onc-02", "10.40.2.51", fmt.Sprintf("10.0.1.%d", i%3), 445, "smb", 500),
			flow(t, at, "", "backup01", "10.0.9.9", fmt.Sprintf("10.40.%d.%d", i/100, i%100), 445, "smb", 500))
	}
	if fs := only(run(d, evs...), "device-lateral"); len(fs) != 0 {
		t.Fatalf("near misses flagged: %s", fs[0].Explanation)
	}
}

func TestDeviceNoveltyIsCappedPerDay(t *testing.T) {
	d := New(Config{Directory: pumpDir()})
	run(d, pumpRoutine(t, 2)...)
	at := t0.Add(2*24*time.Hour + time.Hour)
	var evs []*event.Event
	for i := 0; i < 12; i++ {
		evs = append(evs, flow(t, at.Add(time.Duration(i)*time.Second), "AST-0042", "", pumpIP, fmt.Sprintf("192.0.2.%d", 100+i), 443, "https", 100))
	}
	if fs := only(run(d, evs...), "device-new-destination"); len(fs) != maxNoveltyPerDay {
		t.Fatalf("%d new-destination findings, want %d", len(fs), maxNoveltyPerDay)
	}
	// the next day reports again
	if fs := run(d, flow(t, at.Add(24*time.Hour), "AST-0042", "", pumpIP, "192.0.2.250", 443, "https", 100)); len(only(fs, "device-new-destination")) != 1 {
		t.Fatalf("next day: %s", rules(fs))
	}
}
