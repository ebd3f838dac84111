// Command pactreg serves the registry of regional partnerships as GraphQL.
//
//	go run ./server                 # embedded SQLite in ./pactreg.db, demo data, 127.0.0.1:8080
//	go run ./server -db postgres://user@host/db
//	pactreg migrate [-db URL]                          # apply pending PostgreSQL migrations
//	pactreg copy -from pactreg.db -to postgres://…      # move the registry to PostgreSQL
//	pactreg token create -name intranet -role READER   # API tokens
//	pactreg healthcheck                                # exit 0 when /readyz says ready
//
// Configuration comes from flags or PACTREG_* environment variables; see
// README.md or -help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/metrics"
	"github.com/pactreg/pactreg/graph/tracing"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args := os.Args[1:]; {
	case len(args) > 0 && args[0] == "token":
		err = tokenCommand(ctx, args[1:], os.Getenv, os.Stdout, os.Stderr)
	case len(args) > 0 && args[0] == "migrate":
		err = migrateCommand(ctx, args[1:], os.Getenv, os.Stdout, os.Stderr)
	case len(args) > 0 && args[0] == "copy":
		err = copyCommand(ctx, args[1:], os.Stdout, os.Stderr)
	case len(args) > 0 && args[0] == "healthcheck":
		err = healthcheckCommand(ctx, args[1:], os.Getenv, os.Stderr)
	default:
		err = run(ctx, args, os.Getenv, os.Stderr, nil)
	}
	if err != nil {
		if !errors.Is(err, errHelp) {
			fmt.Fprintln(os.Stderr, "pactreg:", err)
		}
		os.Exit(1)
	}
}

var errHelp = errors.New("help requested")

// run serves until ctx is cancelled, then shuts down gracefully. If ready
// is not nil it receives the listening address once the server accepts
// connections (tests use it).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	gcPercent, memoryLimit, restore := applyRuntime(cfg.Runtime, getenv)
	defer restore()
	log.Info("garbage collector", "gc_percent", gcPercent, "memory_limit_bytes", memoryLimit)

	// Tracing is on when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set; its
	// buffered spans are flushed last, after the requests have drained.
	tr, err := tracing.Setup(ctx, getenv, version())
	if err != nil {
		return err
	}
	defer func() {
		fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tr.Shutdown(fctx); err != nil {
			log.Warn("traces not flushed", "error", err.Error())
		}
	}()
	if tr.Enabled() {
		log.Info("exporting traces by OTLP")
	}

	db, err := store.Open(store.Config{URL: cfg.DatabaseURL, StatementTimeout: cfg.Timeout, StatementCache: statementCache(cfg.StatementCache), Wrap: tr.WrapDriver})
	if err != nil {
		return err
	}
	defer db.Close()
	reg := metrics.New(metrics.Options{Logger: log})
	if err := reg.AddDB(db.SQL); err != nil {
		return err
	}
	if err := prepare(ctx, db, cfg, log); err != nil {
		return err
	}

	var oidc *authn.OIDC
	if cfg.OIDC.Issuer != "" {
		oidc, err = authn.NewOIDC(ctx, authn.OIDCConfig{Issuer: cfg.OIDC.Issuer, Audience: cfg.OIDC.Audience, RoleClaim: cfg.OIDC.RoleClaim})
		if err != nil {
			return fmt.Errorf("OIDC issuer %s: %w", cfg.OIDC.Issuer, err)
		}
		log.Info("accepting identity-provider tokens", "issuer", cfg.OIDC.Issuer)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           routes(cfg, db, oidc, log, observability{metrics: reg, tracing: tr}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.PprofAddr != "" {
		stopProfiler, _, err := serveProfiler(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stopProfiler()
	}
	if cfg.MetricsAddr != "" && cfg.MetricsAddr != "off" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", reg.Handler())
		stopMetrics, _, err := serveAside("metrics", cfg.MetricsAddr, mux, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	stopWebhooks, err := startWebhooks(cfg.Webhooks, db, reg, log)
	if err != nil {
		return err
	}
	// Stopped after the HTTP server has drained (defers run last first).
	defer stopWebhooks()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("pactreg listening", "addr", ln.Addr().String(), "graphql", "http://"+ln.Addr().String()+"/graphql")
	if ready != nil {
		ready <- ln.Addr().String()
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests in flight", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// statementCache turns -statement-cache (0: none) into store.Config's
// StatementCache (0: the default, negative: none).
func statementCache(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
