package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/limits"
)

// EnvBenchURL names an already loaded benchmark database (e.g. the
// large scale that bench/run.sh leaves in pactreg_bench): BenchmarkQuery
// then runs against it too, without loading anything.
const EnvBenchURL = "PACTREG_BENCH_DATABASE_URL"

// BenchmarkQuery serves bench/query-nested.graphql and query-flat.graphql
// through the real handler (graph.NewHandler: anonymous, the default
// limits without the rate limit, as bench/run.sh starts the server), in
// process, one request at a time. Besides ns/op it reports cpu-ns/op, the
// process's CPU time per request (all goroutines, GC included). The small
// scale is loaded through the normal write path on SQLite, and on
// PostgreSQL when PACTREG_TEST_DATABASE_URL is set;
// PACTREG_BENCH_DATABASE_URL adds a database loaded beforehand (any
// scale; a postgres:// URL or a SQLite file). Each query runs on both read
// paths: direct (the shipped default: package graph/direct) and ent
// (-direct-reads=false). See bench/README.md.
func BenchmarkQuery(b *testing.B) {
	queries := map[string]string{}
	for _, name := range []string{"nested", "flat"} {
		q, err := os.ReadFile("../query-" + name + ".graphql")
		if err != nil {
			b.Fatal(err)
		}
		queries[name] = string(q)
	}
	backends := []struct {
		name string
		open func(b *testing.B) *store.DB
	}{
		{"sqlite-small", func(b *testing.B) *store.DB { return loadedSmall(b, dialect.SQLite) }},
		{"postgres-small", func(b *testing.B) *store.DB { return loadedSmall(b, dialect.Postgres) }},
		{loadedName(), openLoaded},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			db := be.open(b)
			handlers := map[string]http.Handler{"direct": benchHandler(db, true), "ent": benchHandler(db, false)}
			for _, name := range []string{"nested/direct", "nested/ent", "flat/direct", "flat/ent"} {
				query, path, _ := strings.Cut(name, "/")
				h := handlers[path]
				b.Run(name, func(b *testing.B) {
					body, err := json.Marshal(map[string]string{"query": queries[query]})
					if err != nil {
						b.Fatal(err)
					}
					// One checked request first: no errors, some data.
					if w := serve(h, body); w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) ||
						!strings.Contains(w.Body.String(), `"node"`) {
						b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
					}
					b.ReportAllocs()
					var n int
					cpu := processCPU()
					for b.Loop() {
						n = serve(h, body).Body.Len()
					}
					b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
					b.ReportMetric(float64(n), "resp-bytes")
				})
			}
		})
	}
}

// processCPU is the CPU time (user and system) this process has used, in
// ns: unlike ns/op, its share per request counts the work of every
// goroutine a request starts, which is what limits a loaded server.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// serve posts body to h as an anonymous client would.
func serve(h http.Handler, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = "127.0.0.1:40000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// benchHandler is the handler as bench/run.sh runs the server: default
// limits with -rate 0, no introspection, an info-level JSON log, and the
// direct read path if direct (-direct-reads, on by default).
func benchHandler(db *store.DB, direct bool) http.Handler {
	lim := limits.DefaultConfig()
	lim.RatePerSecond = 0
	cfg := graph.Config{
		Logger:  slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Limits:  &lim,
		Changed: db.Changed,
	}
	if direct {
		cfg.Driver = db.Driver
	}
	return graph.NewHandler(db.Client, cfg)
}

// loadedSmall is a fresh database of backend holding the small scale.
func loadedSmall(b *testing.B, backend string) *store.DB {
	db := storetest.Open(b, backend, storetest.Options{})
	s := Scales["small"]
	if err := load(context.Background(), db, NewPlan(s), options{scale: s, batch: 500, workers: 1}, io.Discard); err != nil {
		b.Fatal(err)
	}
	if db.Dialect == dialect.Postgres {
		if _, err := db.SQL.Exec("ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// loadedName names the benchmarks of PACTREG_BENCH_DATABASE_URL by its
// backend: postgres-loaded, or sqlite-loaded for a SQLite file.
func loadedName() string {
	if u := os.Getenv(EnvBenchURL); u != "" && !strings.HasPrefix(u, "postgres") {
		return "sqlite-loaded"
	}
	return "postgres-loaded"
}

// openLoaded opens the database of PACTREG_BENCH_DATABASE_URL as it is.
func openLoaded(b *testing.B) *store.DB {
	url := os.Getenv(EnvBenchURL)
	if url == "" {
		b.Skipf("set %s to a loaded benchmark database", EnvBenchURL)
	}
	db, err := store.Open(store.Config{URL: url})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}
