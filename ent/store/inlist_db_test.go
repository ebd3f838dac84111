package store_test

import (
	"context"
	"testing"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// TestLongInLists: a query whose IN list is longer than either database
// takes parameters (PostgreSQL 65,535, SQLite 32,766), as ent's eager
// loading writes for that many parent rows, is answered, reading and
// writing, with the same rows as a short list.
func TestLongInLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		var want []int
		for _, name := range []string{"A", "B", "C"} {
			want = append(want, c.Organisation.Create().SetName(name).SetKind(vocab.Company).SaveX(ctx).ID)
		}
		ids := make([]int, 0, 70_000)
		for i := range cap(ids) - len(want) {
			ids = append(ids, want[len(want)-1]+1+i) // no such rows
		}
		ids = append(ids, want...)

		got, err := c.Organisation.Query().Where(organisation.IDIn(ids...)).Order(organisation.ByID()).IDs(ctx)
		if err != nil {
			t.Fatalf("query with %d ids: %v", len(ids), err)
		}
		if len(got) != len(want) || got[0] != want[0] || got[2] != want[2] {
			t.Fatalf("got %v, want %v", got, want)
		}
		n, err := c.Organisation.Update().Where(organisation.IDIn(ids...)).SetShortName("x").Save(ctx)
		if err != nil || n != len(want) {
			t.Fatalf("update with %d ids: %d rows, %v", len(ids), n, err)
		}
		// NOT IN is left as ent writes it; short enough, it works too.
		rest, err := c.Organisation.Query().Where(organisation.IDNotIn(want[:2]...), organisation.ShortName("x")).IDs(ctx)
		if err != nil || len(rest) != 1 || rest[0] != want[2] {
			t.Fatalf("NOT IN: %v, %v", rest, err)
		}
	})
}
