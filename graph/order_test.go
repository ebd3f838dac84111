package graph_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// TestListOrderWithoutItsField: a body's seat allocations come in position
// order and an allocation's appointments in start order even when the
// query does not ask for position or startsOn (eager loading selects only
// the columns asked for, and these lists are sorted by those columns).
// Rows are created against that order, so id order would differ.
func TestListOrderWithoutItsField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		w := seedWorld(t, c)
		// Appended at position 0 and 1 after the world's allocation (0):
		// listed before it by position, after it by id.
		later := c.SeatAllocation.Create().SetBodyID(w.body).SetLabel("Later").SetSeats(1).SetPosition(2).
			SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx)
		sooner := c.SeatAllocation.Create().SetBodyID(w.body).SetLabel("Sooner").SetSeats(1).SetPosition(1).
			SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx)
		// The world's allocation holds a later term entered first, then the
		// earlier term it followed.
		p2 := c.Person.Create().SetName("Second Holder").SaveX(ctx)
		recent := c.Appointment.Create().SetPersonID(p2.ID).SetSeatAllocationID(w.alloc).SetOnBehalfOfID(w.org).
			SetStartsOn(dates.MustParse("2022-01-01")).SaveX(ctx)
		earlier := c.Appointment.Create().SetPersonID(w.person).SetSeatAllocationID(w.alloc).SetOnBehalfOfID(w.org).
			SetStartsOn(dates.MustParse("2018-06-01")).SetEndsOn(dates.MustParse("2021-12-31")).SaveX(ctx)

		var out struct {
			Bodies struct {
				Edges []struct {
					Node struct {
						SeatAllocations []struct {
							ID           string
							Label        string
							Appointments []struct{ ID string }
						}
					}
				}
			}
		}
		a.do(`{ bodies(first: 1) { edges { node { seatAllocations { id label appointments { id } } } } } }`, &out)
		if len(out.Bodies.Edges) != 1 {
			t.Fatalf("bodies: %+v", out)
		}
		var labels []string
		var apps []string
		for _, s := range out.Bodies.Edges[0].Node.SeatAllocations {
			labels = append(labels, s.Label)
			for _, ap := range s.Appointments {
				apps = append(apps, ap.ID)
			}
		}
		if want := []string{"Kommunerne", "Sooner", "Later"}; !slices.Equal(labels, want) {
			t.Errorf("seat allocations %q, want %q (position order; ids %d, %d)", labels, want, later.ID, sooner.ID)
		}
		if want := []string{strconv.Itoa(earlier.ID), strconv.Itoa(recent.ID)}; !slices.Equal(apps, want) {
			t.Errorf("appointments %q, want %q (start order)", apps, want)
		}
	})
}
