package behavior

import (
	"fmt"
	"math"

	"github.com/vigil-soc/vigil/internal/finding"
)

// beaconIntervals is how many recent inter-arrival times are judged.
const beaconIntervals = 16

// Beacon periods judged: shorter is a session, longer is too slow to matter.
const (
	beaconMinPeriod = 5.0
	beaconMaxPeriod = 6 * 3600.0
)

// beaconState holds the recent inter-arrival times of one device to one
// external destination.
type beaconState struct {
	Last    int64 // unix milliseconds of the last connection
	Iv      [beaconIntervals]float32
	N, I    uint8
	FlagDay int32
}

func (b *beaconState) lastSeen() int64 { return b.Last / 1000 }

// fleetMin is how many distinct devices contacting one external destination
// make it shared infrastructure (a vendor's cloud, an update server) rather
// than one device's command-and-control: periodic traffic to it is not
// reported as beaconing.
const fleetMin = 5

// destState records which devices contacted an external destination.
type destState struct {
	Last    int64
	Devices Set // at most fleetMin device hashes
}

func (s *destState) lastSeen() int64 { return s.Last }

// shared notes that device contacted dest and reports whether dest is
// shared infrastructure.
func (d *Detector) shared(x *evctx, device, dest string) bool {
	s := d.st.Dests[dest]
	if s == nil {
		s = &destState{}
		d.st.Dests[dest] = s
	}
	s.Last = max(s.Last, x.t.Unix())
	if len(s.Devices.H) < fleetMin {
		s.Devices.Add(hash32(device), fleetMin)
	}
	return len(s.Devices.H) >= fleetMin
}

// beacon updates the inter-arrival times of device → dest and reports
// periodic connections: coefficient of variation of the last intervals at
// most BeaconMaxCV over at least BeaconMin intervals (once a day per pair).
func (d *Detector) beacon(x *evctx, a asset, dest string) {
	if d.shared(x, a.key, dest) {
		return
	}
	key := a.key + "\x00" + dest
	b := d.st.Beacons[key]
	now := x.t.UnixMilli()
	if b == nil {
		d.st.Beacons[key] = &beaconState{Last: now, FlagDay: -1}
		return
	}
	iv := float64(now-b.Last) / 1000
	if iv < 1 {
		return // same burst of flows
	}
	b.Last = now
	b.Iv[b.I] = float32(iv)
	b.I = (b.I + 1) % beaconIntervals
	b.N = min(b.N+1, beaconIntervals)
	day := x.day()
	if int(b.N) < min(d.cfg.BeaconMin, beaconIntervals) || b.FlagDay == day {
		return
	}
	mean, cv := meanCV(b.Iv[:b.N])
	if cv > d.cfg.BeaconMaxCV || mean < beaconMinPeriod || mean > beaconMaxPeriod {
		return
	}
	b.FlagDay = day
	sev, conf := finding.SeverityMedium, 0.6
	if a.medical() {
		sev, conf = finding.SeverityHigh, 0.7
	}
	x.report(report{rule: "device-beaconing", title: "Periodic connections to an external host (beaconing)",
		sev: sev, conf: conf, score: 1 / math.Max(cv, 0.01),
		baseline:    fmt.Sprintf("coefficient of variation %.3f ≤ %.2f over %d intervals", cv, d.cfg.BeaconMaxCV, b.N),
		techniques:  []string{"T1071", "T1573"},
		tags:        []string{fmt.Sprintf("period_s:%.0f", mean), fmt.Sprintf("cv:%.3f", cv), "destination:" + dest},
		explanation: fmt.Sprintf("The %s connects to external host %s every %.0f s with a regularity typical of command-and-control beacons.", a, dest, mean)})
}

func meanCV(v []float32) (mean, cv float64) {
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (float64(x) - mean) * (float64(x) - mean)
	}
	sd := math.Sqrt(ss / float64(len(v)))
	if mean == 0 {
		return 0, math.Inf(1)
	}
	return mean, sd / mean
}
