package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/pactreg/pactreg/ent/migrate"
	"github.com/pactreg/pactreg/ent/migrate/migrations"
	"github.com/pactreg/pactreg/ent/migrate/versioned"
)

// MigrateOptions tune Migrator.Migrate.
type MigrateOptions struct {
	// Baseline (PostgreSQL) marks a database without revisions as migrated
	// up to and including this version without checking its schema.
	Baseline string
}

// MigrateResult says what Migrate did.
type MigrateResult struct {
	// AutoMigrated: SQLite, whose schema ent's auto-migration creates or
	// updates (no files, no revisions).
	AutoMigrated bool
	// Baseline and Applied: see versioned.Result (PostgreSQL).
	Baseline string
	Applied  []string
}

// Migrator changes the schema while its caller holds the schema lock
// (see WithSchemaLock).
type Migrator struct {
	db   *DB
	conn *sql.Conn // PostgreSQL: the connection that holds the lock
}

// Migrate brings the schema up to date, holding the schema lock.
func (db *DB) Migrate(ctx context.Context) error {
	return db.WithSchemaLock(ctx, func(ctx context.Context, m *Migrator) error {
		_, err := m.Migrate(ctx, MigrateOptions{})
		return err
	})
}

// Migrate brings the schema up to date: on PostgreSQL it applies the
// pending versioned migrations (embedded in the binary), baselining a
// database that ent's auto-migration made earlier; on SQLite it runs ent's
// auto-migration.
func (m *Migrator) Migrate(ctx context.Context, opts MigrateOptions) (MigrateResult, error) {
	if m.conn == nil {
		if err := m.db.Client.Schema.Create(ctx, migrate.WithDropIndex(true)); err != nil {
			return MigrateResult{}, fmt.Errorf("migrate %s schema: %w", m.db.Dialect, err)
		}
		return MigrateResult{AutoMigrated: true}, nil
	}
	dir, err := migrations.Dir()
	if err != nil {
		return MigrateResult{}, err
	}
	res, err := versioned.Apply(ctx, m.conn, dir, versioned.Options{Baseline: opts.Baseline})
	if err != nil {
		return MigrateResult{}, fmt.Errorf("migrate postgres schema: %w", err)
	}
	return MigrateResult{Baseline: res.Baseline, Applied: res.Applied}, nil
}

// Status reports the pending migrations of a PostgreSQL database (SQLite:
// always up to date, ent's auto-migration runs at every start).
func (m *Migrator) Status(ctx context.Context) (versioned.Status, error) {
	if m.conn == nil {
		return versioned.Status{}, nil
	}
	dir, err := migrations.Dir()
	if err != nil {
		return versioned.Status{}, err
	}
	return versioned.Pending(ctx, m.conn, dir)
}

// WithSchemaLock runs f while holding the schema lock. On PostgreSQL that
// is a session advisory lock, keyed by the current schema, on a connection
// of its own without statement_timeout (a migration may take long), so that
// instances starting at once on one database migrate and load data one
// after the other; it is released, and the connection's settings reset,
// when f returns. On SQLite f runs at once (ent's auto-migration and BEGIN
// IMMEDIATE serialise writers there).
func (db *DB) WithSchemaLock(ctx context.Context, f func(context.Context, *Migrator) error) (err error) {
	if db.Dialect != "postgres" {
		return f(ctx, &Migrator{db: db})
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("schema lock: %w", err)
	}
	clean := false
	defer func() {
		if !clean {
			// Discard the connection: closing the session releases the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}()
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("schema lock: %w", err)
	}
	if !schema.Valid {
		return errors.New("the database has no current schema: the schemas of search_path do not exist")
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte("pactreg schema lock " + schema.String))
	key := int64(h.Sum64())
	if _, err := conn.ExecContext(ctx, "SET statement_timeout = 0"); err != nil {
		return fmt.Errorf("schema lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("schema lock: wait for pg_advisory_lock: %w", err)
	}
	err = f(ctx, &Migrator{db: db, conn: conn})
	// Release with a fresh context: ctx may be cancelled by now.
	rctx := context.WithoutCancel(ctx)
	var released bool
	if uerr := conn.QueryRowContext(rctx, "SELECT pg_advisory_unlock($1)", key).Scan(&released); uerr == nil && released {
		_, rerr := conn.ExecContext(rctx, "RESET statement_timeout")
		clean = rerr == nil
	}
	return err
}
