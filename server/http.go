package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/rs/cors"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/metrics"
	"github.com/pactreg/pactreg/graph/tracing"
	"github.com/pactreg/pactreg/server/static"
)

// observability is what the endpoints report to.
type observability struct {
	metrics *metrics.Registry
	tracing *tracing.Tracing
}

// routes wires the HTTP endpoints:
//
//	/graphql  GraphQL (POST JSON; GET for queries)
//	/export/  Popolo JSON and CSV exports, authenticated as /graphql is
//	/         GraphiQL, with its assets embedded (when introspection is on)
//	/healthz  the process is up
//	/readyz   the database answers
//	/metrics  Prometheus metrics (unless -metrics-addr moves or disables them)
//
// Each is counted in pactreg_http_*{handler=…}; /graphql is traced.
func routes(cfg Config, db *store.DB, oidc *authn.OIDC, log *slog.Logger, obs observability) http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, name string, h http.Handler) {
		mux.Handle(pattern, obs.metrics.InstrumentHTTP(name, h))
	}
	gcfg := graph.Config{
		Logger:        log,
		Introspection: cfg.Introspection,
		Auth:          authn.Config{AdminToken: cfg.AdminToken, OIDC: oidc},
		Timeout:       cfg.Timeout,
		MaxBodyBytes:  cfg.MaxBodyBytes,
		MaxConcurrent: cfg.MaxConcurrent,
		Limits:        &cfg.Limits,
		Changed:       db.Changed,
		Origins:       cfg.CORSOrigins,
		Metrics:       obs.metrics,
		Tracing:       obs.tracing,
	}
	if cfg.DirectReads {
		gcfg.Driver = db.Driver
	}
	handle("/graphql", "graphql", obs.tracing.HTTP("graphql", graph.NewHandler(db.Client, gcfg)))
	handle("/export/", "export", obs.tracing.HTTP("export", graph.NewExportHandler(db.Client, gcfg)))
	handle("GET /healthz", "healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	}))
	handle("GET /readyz", "readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			log.WarnContext(ctx, "readiness check failed", "error", err.Error())
			writeText(w, http.StatusServiceUnavailable, "database unavailable")
			return
		}
		writeText(w, http.StatusOK, "ready")
	}))
	if cfg.MetricsAddr == "" {
		handle("GET /metrics", "metrics", obs.metrics.Handler())
	}
	if cfg.Introspection {
		handle("/", "graphiql", static.Handler("/graphql"))
	}
	var h http.Handler = mux
	if len(cfg.CORSOrigins) > 0 {
		// rs/cors treats an empty origin list as "*": wrap only when
		// origins are configured, so the default allows none.
		h = cors.New(cors.Options{
			AllowedOrigins: cfg.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Content-Type", "Authorization", "X-Request-Id"},
			ExposedHeaders: []string{"X-Request-Id"},
			MaxAge:         600,
		}).Handler(h)
	}
	return h
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}
