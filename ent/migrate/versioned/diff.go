// Package versioned runs pactreg's versioned PostgreSQL migrations: it
// writes the next migration file from the ent schema (Diff) and applies the
// files to a database (Apply), recording each in a revision table and
// baselining a database that ent's auto-migration created before the files
// existed. The files themselves are in ../migrations (Atlas format: one
// .sql file per version and atlas.sum).
package versioned

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	"ariga.io/atlas/sql/migrate"
	_ "ariga.io/atlas/sql/postgres" // the atlas driver ent's Diff opens by URL
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/lib/pq" // PostgreSQL driver "postgres"

	entmigrate "github.com/pactreg/pactreg/ent/migrate"
)

// Diff replays the migration files of dir on a scratch schema of the dev
// database devURL (created for the purpose and dropped afterwards, so the
// database may hold other data), compares the result with the ent schema
// and writes the statements that close the gap into a new file of dir named
// <timestamp>_<name>.sql, updating atlas.sum. It returns the new file's
// name, or "" when the files already match the ent schema. The statements
// depend only on the files and the ent schema, never on the dev database's
// contents.
func Diff(ctx context.Context, devURL string, dir migrate.Dir, name string) (string, error) {
	u, err := url.Parse(devURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("the dev database must be a postgres:// URL")
	}
	before, err := dir.Files()
	if err != nil {
		return "", err
	}
	admin, err := sql.Open("postgres", devURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	scratch := scratchName("pactreg_diff_")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+scratch); err != nil {
		return "", fmt.Errorf("dev database: create a scratch schema: %w", err)
	}
	defer func() {
		// A fresh context: the scratch schema goes even when ctx is cancelled.
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+scratch+" CASCADE")
	}()
	q := u.Query()
	q.Set("search_path", scratch)
	u.RawQuery = q.Encode()
	err = entmigrate.NamedDiff(ctx, u.String(), name, DiffOptions(dir)...)
	if errors.Is(err, migrate.ErrNoPlan) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	after, err := dir.Files()
	if err != nil {
		return "", err
	}
	if len(after) != len(before)+1 {
		return "", fmt.Errorf("diff wrote %d files, expected one", len(after)-len(before))
	}
	return after[len(after)-1].Name(), nil
}

// DiffOptions are the ent migration options Diff uses: replay dir on a
// clean dev schema, PostgreSQL, Atlas's file format, and every change the
// ent schema implies, including dropped indexes and columns (review such a
// file before committing it: a dropped column drops its data).
func DiffOptions(dir migrate.Dir) []schema.MigrateOption {
	return []schema.MigrateOption{
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialect.Postgres),
		schema.WithFormatter(migrate.DefaultFormatter),
		schema.WithDropIndex(true),
		schema.WithDropColumn(true),
		schema.WithErrNoPlan(true),
	}
}

// scratchName is a fresh schema name with prefix.
func scratchName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
