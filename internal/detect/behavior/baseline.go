package behavior

import (
	"fmt"
	"math"
	"slices"

	"github.com/vigil-soc/vigil/internal/finding"
)

// ringLen is the number of active days a baseline spans: two weeks covers
// weekday/weekend patterns and a full rotation of 12-hour shift patterns
// while forgetting behaviour older than a fortnight (the "decay").
const ringLen = 14

// peerLen is the number of member-days a peer-group baseline keeps.
const peerLen = 256

// Ring is a sliding window of the last ringLen per-day values of an entity
// (days without activity are not pushed: baselines are over active days).
// Values saturate at 65,535 (16 bits keep the state small).
type Ring struct {
	V [ringLen]uint16
	N uint8 // values held, ≤ ringLen
	I uint8 // next slot
}

// Push adds one day's value, dropping the oldest when full.
func (r *Ring) Push(v uint32) {
	r.V[r.I] = uint16(min(v, 0xffff))
	r.I = (r.I + 1) % ringLen
	if r.N < ringLen {
		r.N++
	}
}

// Stats returns the median and the median absolute deviation of the values.
func (r *Ring) Stats() (med, mad float64) {
	return medMAD(r.V[:r.N])
}

// PeerRing is the sliding window of the last peerLen member-day values of a
// peer group (role + department).
type PeerRing struct {
	V []uint32
	I int
}

// Push adds one member-day value.
func (p *PeerRing) Push(v uint32) {
	if len(p.V) < peerLen {
		p.V = append(p.V, v)
		return
	}
	p.V[p.I] = v
	p.I = (p.I + 1) % peerLen
}

// medMAD computes median and MAD of vs without modifying it.
func medMAD[T uint16 | uint32](vs []T) (med, mad float64) {
	if len(vs) == 0 {
		return 0, 0
	}
	s := make([]float64, len(vs))
	for i, v := range vs {
		s[i] = float64(v)
	}
	med = median(s)
	for i := range s {
		s[i] = math.Abs(s[i] - med)
	}
	return med, median(s)
}

func median(s []float64) float64 {
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// baseline is what a value is compared with: a robust centre and scale and
// where they came from ("own 9 days", "peers nurse/Oncology 120 member-days",
// or "none" for the cold-start floor).
type baseline struct {
	Med, MAD float64
	N        int
	Whose    string // "this user's", "this device's" or "" for a peer group
	Group    string // the peer group key when Whose is ""
	Unit     string // appended to the window, e.g. " (MB/day)"
	Cold     bool   // no baseline: only the absolute cold floor applies
}

// source says where the baseline came from (formatted only for findings).
func (b baseline) source() string {
	if b.Whose == "" {
		return fmt.Sprintf("peer group %s (%d member-days)", b.Group, b.N)
	}
	return fmt.Sprintf("%s last %d active days%s", b.Whose, b.N, b.Unit)
}

// scale is the robust standard deviation 1.4826·MAD, floored at the Poisson
// noise of a count (√median), at a quarter of the median and at 1, so that a
// perfectly regular entity (MAD 0) is not flagged for a small change.
func (b baseline) scale() float64 {
	return max(1.4826*b.MAD, math.Sqrt(b.Med), 0.25*b.Med, 1)
}

// z is the robust z-score of x against the baseline.
func (b baseline) z(x float64) float64 { return (x - b.Med) / b.scale() }

// String renders the baseline for explanations.
func (b baseline) String() string {
	if b.Cold {
		return "no baseline yet (cold-start floor)"
	}
	return fmt.Sprintf("median %.0f, MAD %.1f over %s", b.Med, b.MAD, b.source())
}

// anomalous reports whether x departs from b: robust z at least cfg
// ZThreshold, at least MinRatio times the median, and at least minAbs; with
// a cold baseline only x ≥ cold counts. It returns the score (z, or x/cold
// scaled to the same range for a cold baseline).
func anomalous(cfg *Config, b baseline, x float64, minAbs, cold int) (score float64, ok bool) {
	if b.Cold {
		return cfg.ZThreshold * x / float64(cold), x >= float64(cold)
	}
	z := b.z(x)
	return z, z >= cfg.ZThreshold && x >= cfg.MinRatio*b.Med && x >= float64(minAbs)
}

// severityFor maps a robust z-score to severity and confidence: scores
// below 8 (twice the threshold) are medium, above high; confidence rises
// from 0.5 at the threshold towards 0.95.
func severityFor(cfg *Config, z float64) (finding.Severity, float64) {
	conf := 0.5 + 0.45*(1-math.Exp(-(z-cfg.ZThreshold)/cfg.ZThreshold))
	conf = math.Round(min(max(conf, 0.5), 0.95)*100) / 100
	if z >= 2*cfg.ZThreshold {
		return finding.SeverityHigh, conf
	}
	return finding.SeverityMedium, conf
}
