package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the pipeline's Prometheus collectors. A nil *Metrics is valid
// and records nothing.
type Metrics struct {
	pending        *prometheus.GaugeVec
	batches        *prometheus.CounterVec
	errors         *prometheus.CounterVec
	findingLatency prometheus.Histogram
	findings       *prometheus.CounterVec
	eventsStored   prometheus.Counter
}

// NewMetrics creates the collectors and registers them on reg (nil: not
// registered, useful in tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "vigil_pipeline_pending",
			Help: "Messages not yet processed by the consumer (pending + unacknowledged), refreshed every few seconds.",
		}, []string{"consumer"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_pipeline_batches_total",
			Help: "Batches handled successfully by the consumer.",
		}, []string{"consumer"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_pipeline_errors_total",
			Help: "Batches the consumer failed to handle (they are retried).",
		}, []string{"consumer"}),
		findingLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigil_finding_latency_seconds",
			Help:    "Time from event ingest to its finding being stored.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_findings_total",
			Help: "Findings emitted by each detector (replayed events count again).",
		}, []string{"detector"}),
		eventsStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigil_events_stored_total",
			Help: "Events newly inserted into the store.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.pending, m.batches, m.errors, m.findingLatency, m.findings, m.eventsStored)
	}
	return m
}

func (m *Metrics) setPending(consumer string, n uint64) {
	if m != nil {
		m.pending.WithLabelValues(consumer).Set(float64(n))
	}
}

func (m *Metrics) batch(consumer string, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.errors.WithLabelValues(consumer).Inc()
		return
	}
	m.batches.WithLabelValues(consumer).Inc()
}

func (m *Metrics) stored(n int) {
	if m != nil {
		m.eventsStored.Add(float64(n))
	}
}

func (m *Metrics) finding(detector string, latencySeconds float64, observe bool) {
	if m == nil {
		return
	}
	m.findings.WithLabelValues(detector).Inc()
	if observe {
		m.findingLatency.Observe(latencySeconds)
	}
}
