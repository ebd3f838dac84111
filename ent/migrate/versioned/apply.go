package versioned

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Conn is a PostgreSQL connection (a *sql.Conn holding the migration lock,
// or a *sql.DB in tests). Apply runs each file in a transaction of its own.
type Conn interface {
	querier
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// Options tune Apply.
type Options struct {
	// Baseline, when set and the database has no revisions yet, marks
	// every migration up to and including this version as applied without
	// running or checking it: for an older database whose schema Apply
	// cannot match to a version by itself.
	Baseline string
}

// Result says what Apply did.
type Result struct {
	// Baseline is the version an existing database without revisions was
	// marked as migrated to (files up to it were not run), or "".
	Baseline string
	// Applied are the files run, in order.
	Applied []string
}

// Status is where a database stands.
type Status struct {
	// Pending are the files Apply would run, in order.
	Pending []string
	// NeedsBaseline: the database holds tables but no revisions (ent's
	// auto-migration made it); Apply would baseline it first.
	NeedsBaseline bool
}

// UpToDate reports whether Apply has nothing to do.
func (s Status) UpToDate() bool { return len(s.Pending) == 0 && !s.NeedsBaseline }

// Apply brings the database's current schema up to date with dir: it
// refuses a directory whose atlas.sum does not match its files, baselines
// a database that ent's auto-migration created (tables but no revisions:
// the earliest version whose files, replayed on a scratch schema, give
// exactly its schema), then runs each pending file in a transaction and
// records it in RevisionTable. The caller serialises concurrent calls on
// one database (the server holds an advisory lock).
func Apply(ctx context.Context, c Conn, dir migrate.Dir, opts Options) (Result, error) {
	var res Result
	if err := migrate.Validate(dir); err != nil {
		return res, fmt.Errorf("the migration files do not match their atlas.sum (changed, added or removed by hand?): %w", err)
	}
	st, err := readState(ctx, c)
	if err != nil {
		return res, err
	}
	var first []migrate.ExecutorOption
	if st.revisions == 0 {
		switch {
		case opts.Baseline != "":
			res.Baseline = opts.Baseline
		case len(st.tables) == 0:
			// Clean (checked on the current schema only: the executor's own
			// check looks at every schema of the database).
			first = append(first, migrate.WithAllowDirty(true))
		default:
			if res.Baseline, err = matchBaseline(ctx, c, dir); err != nil {
				return res, err
			}
		}
		if res.Baseline != "" {
			first = append(first, migrate.WithBaselineVersion(res.Baseline))
		}
	}
	for {
		file, err := inTx(ctx, c, func(tx *sql.Tx) (string, error) { return step(ctx, tx, dir, first) })
		if err != nil {
			return res, err
		}
		if file == "" {
			return res, nil
		}
		res.Applied = append(res.Applied, file)
		first = nil
	}
}

// Pending reports where the database stands without changing anything.
func Pending(ctx context.Context, c Conn, dir migrate.Dir) (Status, error) {
	var s Status
	if err := migrate.Validate(dir); err != nil {
		return s, fmt.Errorf("the migration files do not match their atlas.sum: %w", err)
	}
	st, err := readState(ctx, c)
	if err != nil {
		return s, err
	}
	if st.revisions == 0 {
		files, err := dir.Files()
		if err != nil {
			return s, err
		}
		for _, f := range files {
			s.Pending = append(s.Pending, f.Name())
		}
		s.NeedsBaseline = len(st.tables) > 0
		return s, nil
	}
	_, err = inTx(ctx, c, func(tx *sql.Tx) (string, error) {
		ex, err := executor(tx, dir)
		if err != nil {
			return "", err
		}
		files, err := ex.Pending(ctx)
		if err != nil && !errors.Is(err, migrate.ErrNoPendingFiles) {
			return "", err
		}
		for _, f := range files {
			s.Pending = append(s.Pending, f.Name())
		}
		return "", errReadOnly // roll back: nothing here writes, but be sure
	})
	if errors.Is(err, errReadOnly) {
		err = nil
	}
	return s, err
}

var errReadOnly = errors.New("read only")

// step runs the first pending file in tx and returns its name, or "" when
// none is pending.
func step(ctx context.Context, tx *sql.Tx, dir migrate.Dir, opts []migrate.ExecutorOption) (string, error) {
	if _, err := tx.ExecContext(ctx, createRevisionTable); err != nil {
		return "", fmt.Errorf("create %s: %w", RevisionTable, err)
	}
	ex, err := executor(tx, dir, opts...)
	if err != nil {
		return "", err
	}
	pending, err := ex.Pending(ctx)
	if errors.Is(err, migrate.ErrNoPendingFiles) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	f := pending[0]
	if err := ex.Execute(ctx, f); err != nil {
		// The executor also tries to record the failure, which the aborted
		// transaction refuses: report the statement that failed.
		var serr *migrate.StmtExecError
		if errors.As(err, &serr) {
			err = serr
		}
		return "", fmt.Errorf("migration %s failed (rolled back, nothing of it applied): %w", f.Name(), err)
	}
	return f.Name(), nil
}

func executor(tx *sql.Tx, dir migrate.Dir, opts ...migrate.ExecutorOption) (*migrate.Executor, error) {
	drv, err := postgres.Open(tx)
	if err != nil {
		return nil, err
	}
	return migrate.NewExecutor(schemaDriver{drv, tx}, dir, revisions{tx}, opts...)
}

// schemaDriver scopes the executor's cleanliness check to the current
// schema. Atlas's own check, on a connection not bound to a schema by its
// URL, inspects every schema of the database: slow, wrong for a database
// that holds other schemas, and racing with DDL elsewhere.
type schemaDriver struct {
	migrate.Driver
	q querier
}

// CheckClean reports a NotCleanError when the current schema holds a table
// other than the revision table.
func (d schemaDriver) CheckClean(ctx context.Context, _ *migrate.TableIdent) error {
	st, err := readState(ctx, d.q)
	if err != nil {
		return err
	}
	if len(st.tables) > 0 {
		return &migrate.NotCleanError{Reason: fmt.Sprintf("found table %q in the current schema", st.tables[0])}
	}
	return nil
}

// inTx runs f in a transaction of c, committed when f succeeds.
func inTx(ctx context.Context, c Conn, f func(*sql.Tx) (string, error)) (string, error) {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	s, err := f(tx)
	if err != nil {
		return "", errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return s, tx.Commit()
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// state is what the current schema holds.
type state struct {
	tables    []string // tables other than RevisionTable
	revisions int      // rows of RevisionTable (0 when it is missing)
}

func readState(ctx context.Context, c querier) (state, error) {
	var st state
	rows, err := c.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	hasRevisions := false
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return st, err
		}
		if name == RevisionTable {
			hasRevisions = true
		} else {
			st.tables = append(st.tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	if hasRevisions {
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM `+RevisionTable).Scan(&st.revisions); err != nil {
			return st, err
		}
	}
	return st, nil
}

// matchBaseline finds the earliest version whose files, replayed in order
// on a scratch schema, give exactly the current schema. The scratch schema
// lives in a transaction that is rolled back, so it never outlasts the call.
func matchBaseline(ctx context.Context, c Conn, dir migrate.Dir) (string, error) {
	files, err := dir.Files()
	if err != nil {
		return "", err
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	drv, err := postgres.Open(tx)
	if err != nil {
		return "", err
	}
	current, err := drv.InspectSchema(ctx, "", nil)
	if err != nil {
		return "", fmt.Errorf("inspect the existing schema: %w", err)
	}
	current.Tables = slices.DeleteFunc(current.Tables, func(t *schema.Table) bool { return t.Name == RevisionTable })
	scratch := scratchName("pactreg_baseline_")
	if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+scratch); err != nil {
		return "", fmt.Errorf("baseline: create a scratch schema to replay the migrations in (the user needs CREATE on the database, or pass a baseline version): %w", err)
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL search_path TO "+scratch); err != nil {
		return "", err
	}
	ex, err := migrate.NewExecutor(drv, dir, migrate.NopRevisionReadWriter{})
	if err != nil {
		return "", err
	}
	var last []schema.Change
	for _, f := range files {
		if err := ex.ExecuteFiles(ctx, []migrate.File{f}); err != nil {
			return "", fmt.Errorf("baseline: replay %s: %w", f.Name(), err)
		}
		replayed, err := drv.InspectSchema(ctx, "", nil)
		if err != nil {
			return "", err
		}
		replayed.Name = current.Name
		changes, err := drv.SchemaDiff(current, replayed)
		if err != nil {
			return "", err
		}
		if len(changes) == 0 {
			return f.Version(), nil
		}
		last = changes
	}
	return "", fmt.Errorf("the database holds tables but no migration revisions (%s), and its schema matches no migration version "+
		"(compared with the newest, it differs by: %s); bring it in line with the schema of a version and baseline it "+
		"with `pactreg migrate -baseline VERSION`", RevisionTable, describe(last))
}

// describe names up to five changes.
func describe(changes []schema.Change) string {
	var s []string
	for _, c := range changes {
		if len(s) == 5 {
			s = append(s, fmt.Sprintf("and %d more", len(changes)-5))
			break
		}
		switch c := c.(type) {
		case *schema.AddTable:
			s = append(s, "table "+c.T.Name+" missing")
		case *schema.DropTable:
			s = append(s, "extra table "+c.T.Name)
		case *schema.ModifyTable:
			s = append(s, fmt.Sprintf("table %s (%d changes)", c.T.Name, len(c.Changes)))
		default:
			s = append(s, fmt.Sprintf("%T", c))
		}
	}
	return strings.Join(s, ", ")
}
