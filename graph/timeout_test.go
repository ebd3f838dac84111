package graph_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/client"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
)

// TestExecutionTimeout: a request past its deadline is stopped with
// TIMEOUT, and on PostgreSQL every statement has a statement_timeout.
func TestExecutionTimeout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedWorld(t, db.Client)
		h := graph.NewHandler(db.Client, graph.Config{Logger: testLogger(), Timeout: time.Nanosecond,
			Auth: authn.Config{AdminToken: testAdminToken}})
		a := &api{t: t, db: db, c: client.New(h, client.AddHeader("Authorization", "Bearer "+testAdminToken))}
		unchanged(t, db, func() {
			a.fails(`{ organisations { totalCount edges { node { name } } } }`, "TIMEOUT", "")
			errs := a.try(`mutation { createPerson(input: {name: "Too Late"}) { id } }`, nil)
			if len(errs) == 0 || errs[0].code() != "TIMEOUT" {
				t.Fatalf("mutation past its deadline: %+v", errs)
			}
		})
		if db.Dialect == dialect.Postgres {
			var got string
			if err := db.SQL.QueryRowContext(authz.SystemContext(context.Background()), "SHOW statement_timeout").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != "10s" {
				t.Fatalf("statement_timeout = %q, want 10s", got)
			}
		}
	})
}
