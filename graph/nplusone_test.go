package graph_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// grow adds n bodies, each with 3 allocations holding 2 appointments
// each, of people on behalf of organisations.
func grow(t *testing.T, c *ent.Client, n int) {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	for i := range n {
		o := c.Organisation.Create().SetName(fmt.Sprintf("Org %d", i)).SetKind(vocab.Municipality).SaveX(ctx)
		b := c.Body.Create().SetName(fmt.Sprintf("Body %d", i)).SetKind(vocab.Council).SaveX(ctx)
		for j := range 3 {
			al := c.SeatAllocation.Create().SetBodyID(b.ID).SetLabel(fmt.Sprintf("Alloc %d.%d", i, j)).SetSeats(2).SaveX(ctx)
			for k := range 2 {
				p := c.Person.Create().SetName(fmt.Sprintf("Person %d.%d.%d", i, j, k)).SaveX(ctx)
				c.Appointment.Create().SetPersonID(p.ID).SetSeatAllocationID(al.ID).SetOnBehalfOfID(o.ID).
					SetStartsOn(dates.MustParse("2018-06-01")).SaveX(ctx)
			}
		}
	}
}

const nestedQuery = `{
  bodies(first: 20) {
    totalCount
    edges { node {
      name
      seatAllocations {
        label seats role
        appointments { startsOn person { name } onBehalfOf { name kind } }
      }
    } }
  }
}`

type nested struct {
	Bodies struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Name            string
				SeatAllocations []struct {
					Label        string
					Appointments []struct {
						Person     struct{ Name string }
						OnBehalfOf struct{ Name string }
					}
				}
			}
		}
	}
}

// TestNestedQueryIsNotNPlusOne: the statements a nested query sends do not
// grow with the data (1× and 10×).
func TestNestedQueryIsNotNPlusOne(t *testing.T) {
	eachCounting(t, func(t *testing.T, backend string, db *store.DB, a *api, counter *storetest.Counter) {
		statements := func(bodies int) int {
			var out nested
			counter.Reset()
			a.do(nestedQuery, &out)
			n := counter.N()
			if out.Bodies.TotalCount != bodies || len(out.Bodies.Edges) != bodies {
				t.Fatalf("got %d bodies, want %d", len(out.Bodies.Edges), bodies)
			}
			for _, e := range out.Bodies.Edges {
				if len(e.Node.SeatAllocations) != 3 || len(e.Node.SeatAllocations[2].Appointments) != 2 ||
					e.Node.SeatAllocations[2].Appointments[1].Person.Name == "" {
					t.Fatalf("incomplete nesting: %+v", e.Node)
				}
			}
			return n
		}
		grow(t, db.Client, 2)
		small := statements(2)
		grow(t, db.Client, 18)
		large := statements(20)
		t.Logf("%s: %d statements at 2 bodies, %d at 20", backend, small, large)
		if small != large {
			t.Fatalf("statements grow with data: %d at 1×, %d at 10× (N+1)", small, large)
		}
		if small > 7 {
			t.Errorf("%d statements for a 5-level query; expected one per level plus the count", small)
		}
	})
}

// TestChangeFeedNodesAreNotNPlusOne: a page of change events loads their
// entities with one statement per entity type, not one per event.
func TestChangeFeedNodesAreNotNPlusOne(t *testing.T) {
	eachCounting(t, func(t *testing.T, backend string, db *store.DB, a *api, counter *storetest.Counter) {
		statements := func(bodies int) int {
			counter.Reset()
			events, _ := a.readFeed(nil, 100, "Person", "Organisation")
			n := counter.N()
			if want := bodies * 7; len(events) != want {
				t.Fatalf("got %d events, want %d", len(events), want)
			}
			for _, e := range events {
				if e.Node == nil || e.Node.Name == "" {
					t.Fatalf("event without its entity: %+v", e)
				}
			}
			return n
		}
		grow(t, db.Client, 2)
		small := statements(2)
		grow(t, db.Client, 10)
		large := statements(12)
		t.Logf("%s: %d statements for 14 events, %d for 84", backend, small, large)
		if small != large || small > 4 {
			t.Fatalf("statements grow with events: %d, then %d (want the page, the two entity types, at most one more)", small, large)
		}
	})
}

// eachCounting runs f on every backend with an admin client whose SQL
// statements counter counts.
func eachCounting(t *testing.T, f func(t *testing.T, backend string, db *store.DB, a *api, counter *storetest.Counter)) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			var counter storetest.Counter
			db := storetest.Open(t, backend, storetest.Options{Wrap: counter.Wrap})
			f(t, backend, db, newAPI(t, db), &counter)
		})
	}
}
