package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/pactreg/pactreg/ent/migrate"
)

// copyBatch is how many rows one INSERT carries (PostgreSQL takes at most
// 65,535 parameters per statement; pactreg's widest table has about 30
// columns).
const copyBatch = 500

// Copy copies every row of every table of from into to, which must be
// migrated and empty: the way from the embedded SQLite to PostgreSQL.
// Rows keep their ids (global ids: what clients and integrations stored
// stays valid), and the history (audit trail, change feed) comes along.
// It runs in one transaction on to (all or nothing), below ent: no hook
// runs and no audit event is added. It returns the rows copied per table.
func Copy(ctx context.Context, from, to *DB) (map[string]int, error) {
	tables, err := copyOrder(migrate.Tables)
	if err != nil {
		return nil, err
	}
	tx, err := to.SQL.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if to.Dialect == dialect.Postgres {
		// The same lock as every write (see serialWrites): nothing else
		// writes while the copy runs.
		if _, err := tx.ExecContext(ctx, writeLockSQL, writeLockClass); err != nil {
			return nil, fmt.Errorf("copy: take the write lock: %w", err)
		}
	}
	for _, t := range tables {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+quote(t.Name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("copy: count %s in the target: %w", t.Name, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("copy: the target is not empty (%s has %d rows); copy into a new, migrated database", t.Name, n)
		}
	}
	copied := make(map[string]int, len(tables))
	for _, t := range tables {
		n, err := copyTable(ctx, from.SQL, tx, t, to.Dialect == dialect.Postgres)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t.Name, err)
		}
		copied[t.Name] = n
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit: %w", err)
	}
	return copied, nil
}

// copyTable copies t's rows. A column referring to t itself is copied in
// a second pass, once every row it may point at exists.
func copyTable(ctx context.Context, from *sql.DB, to *sql.Tx, t *schema.Table, postgres bool) (int, error) {
	var cols, selfRefs []string
	for _, c := range t.Columns {
		cols = append(cols, c.Name)
	}
	for _, fk := range t.ForeignKeys {
		if fk.RefTable == t {
			for _, c := range fk.Columns {
				selfRefs = append(selfRefs, c.Name)
			}
		}
	}
	rows, err := from.QueryContext(ctx, "SELECT "+quoteAll(cols)+" FROM "+quote(t.Name)+" ORDER BY "+quote(t.PrimaryKey[0].Name))
	if err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	var (
		batch [][]any
		later [][]any // id, then the self-referring values
		n     int
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := insertRows(ctx, to, t.Name, cols, batch)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, fmt.Errorf("read: %w", err)
		}
		for i, v := range vals {
			if tm, ok := v.(time.Time); ok && postgres {
				// PostgreSQL keeps microseconds and would round the
				// rest: cut them, as an instant that has passed.
				vals[i] = tm.Truncate(time.Microsecond)
			}
		}
		if len(selfRefs) > 0 {
			deferred := []any{vals[0]}
			for i, c := range cols {
				if slices.Contains(selfRefs, c) {
					deferred = append(deferred, vals[i])
					vals[i] = nil
				}
			}
			later = append(later, deferred)
		}
		batch = append(batch, vals)
		n++
		if len(batch) == copyBatch {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	if err := flush(); err != nil {
		return 0, err
	}
	for _, d := range later {
		set := make([]string, len(selfRefs))
		for i, c := range selfRefs {
			set[i] = fmt.Sprintf("%s = $%d", quote(c), i+1)
		}
		q := fmt.Sprintf("UPDATE %s SET %s WHERE %s = $%d", quote(t.Name), strings.Join(set, ", "), quote(cols[0]), len(selfRefs)+1)
		if _, err := to.ExecContext(ctx, q, append(d[1:], d[0])...); err != nil {
			return 0, fmt.Errorf("write %s: %w", strings.Join(selfRefs, ", "), err)
		}
	}
	if postgres && n > 0 && t.PrimaryKey[0].Increment {
		// Explicit ids do not advance the identity: the next insert
		// would collide.
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', '%s'), (SELECT max(%s) FROM %s))",
			quote(t.Name), cols[0], quote(cols[0]), quote(t.Name))
		if _, err := to.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("advance the id sequence: %w", err)
		}
	}
	return n, nil
}

func insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	var (
		b    strings.Builder
		args = make([]any, 0, len(rows)*len(cols))
	)
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", quote(table), quoteAll(cols))
	for r, row := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range row {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", len(args)+i+1)
		}
		b.WriteByte(')')
		args = append(args, row...)
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// copyOrder sorts tables so that each comes after the tables it refers to
// (references to itself aside).
func copyOrder(tables []*schema.Table) ([]*schema.Table, error) {
	var (
		out   []*schema.Table
		state = map[*schema.Table]int{} // 1 visiting, 2 done
		visit func(t *schema.Table) error
	)
	visit = func(t *schema.Table) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("copy: tables refer to each other in a cycle through %s", t.Name)
		case 2:
			return nil
		}
		state[t] = 1
		for _, fk := range t.ForeignKeys {
			if fk.RefTable != t {
				if err := visit(fk.RefTable); err != nil {
					return err
				}
			}
		}
		state[t] = 2
		out = append(out, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
