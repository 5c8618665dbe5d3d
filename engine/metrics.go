package engine

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/transload/transload/builtin"
)

// metrics are the engine's Prometheus metrics, in a registry of their own
// (no global state), served at /metrics.
type metrics struct {
	registry     *prometheus.Registry
	received     *prometheus.CounterVec
	outcomes     *prometheus.CounterVec
	deadLetters  *prometheus.CounterVec
	retries      *prometheus.CounterVec
	backpressure *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	reloads      *prometheus.CounterVec
	generation   prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transload_messages_received_total", Help: "Messages accepted into a flow's inbox.",
		}, []string{"flow"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transload_documents_total", Help: "Documents processed, by outcome (delivered, duplicate, filtered, dead_letter, aggregated, retry).",
		}, []string{"flow", "outcome"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transload_dead_letters_total", Help: "Dead letters written, by reason code.",
		}, []string{"flow", "reason"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transload_retries_total", Help: "Messages scheduled for a retry.",
		}, []string{"flow"}),
		backpressure: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transload_backpressure_total", Help: "Submissions refused because the inbox was full.",
		}, []string{"flow"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "transload_message_duration_seconds", Help: "Time to process one message, all its steps and deliveries.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}, []string{"flow"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transload_reloads_total", Help: "Loads of the flow files, by result (ok, invalid, failed).",
		}, []string{"result"}),
		generation: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "transload_reload_generation", Help: "The generation of the running version of the flows.",
		}),
	}
	fallbacks := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "transload_expression_fallbacks_total",
		Help: "Evaluations of natively compiled expressions that CEL's interpreter made instead (errors, and values the native form does not take).",
	}, func() float64 { return float64(builtin.NativeFallbacks()) })
	m.registry.MustRegister(m.received, m.outcomes, m.deadLetters, m.retries, m.backpressure, m.duration, m.reloads, m.generation, fallbacks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
