package main

import (
	"context"
	"io"
	"testing"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// TestPlanIsLawful checks the plan against pactreg's appointment rules
// without a database, and the list sizes the query files rely on.
func TestPlanIsLawful(t *testing.T) {
	for _, name := range []string{"small", "large"} {
		t.Run(name, func(t *testing.T) {
			s := Scales[name]
			p := NewPlan(s)
			if p.SamePersonOverlaps != 0 {
				t.Errorf("%d same-person overlaps", p.SamePersonOverlaps)
			}
			for seat := 1; seat <= s.Seats; seat++ {
				var spans []span
				for _, i := range p.SeatApps[seat] {
					spans = append(spans, s.span(i))
				}
				if n := peakOverlap(spans); n > p.Seats[seat] {
					t.Errorf("seat %d: %d overlap, %d seats", seat, n, p.Seats[seat])
				}
			}
			for b := 1; b <= s.Bodies; b++ {
				for _, role := range []vocab.SeatRole{vocab.Chair, vocab.ViceChair} {
					var spans []span
					for _, seat := range p.BodySeats[b] {
						if p.Role[seat] == role {
							for _, i := range p.SeatApps[seat] {
								spans = append(spans, s.span(i))
							}
						}
					}
					if peakOverlap(spans) > 1 {
						t.Errorf("body %d: two %s on one day", b, role)
					}
				}
			}
			// The harness asks for first 50 seats and first 5 appointments:
			// at large every body has exactly 50 and every seat exactly 5,
			// at small 12 and 6-7.
			wantSeats, minApps, maxApps := 50, 5, 5
			if name == "small" {
				wantSeats, minApps, maxApps = 12, 6, 7
			}
			for b := 1; b <= s.Bodies; b++ {
				if len(p.BodySeats[b]) != wantSeats {
					t.Errorf("body %d has %d seats", b, len(p.BodySeats[b]))
				}
			}
			for seat := 1; seat <= s.Seats; seat++ {
				if n := len(p.SeatApps[seat]); n < minApps || n > maxApps {
					t.Errorf("seat %d has %d appointments", seat, n)
				}
			}
		})
	}
}

func TestPeakOverlapIsInclusive(t *testing.T) {
	if n := peakOverlap([]span{{0, 10}, {11, 20}}); n != 1 {
		t.Errorf("end on 10, start on 11: %d, want 1", n)
	}
	if n := peakOverlap([]span{{0, 10}, {10, 20}}); n != 2 {
		t.Errorf("end on 10, start on 10: %d, want 2", n)
	}
	if n := peakOverlap([]span{{0, openEnd}, {5000, 5001}, {100, 200}}); n != 2 {
		t.Errorf("open end: %d, want 2", n)
	}
}

// TestLoadSmall loads the small scale through the normal write path and
// shows that the rules ran on it: the audit trail has one event per row
// (bulk creates included), a full allocation refuses one more holder, and
// a second load is refused.
func TestLoadSmall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := Scales["small"]
		p := NewPlan(s)
		if err := load(ctx, db, p, options{scale: s, batch: 17, workers: 2}, io.Discard); err != nil {
			t.Fatal(err)
		}
		sys := authz.SystemContext(ctx)
		rows := s.Orgs + s.People + s.Bodies + s.Seats + s.Appointments
		if n := db.Client.AuditEvent.Query().CountX(sys); n != rows {
			t.Errorf("audit events: %d, want %d (one per row)", n, rows)
		}
		// Seat 1's allocation has as many seats as its busiest day has
		// holders: one more holder from 2000-01-01 with no end covers that
		// day, so the capacity rule refuses it.
		alloc := db.Client.SeatAllocation.Query().Where(seatallocation.Position(1)).OnlyX(sys)
		if alloc.Seats != p.Seats[1] {
			t.Fatalf("seat 1: %d seats, plan %d", alloc.Seats, p.Seats[1])
		}
		newcomer := db.Client.Person.Create().SetName("Newcomer").SaveX(sys)
		org := db.Client.Organisation.Query().FirstIDX(sys)
		err := db.Client.Appointment.Create().SetSeatAllocationID(alloc.ID).SetPersonID(newcomer.ID).
			SetOnBehalfOfID(org).SetStartsOn(epoch).Exec(sys)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.SeatFull {
			t.Errorf("one more holder of a full allocation: %v, want SEAT_FULL", err)
		}
		if err := load(ctx, db, p, options{scale: s, batch: 17, workers: 1}, io.Discard); err == nil {
			t.Error("a second load into the same database was not refused")
		}
	})
}
