package rules

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Appointments enforces the appointment rules on every write of an
// appointment: defaults (term end from the body, an alternate's end from
// its member, the link to a directly preceding term), then CheckAppointment
// on create, and on ending or moving an end.
func Appointments() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AppointmentFunc(func(ctx context.Context, m *gen.AppointmentMutation) (ent.Value, error) {
			var err error
			switch {
			case m.Op().Is(ent.OpCreate):
				err = beforeCreate(ctx, m)
			case m.Op().Is(ent.OpUpdateOne):
				err = beforeEnd(ctx, m)
			}
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || !m.Op().Is(ent.OpUpdateOne) {
				return v, err
			}
			return v, endAlternates(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

func beforeCreate(ctx context.Context, m *gen.AppointmentMutation) error {
	cand := Candidate{}
	cand.PersonID, _ = m.PersonID()
	cand.SeatAllocationID, _ = m.SeatAllocationID()
	cand.OnBehalfOfID, _ = m.OnBehalfOfID()
	cand.StartsOn, _ = m.StartsOn()
	if end, ok := m.EndsOn(); ok {
		cand.EndsOn = &end
	}
	if id, ok := m.AlternateForID(); ok {
		cand.AlternateForID = &id
	}
	if id, ok := m.PreviousID(); ok {
		cand.PreviousID = &id
	}
	planned, err := Plan(ctx, m.Client(), cand)
	if err != nil {
		return err
	}
	if planned.EndsOn != nil && cand.EndsOn == nil {
		m.SetEndsOn(*planned.EndsOn)
	}
	if planned.PreviousID != nil && cand.PreviousID == nil {
		m.SetPreviousID(*planned.PreviousID)
	}
	return CheckAppointment(ctx, m.Client(), planned)
}

// Plan completes a candidate as creating it would: an alternate ends with
// its member; a member's missing end comes from the body's term length;
// a term that starts the day after the same person's last one in the body
// continues it (so a reappointment cannot dodge the term limit), if that
// term is not yet continued (the one in the same allocation first). Checking
// a nomination plans it the same way, so it is judged as it will be made.
func Plan(ctx context.Context, c *gen.Client, cand Candidate) (Candidate, error) {
	if cand.AlternateForID != nil {
		if cand.EndsOn == nil {
			member, err := c.Appointment.Get(ctx, *cand.AlternateForID)
			if err != nil {
				return cand, fmt.Errorf("appointment rules: member %d: %w", *cand.AlternateForID, err)
			}
			cand.EndsOn = member.EndsOn
		}
		return cand, nil
	}
	alloc, err := c.SeatAllocation.Query().Where(seatallocation.ID(cand.SeatAllocationID)).WithBody().Only(ctx)
	if err != nil {
		return cand, fmt.Errorf("appointment rules: allocation %d: %w", cand.SeatAllocationID, err)
	}
	if b := alloc.Edges.Body; cand.EndsOn == nil && b.DefaultTermMonths != nil {
		end := termEnd(cand.StartsOn, *b.DefaultTermMonths)
		cand.EndsOn = &end
	}
	if cand.PreviousID == nil {
		prevs, err := c.Appointment.Query().Where(
			appointment.PersonID(cand.PersonID),
			appointment.AlternateForIDIsNil(),
			appointment.EndsOn(cand.StartsOn.AddDays(-1)),
			appointment.HasSeatAllocationWith(seatallocation.BodyID(alloc.BodyID)),
			appointment.Not(appointment.HasNext()),
		).Order(appointment.ByID()).All(ctx)
		if err != nil {
			return cand, fmt.Errorf("appointment rules: previous term: %w", err)
		}
		for _, p := range prevs {
			if p.SeatAllocationID == cand.SeatAllocationID {
				cand.PreviousID = &p.ID
				break
			}
		}
		if cand.PreviousID == nil && len(prevs) > 0 {
			cand.PreviousID = &prevs[0].ID
		}
	}
	return cand, nil
}

// termEnd is the last day of a term of months months from start: the day
// before the same day of the month months later, or that month's last day
// if it has no such day (from 31 August, six months end on 28 February,
// not in March).
func termEnd(start dates.Date, months int) dates.Date {
	next := start.AddDate(0, months, 0)
	if next.Day() != start.Day() { // normalised past the month's end
		return next.AddDays(-next.Day())
	}
	return next.AddDays(-1)
}

// beforeEnd checks a change of an appointment's end: an ended appointment
// stays ended, a member cannot end before an alternate of it starts, and
// a later end must still fit every rule (over the whole term, as on
// create); ending an open-ended term, or ending earlier, only frees seats
// and is not checked again.
func beforeEnd(ctx context.Context, m *gen.AppointmentMutation) error {
	end, ok := m.EndsOn()
	if !ok {
		if m.EndsOnCleared() {
			return apperr.BadInput("endsOn", "an appointment's end cannot be removed: appoint again instead")
		}
		return nil
	}
	id, _ := m.ID()
	old, err := m.Client().Appointment.Get(ctx, id)
	if err != nil {
		return err
	}
	if old.EndReason != nil {
		return apperr.BadInput("id", "the appointment already ended on %s (%s)", old.EndsOn, *old.EndReason)
	}
	if old.EndsOn != nil && old.EndsOn.Before(dates.TodayInDenmark()) {
		return apperr.BadInput("id", "the appointment's term already ended on %s", old.EndsOn)
	}
	if end.Before(old.StartsOn) {
		return apperr.BadInput("endsOn", "endsOn (%s) cannot be before startsOn (%s)", end, old.StartsOn)
	}
	late, err := m.Client().Appointment.Query().
		Where(appointment.AlternateForID(id), appointment.StartsOnGT(end)).
		WithPerson().Order(appointment.ByStartsOn(), appointment.ByID()).First(ctx)
	switch {
	case err == nil:
		return apperr.BadInput("endsOn", "alternate %s (appointment %d) starts on %s, after endsOn (%s): an alternate cannot outlast its member",
			late.Edges.Person.Name, late.ID, late.StartsOn, end)
	case !gen.IsNotFound(err):
		return fmt.Errorf("appointment rules: alternates of %d: %w", id, err)
	}
	if _, ok := m.EndReason(); !ok {
		m.SetEndReason(vocab.OtherReason)
	}
	if old.EndsOn == nil || !end.After(*old.EndsOn) {
		return nil // ending an open term, or earlier, frees seats: nothing to check
	}
	return CheckAppointment(ctx, m.Client(), Candidate{
		PersonID: old.PersonID, SeatAllocationID: old.SeatAllocationID, OnBehalfOfID: old.OnBehalfOfID,
		StartsOn: old.StartsOn, EndsOn: &end, AlternateForID: old.AlternateForID, Self: old.ID,
	})
}

// endAlternates ends a member's alternates that would outlast it, on the
// member's last day and for the same reason.
func endAlternates(ctx context.Context, m *gen.AppointmentMutation) error {
	end, ok := m.EndsOn()
	if !ok {
		return nil
	}
	id, _ := m.ID()
	reason, _ := m.EndReason()
	_, err := m.Client().Appointment.Update().
		Where(appointment.AlternateForID(id), appointment.Or(appointment.EndsOnIsNil(), appointment.EndsOnGT(end))).
		SetEndsOn(end).
		SetEndReason(reason).
		Save(ruleWrite(ctx))
	if err != nil {
		return fmt.Errorf("end alternates of appointment %d: %w", id, err)
	}
	return nil
}

// SeatsHeld refuses lowering an allocation's seats below what its members
// hold on any current or future day.
func SeatsHeld() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SeatAllocationFunc(func(ctx context.Context, m *gen.SeatAllocationMutation) (ent.Value, error) {
			seats, ok := m.Seats()
			id, hasID := m.ID()
			if !ok || !hasID {
				return next.Mutate(ctx, m)
			}
			alloc, err := m.Client().SeatAllocation.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			if seats < alloc.Seats {
				if err := lockBody(ctx, m.Client(), alloc.BodyID); err != nil {
					return nil, err
				}
				today := dates.TodayInDenmark()
				held, err := m.Client().Appointment.Query().Where(
					appointment.SeatAllocationID(id), appointment.AlternateForIDIsNil(), overlapping(interval{from: today}),
				).All(ctx)
				if err != nil {
					return nil, fmt.Errorf("seats held by allocation %d: %w", id, err)
				}
				if day, n := peak(held, interval{from: today}, seats+1); n > seats {
					return nil, &apperr.Error{
						Code:  apperr.SeatFull,
						Field: "seats",
						Message: fmt.Sprintf("%q cannot have %d seat(s): %d are held on %s; end appointments first",
							alloc.Label, seats, n, day),
						Extensions: map[string]any{"allocation": alloc.Label, "date": day.String(), "holders": n, "seats": seats},
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}

// Dissolution ends a body's open appointments on the day it is
// dissolved, with reason BODY_DISSOLVED, in the same transaction; no
// appointment may start after that day.
func Dissolution() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.BodyFunc(func(ctx context.Context, m *gen.BodyMutation) (ent.Value, error) {
			day, ok := m.DissolvedOn()
			id, hasID := m.ID()
			if !ok || !hasID {
				return next.Mutate(ctx, m)
			}
			c := m.Client()
			if err := lockBody(ctx, c, id); err != nil {
				return nil, err
			}
			inBody := appointment.HasSeatAllocationWith(seatallocation.BodyID(id))
			late, err := c.Appointment.Query().Where(inBody, appointment.StartsOnGT(day)).Count(ctx)
			if err != nil {
				return nil, fmt.Errorf("dissolve body %d: %w", id, err)
			}
			if late > 0 {
				return nil, apperr.BadInput("dissolvedOn", "%d appointment(s) start after %s: a body cannot be dissolved before its appointments start", late, day)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			_, err = c.Appointment.Update().
				Where(inBody, appointment.Or(appointment.EndsOnIsNil(), appointment.EndsOnGT(day))).
				SetEndsOn(day).
				SetEndReason(vocab.BodyDissolved).
				Save(ruleWrite(ctx))
			if err != nil {
				return nil, fmt.Errorf("end the appointments of dissolved body %d: %w", id, err)
			}
			return v, nil
		})
	}, ent.OpUpdateOne)
}
