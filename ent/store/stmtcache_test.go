package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/lib/pq"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// TestStatementCache: on PostgreSQL a connection prepares a statement with
// arguments the second time it runs its text and reuses it from then on,
// keeps at most StatementCache of them, prepares again what the server
// dropped (DISCARD ALL, as a pooler may send) and then reports the
// statement's own error, and keeps none when the cache is off.
func TestStatementCache(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	for _, tc := range []struct {
		size, want int
	}{
		{size: 3, want: 3},
		{size: -1, want: 0},
	} {
		t.Run(fmt.Sprint("size ", tc.size), func(t *testing.T) {
			db, err := store.Open(store.Config{URL: url, StatementCache: tc.size})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			conn, err := db.SQL.Conn(ctx) // one connection: prepared statements are per session
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			once := func(i int) {
				t.Helper()
				var got int
				if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT $1::int + %d", i), 1).Scan(&got); err != nil || got != i+1 {
					t.Fatalf("query %d: %d, %v", i, got, err)
				}
			}
			query := func(i int) { // twice: kept from the second time
				t.Helper()
				once(i)
				once(i)
			}
			// prepared counts this session's prepared statements; in lower
			// case, it is not a SELECT as ent writes them, so it takes no
			// place in the cache itself.
			prepared := func() (n int) {
				t.Helper()
				if err := conn.QueryRowContext(ctx, "select count(*) from pg_prepared_statements").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for range 3 {
				query(0)
			}
			if n := prepared(); n != min(tc.want, 1) {
				t.Fatalf("after one statement 3 times: %d prepared", n)
			}
			for i := range 5 {
				query(i)
			}
			if n := prepared(); n != tc.want {
				t.Fatalf("after 5 statements: %d prepared, want %d", n, tc.want)
			}
			query(4) // kept
			query(0) // prepared again
			if _, err := conn.ExecContext(ctx, "DISCARD ALL"); err != nil {
				t.Fatal(err)
			}
			query(0)
			query(4)
			if n := prepared(); n != min(tc.want, 2) {
				t.Fatalf("after DISCARD ALL and 2 statements: %d prepared", n)
			}
			once(99) // a text run once is not kept
			if n := prepared(); n != min(tc.want, 2) {
				t.Fatalf("after a statement run once: %d prepared", n)
			}

			// A SELECT without arguments (a connection's page: ent writes
			// LIMIT as a number) is kept too; other statements without
			// arguments, and several statements in one text, are not.
			before := prepared()
			for range 2 {
				for _, stmt := range []string{"SELECT 42", "SET application_name = 'pactreg-test'", "SELECT 1; SELECT 2"} {
					if _, err := conn.ExecContext(ctx, stmt); err != nil {
						t.Fatalf("%s: %v", stmt, err)
					}
				}
			}
			if n := prepared(); n != min(tc.want, before+1) {
				t.Fatalf("after SELECT 42, SET and two SELECTs in one text, twice each: %d prepared, want %d", n, min(tc.want, before+1))
			}

			// In a transaction nothing is kept or reused.
			kept := func(text string) bool {
				t.Helper()
				var n int
				if err := conn.QueryRowContext(ctx, "select count(*) from pg_prepared_statements where statement = '"+text+"'").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n > 0
			}
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				var got int
				if err := tx.QueryRowContext(ctx, "SELECT $1::int + 1000", 1).Scan(&got); err != nil || got != 1001 {
					t.Fatalf("in a transaction: %d, %v", got, err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if kept("SELECT $1::int + 1000") {
				t.Fatal("a transaction's statement was kept")
			}
			once(99) // after it, texts are kept again (99 was seen before)
			if want := tc.want > 0; kept("SELECT $1::int + 99") != want {
				t.Fatalf("after the transaction, a text run twice: kept %v, want %v", !want, want)
			}

			// After a retry, the statement's own error, not the stale one.
			if _, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE u (x int PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			insert := func() error {
				_, err := conn.ExecContext(ctx, "INSERT INTO u (x) VALUES ($1)", 1)
				return err
			}
			if err := insert(); err != nil {
				t.Fatal(err)
			}
			for _, discard := range []bool{false, true} {
				if discard {
					if _, err := conn.ExecContext(ctx, "DISCARD PLANS"); err != nil {
						t.Fatal(err)
					}
					if _, err := conn.ExecContext(ctx, "DEALLOCATE ALL"); err != nil {
						t.Fatal(err)
					}
				}
				var pe *pq.Error
				if err := insert(); !errors.As(err, &pe) || pe.Code != "23505" {
					t.Fatalf("duplicate insert (deallocated first: %v): %v, want unique_violation", discard, err)
				}
			}
		})
	}
}
