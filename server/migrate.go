package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/server/demo"
)

// migrateHint names the command that applies pending migrations.
const migrateHint = "run `pactreg migrate` (from a checkout: go run ./server migrate) with the same -db, or start with -auto-migrate=true (PACTREG_AUTO_MIGRATE=true)"

// prepare readies the database before the server listens, holding the
// schema lock so that instances starting at once on one PostgreSQL
// database migrate and load the demo data one after the other: it applies
// pending migrations (or, with -auto-migrate=false, refuses to go on while
// any is pending), then loads the demo dataset into an empty database.
func prepare(ctx context.Context, db *store.DB, cfg Config, log *slog.Logger) error {
	return db.WithSchemaLock(ctx, func(ctx context.Context, m *store.Migrator) error {
		if cfg.AutoMigrate {
			res, err := m.Migrate(ctx, store.MigrateOptions{})
			if err != nil {
				return err
			}
			if res.Baseline != "" {
				log.Info("database created by auto-migration baselined", "version", res.Baseline)
			}
			for _, f := range res.Applied {
				log.Info("migration applied", "file", f)
			}
		} else {
			st, err := m.Status(ctx)
			if err != nil {
				return err
			}
			if !st.UpToDate() {
				return fmt.Errorf("the database schema is not up to date (%s) and -auto-migrate is false: %s", describeStatus(st.Pending, st.NeedsBaseline), migrateHint)
			}
		}
		log.Info("database ready", "dialect", db.Dialect)
		if cfg.Demo {
			loaded, err := demo.Load(authz.SystemContext(ctx), db.Client)
			if err != nil {
				return err
			}
			if loaded {
				log.Info("demo dataset loaded into the empty database")
			}
		}
		return nil
	})
}

func describeStatus(pending []string, needsBaseline bool) string {
	s := fmt.Sprintf("%d migration(s) pending: %s", len(pending), strings.Join(pending, ", "))
	if needsBaseline {
		s += "; it has tables but no migration revisions, so it will be baselined first"
	}
	return s
}

const migrateUsage = `usage: pactreg migrate [-db URL] [-baseline VERSION]
Applies the pending versioned migrations to a PostgreSQL database and says
which; running it again applies nothing. A database created by ent's
auto-migration (tables, no revisions) is baselined first. On SQLite the
schema is updated by ent's auto-migration instead.`

// migrateCommand applies pending migrations from the operator's shell.
func migrateCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pactreg migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, migrateUsage); fs.PrintDefaults() }
	dbURL := fs.String("db", getenv("PACTREG_DATABASE_URL"), "database (env PACTREG_DATABASE_URL)")
	baseline := fs.String("baseline", "", "mark a database without revisions as migrated up to and including this version, unchecked (only when automatic baselining cannot match its schema)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return errHelp
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	db, err := store.Open(store.Config{URL: *dbURL})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.WithSchemaLock(ctx, func(ctx context.Context, m *store.Migrator) error {
		res, err := m.Migrate(ctx, store.MigrateOptions{Baseline: *baseline})
		if err != nil {
			return err
		}
		if res.AutoMigrated {
			fmt.Fprintf(stdout, "%s: schema created or updated by ent's auto-migration (versioned migrations are for PostgreSQL)\n", db.Dialect)
			return nil
		}
		if res.Baseline != "" {
			fmt.Fprintf(stdout, "baselined: the existing schema is marked as migrated up to version %s\n", res.Baseline)
		}
		for _, f := range res.Applied {
			fmt.Fprintf(stdout, "applied %s\n", f)
		}
		if len(res.Applied) == 0 {
			fmt.Fprintln(stdout, "no pending migrations: the database is up to date")
		}
		return nil
	})
}
