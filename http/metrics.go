package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (several servers in one test process must not collide).
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	screenings prometheus.Counter
	entities   prometheus.Gauge
	inForce    *prometheus.GaugeVec
	handler    http.Handler
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ties_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ties_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 60},
		}, []string{"route"}),
		screenings: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ties_screenings_total", Help: "Names screened through the API.",
		}),
		entities: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ties_index_entities", Help: "Entities in the screening index.",
		}),
		inForce: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ties_list_version_in_force", Help: "Id of the list version in force, by dataset.",
		}, []string{"dataset"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.screenings, m.entities, m.inForce,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.opt.SyncGauges != nil {
		for _, name := range s.opt.SyncGaugeNames {
			value := func() float64 { return s.opt.SyncGauges()[name] }
			if strings.HasSuffix(name, "_total") {
				m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: "Background list sync."}, value))
			} else {
				m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: "Background list sync."}, value))
			}
		}
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) observe(route string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

func (m *metrics) snapshotSwapped(snap *snapshot) {
	m.entities.Set(float64(snap.index.Len()))
	m.inForce.Reset()
	for _, v := range snap.versions {
		m.inForce.WithLabelValues(v.Dataset).Set(float64(v.ID))
	}
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}
