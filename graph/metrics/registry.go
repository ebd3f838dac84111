// Package metrics is pactreg's Prometheus instrumentation: a private
// registry with the GraphQL, HTTP, database-pool, Go-runtime and process
// metrics, served in the text exposition format by Registry.Handler.
//
// No metric carries personal data, credentials, variables or documents:
// labels are operation names (normalised, see Options.MaxOperations),
// operation types, error codes, handler names, methods and status codes.
package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes pactreg's own metric names.
const Namespace = "pactreg"

// Options tune a Registry.
type Options struct {
	// MaxOperations caps how many distinct operation names become label
	// values; later names are counted as "other". 0 means 100.
	MaxOperations int
	// GaugeTimeout bounds each AddGaugeContext function at scrape time;
	// 0 means 2s.
	GaugeTimeout time.Duration
	// Logger receives scrape errors; nil means slog.Default().
	Logger *slog.Logger
}

// Registry holds pactreg's metrics. It is a private prometheus.Registry,
// not the global one, so two handlers (or two tests) never collide. Make
// one per process with New, pass it to graph.Config.Metrics, and serve
// Handler.
//
// Further gauges are registered with AddGaugeFunc (a value the process
// holds in memory) or AddGaugeContext (a value that must be fetched, such
// as a count from the database). For example, the depth of a webhook
// outbox:
//
//	err := reg.AddGaugeContext("pactreg_webhook_outbox_depth",
//		"Webhook deliveries waiting in the outbox.",
//		func(ctx context.Context) (float64, error) {
//			n, err := client.WebhookDelivery.Query().Where(…pending…).Count(ctx)
//			return float64(n), err
//		})
//
// Both are evaluated on each scrape of /metrics, never in between.
type Registry struct {
	reg  *prometheus.Registry
	opts Options
	log  *slog.Logger
	ops  *operationNames

	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	errors       *prometheus.CounterVec
	direct       prometheus.Counter
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
}

// New returns a Registry with the GraphQL and HTTP metrics and the Go
// runtime, process and build-info collectors.
func New(opts Options) *Registry {
	if opts.MaxOperations <= 0 {
		opts.MaxOperations = 100
	}
	if opts.GaugeTimeout <= 0 {
		opts.GaugeTimeout = 2 * time.Second
	}
	r := &Registry{
		reg:  prometheus.NewRegistry(),
		opts: opts,
		log:  opts.Logger,
		ops:  newOperationNames(opts.MaxOperations),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "requests_total",
			Help: `GraphQL operations answered, by operation type and name and outcome ("ok" or the first error's code).`,
		}, []string{"type", "operation", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "request_duration_seconds",
			Help:    "Time from the start of execution to the complete GraphQL response, by operation type and name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"type", "operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "errors_total",
			Help: "GraphQL errors returned to clients, by extensions.code.",
		}, []string{"code"}),
		direct: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "direct_total",
			Help: "GraphQL queries the direct read path answered (the rest of requests_total went through ent).",
		}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by handler, method and status code.",
		}, []string{"handler", "method", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request, by handler.",
			Buckets: prometheus.DefBuckets,
		}, []string{"handler"}),
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.reg.MustRegister(r.requests, r.duration, r.errors, r.direct, r.httpRequests, r.httpDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	return r
}

// AddDB adds the connection-pool statistics of db (go_sql_* with
// db_name="pactreg": open, in use and idle connections, waits, closes).
func (r *Registry) AddDB(db *sql.DB) error {
	return r.reg.Register(collectors.NewDBStatsCollector(db, Namespace))
}

// AddGaugeFunc registers a gauge whose value is f() at each scrape. name
// is the full metric name (by convention pactreg_…); f must be cheap and
// safe to call from any goroutine. It fails if name is not a valid metric
// name or is already registered.
func (r *Registry) AddGaugeFunc(name, help string, f func() float64) error {
	return r.register(name, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// AddGaugeContext registers a gauge whose value f fetches at each scrape,
// with a context bounded by Options.GaugeTimeout. When f fails, the scrape
// still serves every other metric; this one is left out and the error is
// logged. Use it for values that need a query, such as a queue's depth.
func (r *Registry) AddGaugeContext(name, help string, f func(context.Context) (float64, error)) error {
	desc := prometheus.NewDesc(name, help, nil, nil)
	return r.register(name, &contextGauge{desc: desc, f: f, timeout: r.opts.GaugeTimeout})
}

// AddCounter registers a counter with the given labels and returns it
// (e.g. pactreg_webhook_deliveries_total{outcome}).
func (r *Registry) AddCounter(name, help string, labels ...string) (*prometheus.CounterVec, error) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	if err := r.register(name, c); err != nil {
		return nil, err
	}
	return c, nil
}

// metricName is a metric name that every Prometheus version accepts.
var metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

func (r *Registry) register(name string, c prometheus.Collector) error {
	if !metricName.MatchString(name) {
		return fmt.Errorf("metric %q: not a valid metric name", name)
	}
	if err := r.reg.Register(c); err != nil {
		return fmt.Errorf("metric %s: %w", name, err)
	}
	return nil
}

// Handler serves the metrics in Prometheus's text (or OpenMetrics) format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{r.log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      r.reg, // promhttp_metric_handler_errors_total
	})
}

// Gatherer is the underlying registry, to read metrics in tests or to
// register a collector of another kind.
func (r *Registry) Gatherer() *prometheus.Registry { return r.reg }

// InstrumentHTTP counts and times the requests that h answers under the
// handler label name (a fixed word such as "graphql", never a path).
func (r *Registry) InstrumentHTTP(name string, h http.Handler) http.Handler {
	labels := prometheus.Labels{"handler": name}
	return promhttp.InstrumentHandlerDuration(r.httpDuration.MustCurryWith(labels),
		promhttp.InstrumentHandlerCounter(r.httpRequests.MustCurryWith(labels), h))
}

// contextGauge is a gauge whose value is fetched at scrape time.
type contextGauge struct {
	desc    *prometheus.Desc
	f       func(context.Context) (float64, error)
	timeout time.Duration
}

func (g *contextGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }
func (g *contextGauge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	defer cancel()
	v, err := g.f(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(g.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, v)
}

// slogPrinter adapts a slog.Logger to promhttp's error log.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.log.Warn("metrics scrape", "error", fmt.Sprint(v...))
}
