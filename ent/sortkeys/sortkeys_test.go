package sortkeys_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// TestKeep: a query selecting some columns also loads the sort column; a
// query object reused after All serves IDs, Exist, Count and First as
// before, and a Select scans only what it selects.
func TestKeep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		body := c.Body.Create().SetName("Rådet").SetKind(vocab.Council).SetEstablishedOn(dates.MustParse("2018-04-25")).SaveX(ctx)
		for _, pos := range []int{2, 1} {
			c.SeatAllocation.Create().SetBodyID(body.ID).SetLabel("Seat").SetSeats(1).SetPosition(pos).
				SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx)
		}

		q := c.SeatAllocation.Query().Where(seatallocation.BodyID(body.ID))
		q.Select(seatallocation.FieldLabel) // as entgql's field collection does
		rows, err := q.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var positions []int
		for _, r := range rows {
			positions = append(positions, r.Position)
		}
		slices.Sort(positions)
		if !slices.Equal(positions, []int{1, 2}) {
			t.Errorf("positions loaded %v, want [1 2]", positions)
		}

		// A query object reused after All (ent itself supports one more
		// call, not a Select, IDs or Exist followed by another): the
		// column step must not outlive the All.
		reused := func() *ent.SeatAllocationQuery {
			q := c.SeatAllocation.Query().Where(seatallocation.BodyID(body.ID))
			if _, err := q.All(ctx); err != nil {
				t.Fatal(err)
			}
			return q
		}
		if ids, err := reused().IDs(ctx); err != nil || len(ids) != 2 {
			t.Errorf("IDs after All: %v %v", ids, err)
		}
		if ok, err := reused().Exist(ctx); err != nil || !ok {
			t.Errorf("Exist after All: %v %v", ok, err)
		}
		if n, err := reused().Count(ctx); err != nil || n != 2 {
			t.Errorf("Count after All: %v %v", n, err)
		}
		if _, err := reused().First(ctx); err != nil {
			t.Errorf("First after All: %v", err)
		}
		if labels, err := c.SeatAllocation.Query().Where(seatallocation.BodyID(body.ID)).Select(seatallocation.FieldLabel).Strings(ctx); err != nil || len(labels) != 2 {
			t.Errorf("Select.Strings: %v %v", labels, err)
		}
	})
}
