package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// ints returns n arguments 1..n as ent passes ids.
func ints(n int) []any {
	a := make([]any, n)
	for i := range a {
		a[i] = i + 1
	}
	return a
}

// placeholders writes n placeholders from $from (PostgreSQL) or n ?s.
func placeholders(n, from int, postgres bool) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "?"
		if postgres {
			p[i] = fmt.Sprintf("$%d", from+i)
		}
	}
	return strings.Join(p, ", ")
}

// TestRewriteInLists: long integer IN lists become one array parameter,
// the placeholders after them are renumbered, and every statement the
// rewrite cannot read with certainty is left as it is.
func TestRewriteInLists(t *testing.T) {
	long := minArrayList(false) // long enough on both
	array := "{" + strings.Trim(strings.Join(strings.Fields(fmt.Sprint(ints(long))), ","), "[]") + "}"
	for _, tc := range []struct {
		name     string
		query    string
		args     []any
		postgres bool
		want     string
		wantArgs []any // nil: unchanged
	}{
		{
			name:     "postgres eager load",
			query:    `SELECT "p"."id" FROM "p" WHERE "p"."id" IN (` + placeholders(long, 1, true) + `)`,
			args:     ints(long),
			postgres: true,
			want:     `SELECT "p"."id" FROM "p" WHERE "p"."id" = ANY($1)`,
			wantArgs: []any{array},
		},
		{
			name: "postgres placeholders before and after are renumbered",
			query: `SELECT * FROM "p" WHERE "p"."x" = $1 AND "p"."id" IN (` + placeholders(long, 2, true) +
				`) AND "p"."y" = $` + fmt.Sprint(long+2) + ` LIMIT $` + fmt.Sprint(long+3),
			args:     append(append([]any{"a"}, ints(long)...), "b", 10),
			postgres: true,
			want:     `SELECT * FROM "p" WHERE "p"."x" = $1 AND "p"."id" = ANY($2) AND "p"."y" = $3 LIMIT $4`,
			wantArgs: []any{"a", array, "b", 10},
		},
		{
			name:     "sqlite",
			query:    "SELECT `p`.`id` FROM `p` WHERE `p`.`id` IN (" + placeholders(long, 0, false) + ") AND `p`.`x` = ?",
			args:     append(ints(long), "x"),
			want:     "SELECT `p`.`id` FROM `p` WHERE `p`.`id` IN (SELECT +value FROM json_each(?)) AND `p`.`x` = ?",
			wantArgs: []any{"[" + strings.Trim(array, "{}") + "]", "x"},
		},
		{
			name:     "a quoted IN ( and ? are text",
			query:    "SELECT ' IN (?' AS `a?`, `p`.`id` FROM `p` WHERE `p`.`id` IN (" + placeholders(long, 0, false) + ")",
			args:     ints(long),
			want:     "SELECT ' IN (?' AS `a?`, `p`.`id` FROM `p` WHERE `p`.`id` IN (SELECT +value FROM json_each(?))",
			wantArgs: []any{"[" + strings.Trim(array, "{}") + "]"},
		},
		{
			name:     "postgres: two",
			query:    `SELECT 1 WHERE "id" IN ($1, $2)`,
			args:     ints(2),
			postgres: true,
			want:     `SELECT 1 WHERE "id" = ANY($1)`,
			wantArgs: []any{"{1,2}"},
		},
		{
			name:     "postgres: one",
			query:    `SELECT 1 WHERE "id" IN ($1)`,
			args:     ints(1),
			postgres: true,
		},
		{
			name:  "sqlite: short list",
			query: `SELECT 1 WHERE "id" IN (` + placeholders(long-1, 1, false) + `)`,
			args:  ints(long - 1),
		},
		{
			name:     "NOT IN",
			query:    `SELECT 1 WHERE "id" NOT IN (` + placeholders(long, 1, true) + `)`,
			args:     ints(long),
			postgres: true,
		},
		{
			name:     "strings",
			query:    `SELECT 1 WHERE "id" IN (` + placeholders(long, 1, true) + `)`,
			args:     append(ints(long-1), "x"),
			postgres: true,
		},
		{
			name:     "placeholders out of order",
			query:    `SELECT 1 WHERE "a" = $2 AND "id" IN (` + placeholders(long, 3, true) + `) AND "b" = $1`,
			args:     append([]any{1, 2}, ints(long)...),
			postgres: true,
		},
		{
			name:     "a comment",
			query:    `SELECT 1 WHERE "id" IN (` + placeholders(long, 1, true) + `) -- note`,
			args:     ints(long),
			postgres: true,
		},
		{
			name:     "an escape in a literal",
			query:    `SELECT E'\'' WHERE "id" IN (` + placeholders(long, 1, true) + `)`,
			args:     ints(long),
			postgres: true,
		},
		{
			name:     "a dollar quote",
			query:    `SELECT $$x$$ WHERE "id" IN (` + placeholders(long, 1, true) + `)`,
			args:     ints(long),
			postgres: true,
		},
		{
			name:     "more arguments than placeholders",
			query:    `SELECT 1 WHERE "id" IN (` + placeholders(long, 1, true) + `)`,
			args:     ints(long + 1),
			postgres: true,
		},
		{
			name:     "a sub-select",
			query:    `SELECT 1 WHERE "id" IN (SELECT "id" FROM "q" WHERE "x" = $1)`,
			args:     ints(long)[:1],
			postgres: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &longInLists{postgres: tc.postgres}
			got, gotArgs := d.rewrite(tc.query, tc.args)
			if tc.wantArgs == nil {
				if got != tc.query || !reflect.DeepEqual(gotArgs, tc.args) {
					t.Fatalf("changed:\n%s\n%v", got, gotArgs)
				}
				return
			}
			if got != tc.want {
				t.Errorf("query:\n got %s\nwant %s", got, tc.want)
			}
			if !reflect.DeepEqual(gotArgs, tc.wantArgs) {
				t.Errorf("args:\n got %#v\nwant %#v", gotArgs, tc.wantArgs)
			}
		})
	}
}

// TestInListsEquivalent: on both databases the rewritten statement finds
// the same rows as ent's IN list, whatever the left side's type: an
// integer list against integer, real, numeric, text and untyped columns
// holding numbers in several spellings (SQLite compares with the left
// side's affinity; PostgreSQL converts the list to the column's type).
func TestInListsEquivalent(t *testing.T) {
	type backend struct {
		name, url string
		postgres  bool
	}
	backends := []backend{{name: "sqlite", url: t.TempDir() + "/eq.db"}}
	if url := os.Getenv("PACTREG_TEST_DATABASE_URL"); url != "" {
		backends = append(backends, backend{name: "postgres", url: url, postgres: true})
	} else if os.Getenv("PACTREG_TEST_REQUIRE_POSTGRES") == "1" {
		t.Fatal("PACTREG_TEST_DATABASE_URL is required")
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			db, err := Open(Config{URL: be.url})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			conn, err := db.SQL.Conn(ctx) // one session: the temporary table
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			table := "CREATE TEMPORARY TABLE eq (id int, i bigint, r real, n numeric, t text, u"
			values := []string{"1, 1, 1, 1, '1', '1'", "2, 2, 2.0, 2.0, '2.0', 2", "3, 3, 3.5, 3.5, ' 3', '03'", "4, 40, 4, 4, '04', 4.0"}
			if be.postgres {
				table = "CREATE TEMPORARY TABLE eq (id int, i bigint, r real, n numeric, t text, u varchar"
			}
			if _, err := conn.ExecContext(ctx, table+")"); err != nil {
				t.Fatal(err)
			}
			for _, v := range values {
				if _, err := conn.ExecContext(ctx, "INSERT INTO eq VALUES ("+v+")"); err != nil {
					t.Fatal(err)
				}
			}
			long := minArrayList(false)
			args := ints(long) // 1..16
			for _, column := range []string{"i", "r", "n", "t", "u"} {
				query := "SELECT id FROM eq WHERE " + column + " IN (" + placeholders(long, 1, be.postgres) + ") ORDER BY id"
				if be.postgres && (column == "t" || column == "u") {
					continue // text = integer: PostgreSQL refuses both forms alike (no operator)
				}
				rewritten, rargs, ok := rewriteInLists(query, args, be.postgres)
				if !ok {
					t.Fatalf("%s: not rewritten", column)
				}
				if got, want := ids(t, conn, rewritten, rargs), ids(t, conn, query, args); got != want {
					t.Errorf("%s: rewritten finds %s, IN list %s", column, got, want)
				}
			}
		})
	}
}

func ids(t *testing.T, conn *sql.Conn, query string, args []any) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(id))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// BenchmarkRewriteInLists: the rewrite of the large nested query's longest
// statement (the people of 5,000 appointments), which runs on every such
// request, against the statement as ent writes it.
func BenchmarkRewriteInLists(b *testing.B) {
	const n = 5000
	query := `SELECT "persons"."id", "persons"."name" FROM "persons" WHERE "persons"."id" IN (` + placeholders(n, 1, true) + `)`
	args := make([]any, n)
	for i := range args {
		args[i] = 8589934592 + i
	}
	d := &longInLists{postgres: true}
	b.ReportAllocs()
	for b.Loop() {
		if q, _ := d.rewrite(query, args); q == query {
			b.Fatal("not rewritten")
		}
	}
}
