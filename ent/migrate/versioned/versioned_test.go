package versioned_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/pactreg/pactreg/ent/authz"
	entmigrate "github.com/pactreg/pactreg/ent/migrate"
	"github.com/pactreg/pactreg/ent/migrate/migrations"
	"github.com/pactreg/pactreg/ent/migrate/versioned"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/server/demo"
)

// embedded returns a private, writable copy of the checked-in migrations.
func embedded(t *testing.T) *migrate.MemDir {
	t.Helper()
	d, err := migrations.Dir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := d.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files (%v)", err)
	}
	mem := &migrate.MemDir{}
	if err := mem.CopyFiles(files); err != nil { // CopyFiles writes atlas.sum too
		t.Fatal(err)
	}
	if err := migrate.Validate(d); err != nil {
		t.Fatalf("checked-in atlas.sum: %v", err)
	}
	return mem
}

// resum rewrites atlas.sum after a deliberate change, as the diff command
// would: a consistent directory whose files no longer match the ent schema.
func resum(t *testing.T, d *migrate.MemDir) {
	t.Helper()
	sum, err := d.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate.WriteSumFile(d, sum); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, url string) *store.DB {
	t.Helper()
	// Migrations run without a statement timeout in production (the schema
	// lock's connection has none); the tests call Apply on the pool, whose
	// default 10 s is too short for Atlas's catalogue queries on a machine
	// busy with other tests' schemas.
	db, err := store.Open(store.Config{URL: url, MaxOpenConns: 4, StatementTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestSchemaDrift fails when the ent schema and the migration files
// disagree: run `go run ./ent/migrate/cmd/diff -dev … NAME` (README,
// "Migrations") after changing ent/schema.
func TestSchemaDrift(t *testing.T) {
	dev := storetest.PostgresURL(t)
	ctx := context.Background()

	t.Run("replay", func(t *testing.T) {
		// What the diff command does: it would write nothing.
		file, err := versioned.Diff(ctx, dev, embedded(t), "drift")
		if err != nil {
			t.Fatal(err)
		}
		if file != "" {
			t.Fatalf("the migration files do not match the ent schema: the diff command would write %s; "+
				"run go run ./ent/migrate/cmd/diff -dev '%s' NAME and commit the file", file, "postgres://…")
		}
	})

	t.Run("applied", func(t *testing.T) {
		// Apply every file to a fresh schema, then ask ent for the changes
		// (drops included) that would take it to the ent schema: none.
		db := open(t, storetest.PostgresSchemaURL(t))
		if _, err := versioned.Apply(ctx, db.SQL, embedded(t), versioned.Options{}); err != nil {
			t.Fatal(err)
		}
		out := &migrate.MemDir{}
		err := db.Client.Schema.NamedDiff(ctx, "drift", schema.WithDir(out), schema.WithMigrationMode(schema.ModeInspect),
			schema.WithDropIndex(true), schema.WithDropColumn(true), schema.WithErrNoPlan(true),
			schema.WithFormatter(migrate.DefaultFormatter))
		if !errors.Is(err, migrate.ErrNoPlan) {
			files, _ := out.Files()
			for _, f := range files {
				t.Logf("%s:\n%s", f.Name(), f.Bytes())
			}
			t.Fatalf("applied migrations differ from the ent schema (%v)", err)
		}
	})

	t.Run("detects a modified copy", func(t *testing.T) {
		// Take a CREATE INDEX out of the newest file (keeping atlas.sum
		// consistent): the diff must put it back in a new file.
		d := embedded(t)
		files, _ := d.Files()
		last := files[len(files)-1]
		lines := strings.Split(string(last.Bytes()), "\n")
		removed := -1
		for i := len(lines) - 1; i >= 0; i-- {
			if strings.HasPrefix(lines[i], "CREATE INDEX ") {
				removed = i
				break
			}
		}
		if removed < 0 {
			t.Skip("the newest migration creates no index")
		}
		stmt := lines[removed]
		if err := d.WriteFile(last.Name(), []byte(strings.Join(append(lines[:removed:removed], lines[removed+1:]...), "\n"))); err != nil {
			t.Fatal(err)
		}
		resum(t, d)
		file, err := versioned.Diff(ctx, dev, d, "drift")
		if err != nil {
			t.Fatal(err)
		}
		if file == "" {
			t.Fatalf("a migration directory without %q was taken as matching the ent schema", stmt)
		}
		b, _ := d.Open(file)
		var got strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := b.Read(buf)
			got.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if !strings.Contains(got.String(), stmt) {
			t.Fatalf("the new file %s does not restore %q:\n%s", file, stmt, got.String())
		}
	})
}

// TestTamperedFilesRefused: a migration file changed after atlas.sum was
// written is not applied.
func TestTamperedFilesRefused(t *testing.T) {
	db := open(t, storetest.PostgresSchemaURL(t))
	d := embedded(t)
	files, _ := d.Files()
	f := files[0]
	if err := d.WriteFile(f.Name(), append(f.Bytes(), []byte("\nDROP TABLE organisations CASCADE;\n")...)); err != nil {
		t.Fatal(err)
	}
	_, err := versioned.Apply(context.Background(), db.SQL, d, versioned.Options{})
	if !errors.Is(err, migrate.ErrChecksumMismatch) {
		t.Fatalf("a tampered file was not refused as a checksum mismatch: %v", err)
	}
	if tables := countAll(t, db.SQL); len(tables) != 0 {
		t.Fatalf("the refused run left tables behind: %v", tables)
	}
}

// countAll counts the rows of every table of the current schema (the
// revision table aside).
func countAll(t *testing.T, q *sql.DB) map[string]int {
	t.Helper()
	rows, err := q.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1`, versioned.RevisionTable)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	counts := map[string]int{}
	for _, n := range names {
		var c int
		if err := q.QueryRow(fmt.Sprintf("SELECT count(*) FROM %q", n)).Scan(&c); err != nil {
			t.Fatal(err)
		}
		counts[n] = c
	}
	return counts
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for n, c := range before {
		if after[n] != c {
			t.Errorf("table %s: %d rows before the migration, %d after", n, c, after[n])
		}
	}
}

func loadDemo(t *testing.T, db *store.DB) {
	t.Helper()
	loaded, err := demo.Load(authz.SystemContext(context.Background()), db.Client)
	if err != nil || !loaded {
		t.Fatalf("demo.Load: %v, %v", loaded, err)
	}
}

// TestUpgradeKeepsData: migrating a database that holds the demo data
// loses nothing.
func TestUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()

	t.Run("baseline of an auto-migrated database", func(t *testing.T) {
		// A database made by the releases before versioned migrations:
		// ent's auto-migration, then the demo data.
		db := open(t, storetest.PostgresSchemaURL(t))
		if err := db.Client.Schema.Create(ctx, entmigrate.WithDropIndex(true)); err != nil {
			t.Fatal(err)
		}
		loadDemo(t, db)
		before := countAll(t, db.SQL)
		if before["organisations"] == 0 || before["appointments"] == 0 {
			t.Fatalf("the demo data is missing: %v", before)
		}
		d := embedded(t)
		st, err := versioned.Pending(ctx, db.SQL, d)
		if err != nil || !st.NeedsBaseline {
			t.Fatalf("Pending = %+v, %v; want NeedsBaseline", st, err)
		}
		res, err := versioned.Apply(ctx, db.SQL, d, versioned.Options{})
		if err != nil {
			t.Fatal(err)
		}
		files, _ := d.Files()
		// The ent schema today is the newest version's: baseline there.
		if newest := files[len(files)-1].Version(); res.Baseline != newest || len(res.Applied) != 0 {
			t.Fatalf("Apply = %+v; want a baseline at %s and nothing applied", res, newest)
		}
		sameCounts(t, before, countAll(t, db.SQL))
		if st, err := versioned.Pending(ctx, db.SQL, d); err != nil || !st.UpToDate() {
			t.Fatalf("after baselining: %+v, %v", st, err)
		}
		res, err = versioned.Apply(ctx, db.SQL, d, versioned.Options{})
		if err != nil || res.Baseline != "" || len(res.Applied) != 0 {
			t.Fatalf("a second Apply did %+v, %v", res, err)
		}
	})

	t.Run("baseline refuses a schema no version has", func(t *testing.T) {
		db := open(t, storetest.PostgresSchemaURL(t))
		if err := db.Client.Schema.Create(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.Exec(`ALTER TABLE organisations ADD COLUMN local_note text`); err != nil {
			t.Fatal(err)
		}
		_, err := versioned.Apply(ctx, db.SQL, embedded(t), versioned.Options{})
		if err == nil || !strings.Contains(err.Error(), "matches no migration version") || !strings.Contains(err.Error(), "organisations") {
			t.Fatalf("Apply on a foreign schema: %v", err)
		}
	})

	t.Run("previous version with demo data, then the newest", func(t *testing.T) {
		d := embedded(t)
		files, _ := d.Files()
		if len(files) < 2 {
			// One migration so far: split it in two at a table, as if the
			// second half of its tables had come in a later release.
			d = split(t, files[0])
			files, _ = d.Files()
		}
		// The newest schema with the demo data, as the source of rows.
		full := open(t, storetest.PostgresSchemaURL(t))
		if _, err := versioned.Apply(ctx, full.SQL, d, versioned.Options{}); err != nil {
			t.Fatal(err)
		}
		loadDemo(t, full)
		// The previous version, filled with every row and column of the
		// demo data that it has room for.
		prev := &migrate.MemDir{}
		if err := prev.CopyFiles(files[:len(files)-1]); err != nil {
			t.Fatal(err)
		}
		oldURL := storetest.PostgresSchemaURL(t)
		old := open(t, oldURL)
		if _, err := versioned.Apply(ctx, old.SQL, prev, versioned.Options{}); err != nil {
			t.Fatal(err)
		}
		copyRows(t, full.SQL, old.SQL)
		before := countAll(t, old.SQL)
		rowsBefore := 0
		for _, n := range before {
			rowsBefore += n
		}
		if rowsBefore == 0 {
			t.Fatal("no demo rows reached the previous version's tables")
		}
		res, err := versioned.Apply(ctx, old.SQL, d, versioned.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Applied) != 1 || res.Applied[0] != files[len(files)-1].Name() {
			t.Fatalf("Apply = %+v; want the newest file applied", res)
		}
		sameCounts(t, before, countAll(t, old.SQL))
	})
}

// copyRows copies the rows of every table of to's schema from the table of
// the same name in from's schema (same database), columns in common only,
// with foreign keys and triggers off for the copy.
func copyRows(t *testing.T, from, to *sql.DB) {
	t.Helper()
	var src string
	if err := from.QueryRow("SELECT current_schema()").Scan(&src); err != nil {
		t.Fatal(err)
	}
	tx, err := to.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec("SET LOCAL session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(`SELECT c.table_name, string_agg(format('%I', c.column_name), ', ' ORDER BY c.ordinal_position)
		FROM information_schema.columns c
		JOIN information_schema.columns s ON s.table_schema = $1 AND s.table_name = c.table_name AND s.column_name = c.column_name
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() AND c.table_name <> $2
		GROUP BY c.table_name`, src, versioned.RevisionTable)
	if err != nil {
		t.Fatal(err)
	}
	stmts := map[string]string{}
	for rows.Next() {
		var table, cols string
		if err := rows.Scan(&table, &cols); err != nil {
			t.Fatal(err)
		}
		stmts[table] = fmt.Sprintf("INSERT INTO %q (%s) SELECT %s FROM %q.%q", table, cols, cols, src, table)
	}
	rows.Close()
	for table, stmt := range stmts {
		if _, err := tx.Exec(stmt); err != nil {
			t.Fatalf("copy %s: %v", table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// split turns one migration file into two, cut before the "-- Create"
// comment of the table in the middle (a file creates each table with its
// foreign keys after the tables it references).
func split(t *testing.T, f migrate.File) *migrate.MemDir {
	t.Helper()
	text := string(f.Bytes())
	var cuts []int
	for i := 0; ; {
		j := strings.Index(text[i:], "-- Create \"")
		if j < 0 {
			break
		}
		cuts = append(cuts, i+j)
		i += j + 1
	}
	if len(cuts) < 2 {
		t.Fatal("the migration creates fewer than two tables")
	}
	cut := cuts[len(cuts)/2]
	d := &migrate.MemDir{}
	for name, part := range map[string]string{"00000000000001_first.sql": text[:cut], "00000000000002_second.sql": text[cut:]} {
		if err := d.WriteFile(name, []byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	resum(t, d)
	return d
}
