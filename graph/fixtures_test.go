package graph_test

import (
	"context"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/vocab"
)

// counts is how many rows each entity has; a refused write must leave it
// unchanged.
type counts struct {
	Organisations, Bodies, SeatAllocations, People, Appointments int
}

func countAll(t *testing.T, c *ent.Client) counts {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	var n counts
	var err error
	for _, q := range []struct {
		dst *int
		f   func() (int, error)
	}{
		{&n.Organisations, func() (int, error) { return c.Organisation.Query().Count(ctx) }},
		{&n.Bodies, func() (int, error) { return c.Body.Query().Count(ctx) }},
		{&n.SeatAllocations, func() (int, error) { return c.SeatAllocation.Query().Count(ctx) }},
		{&n.People, func() (int, error) { return c.Person.Query().Count(ctx) }},
		{&n.Appointments, func() (int, error) { return c.Appointment.Query().Count(ctx) }},
	} {
		if *q.dst, err = q.f(); err != nil {
			t.Fatalf("count: %v", err)
		}
	}
	return n
}

// unchanged runs f and fails the test if any entity count changed.
func unchanged(t *testing.T, db *store.DB, f func()) {
	t.Helper()
	before := countAll(t, db.Client)
	f()
	if after := countAll(t, db.Client); after != before {
		t.Fatalf("a refused write changed the data: before %+v, after %+v", before, after)
	}
}

// world is a small registry: one council with one 2-seat allocation, an
// organisation that fits it, and a person.
type world struct {
	org, body, alloc, person int
}

func seedWorld(t *testing.T, c *ent.Client) world {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	org := c.Organisation.Create().SetName("Aarhus Kommune").SetKind(vocab.Municipality).
		SetMunicipalityCode("751").SaveX(ctx)
	body := c.Body.Create().SetName("Rådet for fremtidens kompetencer").SetKind(vocab.Council).
		SetEstablishedOn(dates.MustParse("2018-04-25")).SaveX(ctx)
	alloc := c.SeatAllocation.Create().SetBodyID(body.ID).SetLabel("Kommunerne").SetSeats(2).
		SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx)
	person := c.Person.Create().SetName("Demo Person").SaveX(ctx)
	return world{org: org.ID, body: body.ID, alloc: alloc.ID, person: person.ID}
}
