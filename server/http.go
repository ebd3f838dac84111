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
	"github.com/pactreg/pactreg/server/static"
)

// routes wires the HTTP endpoints:
//
//	/graphql  GraphQL (POST JSON; GET for queries)
//	/export/  Popolo JSON and CSV exports, authenticated as /graphql is
//	/         GraphiQL, with its assets embedded (when introspection is on)
//	/healthz  the process is up
//	/readyz   the database answers
func routes(cfg Config, db *store.DB, oidc *authn.OIDC, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	gcfg := graph.Config{
		Logger:        log,
		Introspection: cfg.Introspection,
		Auth:          authn.Config{AdminToken: cfg.AdminToken, OIDC: oidc},
		Timeout:       cfg.Timeout,
		MaxBodyBytes:  cfg.MaxBodyBytes,
		Limits:        &cfg.Limits,
	}
	mux.Handle("/graphql", graph.NewHandler(db.Client, gcfg))
	mux.Handle("/export/", graph.NewExportHandler(db.Client, gcfg))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			log.WarnContext(ctx, "readiness check failed", "error", err.Error())
			writeText(w, http.StatusServiceUnavailable, "database unavailable")
			return
		}
		writeText(w, http.StatusOK, "ready")
	})
	if cfg.Introspection {
		mux.Handle("/", static.Handler("/graphql"))
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
