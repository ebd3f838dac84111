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
	// Plan reads under the body's lock too: the term it links to cannot
	// be cancelled or continued meanwhile.
	if err := lockBodyOf(ctx, m.Client(), seatallocation.ID(cand.SeatAllocationID)); err != nil {
		return err
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
	return checkLocked(ctx, m.Client(), planned)
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
			TakesEffect(),
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
// A term that would end after the last day a date can name (31 December
// of dates.MaxYear) ends on that day.
func termEnd(start dates.Date, months int) dates.Date {
	next := start.AddDate(0, months, 0)
	end := next.AddDays(-1)
	if next.Day() != start.Day() { // normalised past the month's end
		end = next.AddDays(-next.Day())
	}
	if last := dates.Last(); end.After(last) {
		return last
	}
	return end
}

// beforeEnd checks a change of an appointment's end: an ended appointment
// stays ended, a member cannot end before an alternate of it that has
// started (alternates that have not are cancelled: endAlternates), a
// cancellation only calls off an appointment that has not started, and a
// later end must still fit every rule (over the whole term, as on create);
// ending an open-ended term, ending earlier or cancelling only frees seats
// and is not checked again.
func beforeEnd(ctx context.Context, m *gen.AppointmentMutation) error {
	// Links between appointments (previous and next terms, alternates,
	// replacements) are made when an appointment is made; a cancellation
	// unlinks its previous term itself, below.
	_, setPrevious := m.PreviousID()
	if setPrevious || m.PreviousIDCleared() || len(m.AddedEdges())+len(m.RemovedEdges())+len(m.ClearedEdges()) > 0 {
		return apperr.BadInput("id", "links between appointments (previous and next terms, alternates, replacements) are made when an appointment is made, and undone only by cancelling it")
	}
	end, ok := m.EndsOn()
	reason, hasReason := m.EndReason()
	if !ok {
		switch {
		case m.EndsOnCleared():
			return apperr.BadInput("endsOn", "an appointment's end cannot be removed: appoint again instead")
		case hasReason || m.EndReasonCleared():
			return apperr.BadInput("endsOn", "an end reason comes with the end: endAppointment or cancelAppointment")
		}
		return nil
	}
	id, _ := m.ID()
	c := m.Client()
	// Lock first, then read (as CheckAppointment does): an alternate or a
	// continuation made at the same time is seen, not missed.
	if err := lockBodyOf(ctx, c, seatallocation.HasAppointmentsWith(appointment.ID(id))); err != nil {
		return err
	}
	old, err := c.Appointment.Get(ctx, id)
	if err != nil {
		return err
	}
	today := dates.TodayInDenmark()
	if reason == vocab.Cancelled {
		return beforeCancel(ctx, m, old, end, today)
	}
	if old.EndReason != nil {
		return apperr.BadInput("id", "the appointment already ended on %s (%s)", old.EndsOn, *old.EndReason)
	}
	if old.EndsOn != nil && old.EndsOn.Before(today) {
		return apperr.BadInput("id", "the appointment's term already ended on %s", old.EndsOn)
	}
	if end.Before(old.StartsOn) {
		return apperr.BadInput("endsOn", "endsOn (%s) cannot be before startsOn (%s); an appointment that has not started is cancelled instead (cancelAppointment)", end, old.StartsOn)
	}
	late, err := c.Appointment.Query().
		Where(appointment.AlternateForID(id), TakesEffect(), appointment.StartsOnGT(end), appointment.StartsOnLTE(today)).
		WithPerson().Order(appointment.ByStartsOn(), appointment.ByID()).First(ctx)
	switch {
	case err == nil:
		return apperr.BadInput("endsOn", "alternate %s (appointment %d) started on %s, after endsOn (%s): an alternate cannot outlast its member",
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
	return checkLocked(ctx, c, Candidate{
		PersonID: old.PersonID, SeatAllocationID: old.SeatAllocationID, OnBehalfOfID: old.OnBehalfOfID,
		StartsOn: old.StartsOn, EndsOn: &end, AlternateForID: old.AlternateForID, Self: old.ID,
	})
}

// Cancelling reports whether m cancels an existing appointment (ends it
// with reason CANCELLED), which makes its term empty: it ends the day
// before it starts, which beforeCancel, not DateOrder, judges.
func Cancelling(m ent.Mutation) bool {
	am, ok := m.(*gen.AppointmentMutation)
	if !ok || !am.Op().Is(ent.OpUpdateOne) {
		return false
	}
	r, set := am.EndReason()
	return set && r == vocab.Cancelled
}

// beforeCancel checks a cancellation: only an appointment that has not
// started (startsOn after today) is cancelled, even one given an end
// already, and its term becomes empty: it ends the day before it starts.
// A term that a later one continues is cancelled after that one; the
// cancelled term continues none, so the term before it can be continued
// again and no chain counts it.
func beforeCancel(ctx context.Context, m *gen.AppointmentMutation, old *gen.Appointment, end, today dates.Date) error {
	switch want := CancelledEnd(old.StartsOn); {
	case IsCancelled(old):
		return apperr.BadInput("id", "the appointment was cancelled already")
	case !old.StartsOn.After(today):
		return apperr.BadInput("id", "the appointment started on %s: end it (endAppointment) instead of cancelling it", old.StartsOn)
	case end.Compare(want) != 0:
		return apperr.BadInput("endsOn", "a cancelled appointment ends the day before it starts (%s), not on %s", want, end)
	}
	next, err := m.Client().Appointment.Query().Where(appointment.PreviousID(old.ID)).First(ctx)
	switch {
	case err == nil:
		return apperr.New(apperr.Conflict, "id", "appointment %d continues this one: cancel it first", next.ID)
	case !gen.IsNotFound(err):
		return fmt.Errorf("appointment rules: continuation of %d: %w", old.ID, err)
	}
	m.ClearPreviousID()
	return nil
}

// endAlternates ends a member's alternates that would outlast it, on the
// member's last day and for the same reason; those that would start after
// that day never serve, and are cancelled.
func endAlternates(ctx context.Context, m *gen.AppointmentMutation) error {
	end, ok := m.EndsOn()
	if !ok {
		return nil
	}
	id, _ := m.ID()
	reason, _ := m.EndReason()
	c := m.Client()
	unstarted, err := c.Appointment.Query().
		Where(appointment.AlternateForID(id), TakesEffect(), appointment.StartsOnGT(end)).
		All(ctx)
	if err != nil {
		return fmt.Errorf("alternates of appointment %d: %w", id, err)
	}
	for _, a := range unstarted {
		// One row, but not UpdateOne: the member's end was checked, and an
		// alternate with an end of its own is cancelled all the same.
		_, err := c.Appointment.Update().
			Where(appointment.ID(a.ID)).
			SetEndsOn(CancelledEnd(a.StartsOn)).
			SetEndReason(vocab.Cancelled).
			Save(ruleWrite(ctx))
		if err != nil {
			return fmt.Errorf("cancel alternate %d of appointment %d: %w", a.ID, id, err)
		}
	}
	_, err = c.Appointment.Update().
		Where(appointment.AlternateForID(id), TakesEffect(), appointment.Or(appointment.EndsOnIsNil(), appointment.EndsOnGT(end))).
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
			late, err := c.Appointment.Query().Where(inBody, TakesEffect(), appointment.StartsOnGT(day)).Count(ctx)
			if err != nil {
				return nil, fmt.Errorf("dissolve body %d: %w", id, err)
			}
			if late > 0 {
				return nil, apperr.BadInput("dissolvedOn", "%d appointment(s) start after %s: a body cannot be dissolved before its appointments start (cancel those that have not started: cancelAppointment)", late, day)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			_, err = c.Appointment.Update().
				Where(inBody, TakesEffect(), appointment.Or(appointment.EndsOnIsNil(), appointment.EndsOnGT(day))).
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
