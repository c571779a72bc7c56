package mock

import (
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics live in the server's own registry, so several servers in one
// process (tests, matrix runs) never collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	handler  http.Handler
	// byOp caches the children of the vectors so the hot path skips the
	// label hashing and the vectors' locks.
	byOp sync.Map // operation → *opMetrics
}

type opMetrics struct {
	latency  prometheus.Observer
	outcomes sync.Map // outcome → prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cogmock_requests_total",
		Help: "Requests by operation and outcome (ok or the error type).",
	}, []string{"operation", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cogmock_request_duration_seconds",
		Help:    "Time to answer, including simulated latency, by operation.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"operation"})
	m.reg.MustRegister(m.requests, m.latency)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) observe(op, outcome string, seconds float64) {
	v, ok := m.byOp.Load(op)
	if !ok {
		v, _ = m.byOp.LoadOrStore(op, &opMetrics{latency: m.latency.WithLabelValues(op)})
	}
	om := v.(*opMetrics)
	c, ok := om.outcomes.Load(outcome)
	if !ok {
		c, _ = om.outcomes.LoadOrStore(outcome, m.requests.WithLabelValues(op, outcome))
	}
	c.(prometheus.Counter).Inc()
	om.latency.Observe(seconds)
}
