package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/detect/privacy"
)

// registerPrivacyMetrics exposes the privacy detector's access counters as
// vigil_privacy_accesses_total{outcome="explained|flagged|unexplained_unflagged"}
// (the explained share is explained / sum) and vigil_privacy_findings_total.
func registerPrivacyMetrics(reg prometheus.Registerer, dets []detect.Detector) {
	for _, d := range dets {
		p, ok := d.(*privacy.Detector)
		if !ok {
			continue
		}
		for outcome, get := range map[string]func(privacy.Stats) uint64{
			"explained":             func(s privacy.Stats) uint64 { return s.Explained },
			"flagged":               func(s privacy.Stats) uint64 { return s.Flagged },
			"unexplained_unflagged": func(s privacy.Stats) uint64 { return s.Unflagged },
		} {
			reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "vigil_privacy_accesses_total", Help: "EHR accesses judged by the privacy detector, by outcome.",
				ConstLabels: prometheus.Labels{"outcome": outcome},
			}, func() float64 { return float64(get(p.Stats())) }))
		}
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vigil_privacy_findings_total", Help: "Findings emitted by the privacy detector.",
		}, func() float64 { return float64(p.Stats().Findings) }))
	}
}
