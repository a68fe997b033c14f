package api

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the API's Prometheus collectors.
type metrics struct {
	ingestEvents   *prometheus.CounterVec // format
	ingestRejected prometheus.Counter
	ingestSeconds  prometheus.Histogram
	httpRequests   *prometheus.CounterVec   // route, code
	httpSeconds    *prometheus.HistogramVec // route
	overload       *prometheus.CounterVec   // code
}

// newMetrics creates the collectors and registers them with reg (if not
// nil); a registration failure is logged and the collector still counts.
func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	m := &metrics{
		ingestEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_ingest_events_total", Help: "Events accepted by the ingest API, by source format.",
		}, []string{"format"}),
		ingestRejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigil_ingest_rejected_total", Help: "Records rejected by the ingest API (sent to the dead-letter queue).",
		}),
		ingestSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigil_ingest_request_seconds", Help: "Duration of ingest requests, until the events are durable.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		httpSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "vigil_http_request_seconds", Help: "HTTP request duration by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		overload: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_ingest_overload_total", Help: "Ingest requests refused for overload, by status code (429, 503).",
		}, []string{"code"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.ingestEvents, m.ingestRejected, m.ingestSeconds,
			m.httpRequests, m.httpSeconds, m.overload} {
			if err := reg.Register(c); err != nil {
				log.Warn("metric not registered", "err", err)
			}
		}
	}
	return m
}
