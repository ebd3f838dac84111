// Package storetest opens isolated, migrated databases for tests: a fresh
// SQLite file per test, and, when PACTREG_TEST_DATABASE_URL is set, a fresh
// PostgreSQL schema per test, dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/pactreg/pactreg/ent/store"
)

const (
	// EnvURL names the PostgreSQL server (and database) tests may use,
	// e.g. postgres://root@127.0.0.1:5432/test?sslmode=disable.
	EnvURL = "PACTREG_TEST_DATABASE_URL"
	// EnvRequire=1 makes a missing EnvURL a failure instead of a skip
	// (CI sets it, so PostgreSQL tests can never be skipped silently).
	EnvRequire = "PACTREG_TEST_REQUIRE_POSTGRES"
)

// Options tune a test database.
type Options struct {
	// Wrap wraps the ent driver (to count statements, say).
	Wrap func(dialect.Driver) dialect.Driver
}

// Backends are the databases Each runs on.
var Backends = []string{dialect.SQLite, dialect.Postgres}

// Each runs f as a subtest on every backend: SQLite always, PostgreSQL if
// configured (skipped otherwise, failed if EnvRequire is set).
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	EachWith(t, Options{}, f)
}

// EachWith is Each with options.
func EachWith(t *testing.T, opts Options, f func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, name := range Backends {
		t.Run(name, func(t *testing.T) {
			f(t, Open(t, name, opts))
		})
	}
}

// Open returns a migrated, empty database of the named backend, closed
// (and for PostgreSQL dropped) when the test ends.
func Open(t testing.TB, backend string, opts Options) *store.DB {
	t.Helper()
	switch backend {
	case dialect.SQLite:
		return openSQLite(t, opts)
	case dialect.Postgres:
		return openPostgres(t, opts)
	}
	t.Fatalf("storetest: unknown backend %q", backend)
	return nil
}

func openSQLite(t testing.TB, opts Options) *store.DB {
	return openAndMigrate(t, store.Config{
		URL:  filepath.Join(t.TempDir(), "pactreg.db"),
		Wrap: opts.Wrap,
	})
}

// PostgresURL returns the configured server URL, skipping (or failing,
// with EnvRequire) the test when there is none.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s is required (%s=1) but not set", EnvURL, EnvRequire)
		}
		t.Skipf("PostgreSQL tests skipped: set %s", EnvURL)
	}
	return base
}

func openPostgres(t testing.TB, opts Options) *store.DB {
	t.Helper()
	return openAndMigrate(t, store.Config{URL: PostgresSchemaURL(t), Wrap: opts.Wrap, MaxOpenConns: 8})
}

// PostgresSchemaURL creates an empty schema on the configured server,
// dropped when the test ends, and returns a URL whose search_path is it.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvURL, err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", base)
		if err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openAndMigrate(t testing.TB, cfg store.Config) *store.DB {
	t.Helper()
	db, err := store.Open(cfg)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}

// Counter counts the SQL statements (queries and execs) sent through a
// driver it wraps.
type Counter struct {
	n atomic.Int64
}

// Wrap is an Options.Wrap that counts.
func (c *Counter) Wrap(drv dialect.Driver) dialect.Driver {
	return dialect.DebugWithContext(drv, func(_ context.Context, v ...any) {
		if len(v) > 0 {
			if s, ok := v[0].(string); ok && (strings.HasPrefix(s, "driver.Query") || strings.HasPrefix(s, "driver.Exec") ||
				strings.HasPrefix(s, "Tx(") && (strings.Contains(s, ".Query") || strings.Contains(s, ".Exec"))) {
				c.n.Add(1)
			}
		}
	})
}

// Reset sets the count to zero.
func (c *Counter) Reset() { c.n.Store(0) }

// N is the count so far.
func (c *Counter) N() int { return int(c.n.Load()) }
