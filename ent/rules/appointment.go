package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/predicate"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Candidate is an appointment about to be made (or an existing one about
// to change its dates).
type Candidate struct {
	PersonID, SeatAllocationID, OnBehalfOfID int
	StartsOn                                 dates.Date
	// EndsOn nil means open-ended.
	EndsOn *dates.Date
	// AlternateForID is set for an alternate (suppleant).
	AlternateForID *int
	// PreviousID is set for a reappointment.
	PreviousID *int
	// Self is the id of the appointment being changed (0 for a new one),
	// so that it does not count against itself.
	Self int
}

// interval is [from, to] inclusive; to nil is open.
type interval struct {
	from dates.Date
	to   *dates.Date
}

func (c Candidate) interval() interval { return interval{c.StartsOn, c.EndsOn} }

// IsCancelled reports whether a was cancelled (reason CANCELLED).
func IsCancelled(a *gen.Appointment) bool {
	return a.EndReason != nil && *a.EndReason == vocab.Cancelled
}

// CancelledEnd is the end a cancelled appointment that starts on start
// gets: the day before, which leaves its term empty.
func CancelledEnd(start dates.Date) dates.Date { return start.AddDays(-1) }

// TakesEffect selects the appointments that were not cancelled (reason
// CANCELLED: called off before they started). A cancelled appointment
// stays in the history, but holds no seat on any day and counts for no
// rule.
func TakesEffect() predicate.Appointment {
	return appointment.Or(appointment.EndReasonIsNil(), appointment.EndReasonNEQ(vocab.Cancelled))
}

// overlapping selects the appointments that take effect and whose term
// overlaps iv.
func overlapping(iv interval) predicate.Appointment {
	ps := []predicate.Appointment{TakesEffect(), appointment.Or(appointment.EndsOnIsNil(), appointment.EndsOnGTE(iv.from))}
	if iv.to != nil {
		ps = append(ps, appointment.StartsOnLTE(*iv.to))
	}
	return appointment.And(ps...)
}

// lockBodyOf takes the row lock of the body of the allocation alloc
// selects (an allocation's body never changes, so reading it to lock is
// safe).
func lockBodyOf(ctx context.Context, c *gen.Client, alloc predicate.SeatAllocation) error {
	bodyID, err := c.SeatAllocation.Query().Where(alloc).Select(seatallocation.FieldBodyID).Int(ctx)
	if err != nil {
		return fmt.Errorf("appointment rules: body to lock: %w", err)
	}
	return lockBody(ctx, c, bodyID)
}

// lockBody takes the body's row lock for the rest of the transaction
// (PostgreSQL: SELECT … FOR UPDATE; SQLite write transactions already run
// one at a time), so that checking and writing an appointment cannot race
// with another writer of the same body.
func lockBody(ctx context.Context, c *gen.Client, bodyID int) error {
	_, err := c.Body.Query().Where(body.ID(bodyID)).Select(body.FieldID).
		Modify(func(s *sql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.ForUpdate()
			}
		}).Ints(ctx)
	if err != nil {
		return fmt.Errorf("lock body %d: %w", bodyID, err)
	}
	return nil
}

// CheckAppointment checks every appointment rule for cand: eligibility
// (NOT_ELIGIBLE), seat capacity (SEAT_FULL), one chair and vice-chair per
// body (CONFLICT), the same person twice in an allocation (CONFLICT), the
// body's lifetime (BAD_USER_INPUT) and its term limit (TERM_LIMIT). It
// first locks the allocation's body against concurrent writers (row lock
// on PostgreSQL; SQLite write transactions are serial), so check and
// insert cannot race. c must be the client of the write's transaction.
func CheckAppointment(ctx context.Context, c *gen.Client, cand Candidate) error {
	// Lock first, then read: what is read under the lock is current.
	if err := lockBodyOf(ctx, c, seatallocation.ID(cand.SeatAllocationID)); err != nil {
		return err
	}
	return checkLocked(ctx, c, cand)
}

// checkLocked is CheckAppointment for a caller that holds the body's
// lock already (the appointment hooks take it before they read).
func checkLocked(ctx context.Context, c *gen.Client, cand Candidate) error {
	alloc, err := c.SeatAllocation.Query().Where(seatallocation.ID(cand.SeatAllocationID)).
		WithBody().
		WithEligibleOrganisations(func(q *gen.OrganisationQuery) { q.Select(organisation.FieldID, organisation.FieldName) }).
		Only(ctx)
	if err != nil {
		return fmt.Errorf("appointment rules: allocation %d: %w", cand.SeatAllocationID, err)
	}
	b := alloc.Edges.Body
	if err := checkLifetime(b, cand); err != nil {
		return err
	}
	org, err := c.Organisation.Get(ctx, cand.OnBehalfOfID)
	if err != nil {
		return fmt.Errorf("appointment rules: organisation %d: %w", cand.OnBehalfOfID, err)
	}
	if err := checkEligible(alloc, org); err != nil {
		return err
	}
	if err := checkSamePerson(ctx, c, cand); err != nil {
		return err
	}
	if cand.AlternateForID != nil {
		return checkAlternate(ctx, c, cand)
	}
	if err := checkCapacity(ctx, c, alloc, cand); err != nil {
		return err
	}
	if err := checkRole(ctx, c, alloc, cand); err != nil {
		return err
	}
	if err := checkPrevious(ctx, c, cand); err != nil {
		return err
	}
	return checkTermLimit(ctx, c, b, cand)
}

// checkPrevious: a cancelled term is continued by none (read under the
// lock: it may have been cancelled since the caller chose it).
func checkPrevious(ctx context.Context, c *gen.Client, cand Candidate) error {
	if cand.PreviousID == nil {
		return nil
	}
	prev, err := c.Appointment.Get(ctx, *cand.PreviousID)
	if err != nil {
		return fmt.Errorf("appointment rules: previous term %d: %w", *cand.PreviousID, err)
	}
	if IsCancelled(prev) {
		return apperr.BadInput("previousID", "appointment %d was cancelled: it never took effect, and no term continues it", prev.ID)
	}
	return nil
}

func checkLifetime(b *gen.Body, cand Candidate) error {
	if b.EstablishedOn != nil && cand.StartsOn.Before(*b.EstablishedOn) {
		return apperr.BadInput("startsOn", "%s was established on %s: an appointment cannot start earlier (startsOn %s)", b.Name, b.EstablishedOn, cand.StartsOn)
	}
	if b.DissolvedOn == nil {
		return nil
	}
	if cand.StartsOn.After(*b.DissolvedOn) {
		return apperr.BadInput("startsOn", "%s was dissolved on %s: an appointment cannot start later (startsOn %s)", b.Name, b.DissolvedOn, cand.StartsOn)
	}
	if cand.EndsOn == nil || cand.EndsOn.After(*b.DissolvedOn) {
		return apperr.BadInput("endsOn", "%s is dissolved on %s: the appointment must end on or before that day", b.Name, b.DissolvedOn)
	}
	return nil
}

func checkEligible(alloc *gen.SeatAllocation, org *gen.Organisation) error {
	named := alloc.Edges.EligibleOrganisations
	if len(alloc.EligibleKinds) == 0 && len(named) == 0 {
		return nil // the allocation names no constituency: anyone may hold it
	}
	if slices.Contains(alloc.EligibleKinds, org.Kind) || slices.ContainsFunc(named, func(o *gen.Organisation) bool { return o.ID == org.ID }) {
		return nil
	}
	var accepts []string
	if len(alloc.EligibleKinds) > 0 {
		kinds := make([]string, len(alloc.EligibleKinds))
		for i, k := range alloc.EligibleKinds {
			kinds[i] = string(k)
		}
		accepts = append(accepts, "organisations of kind "+strings.Join(kinds, " or "))
	}
	for _, o := range named {
		accepts = append(accepts, o.Name)
	}
	return &apperr.Error{
		Code:  apperr.NotEligible,
		Field: "onBehalfOfID",
		Message: fmt.Sprintf("%s (%s) cannot hold a seat of %q: it accepts %s", org.Name, org.Kind, alloc.Label,
			strings.Join(accepts, ", or ")),
	}
}

func checkSamePerson(ctx context.Context, c *gen.Client, cand Candidate) error {
	n, err := c.Appointment.Query().Where(
		appointment.SeatAllocationID(cand.SeatAllocationID),
		appointment.PersonID(cand.PersonID),
		appointment.IDNEQ(cand.Self),
		overlapping(cand.interval()),
	).Count(ctx)
	if err != nil {
		return fmt.Errorf("appointment rules: same person: %w", err)
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, "personID", "the person already holds an appointment in this allocation during %s", describe(cand.interval()))
	}
	return nil
}

func checkAlternate(ctx context.Context, c *gen.Client, cand Candidate) error {
	member, err := c.Appointment.Get(ctx, *cand.AlternateForID)
	if err != nil {
		return fmt.Errorf("appointment rules: member %d: %w", *cand.AlternateForID, err)
	}
	switch {
	case member.AlternateForID != nil:
		return apperr.BadInput("alternateForID", "an alternate stands in for a member, not for another alternate")
	case member.SeatAllocationID != cand.SeatAllocationID:
		return apperr.BadInput("alternateForID", "an alternate belongs to the seat allocation of its member")
	case member.PersonID == cand.PersonID:
		return apperr.BadInput("alternateForID", "a member cannot be their own alternate")
	case cand.StartsOn.Before(member.StartsOn):
		return apperr.BadInput("startsOn", "the alternate cannot start (%s) before the member's term (%s)", cand.StartsOn, member.StartsOn)
	case member.EndsOn != nil && cand.StartsOn.After(*member.EndsOn):
		return apperr.BadInput("startsOn", "the alternate cannot start (%s) after the member's term ends (%s)", cand.StartsOn, member.EndsOn)
	case member.EndsOn != nil && (cand.EndsOn == nil || cand.EndsOn.After(*member.EndsOn)):
		return apperr.BadInput("endsOn", "the alternate cannot serve after the member's term ends (%s)", member.EndsOn)
	}
	return nil
}

// checkCapacity: on no day of cand's term may the allocation hold more
// members than seats.
func checkCapacity(ctx context.Context, c *gen.Client, alloc *gen.SeatAllocation, cand Candidate) error {
	held, err := c.Appointment.Query().Where(
		appointment.SeatAllocationID(alloc.ID),
		appointment.AlternateForIDIsNil(),
		appointment.IDNEQ(cand.Self),
		overlapping(cand.interval()),
	).All(ctx)
	if err != nil {
		return fmt.Errorf("appointment rules: capacity: %w", err)
	}
	day, n := peak(held, cand.interval(), alloc.Seats)
	if n < alloc.Seats {
		return nil
	}
	return &apperr.Error{
		Code:  apperr.SeatFull,
		Field: "seatAllocationID",
		Message: fmt.Sprintf("%q has %d seat(s), and on %s all are held (%d holder(s)): end or replace an appointment first",
			alloc.Label, alloc.Seats, day, n),
		Extensions: map[string]any{"allocation": alloc.Label, "date": day.String(), "holders": n, "seats": alloc.Seats},
	}
}

// peak returns the first day within iv on which at least limit of the
// appointments hold (and how many hold then), or else the busiest day.
func peak(held []*gen.Appointment, iv interval, limit int) (dates.Date, int) {
	type event struct {
		day   dates.Date
		delta int
	}
	var evs []event
	for _, a := range held {
		from := a.StartsOn
		if from.Before(iv.from) {
			from = iv.from
		}
		evs = append(evs, event{from, +1})
		if a.EndsOn != nil {
			evs = append(evs, event{a.EndsOn.AddDays(1), -1})
		}
	}
	// Ends before starts on the same day: a term ending on the 31st frees
	// its seat for one starting on the 1st.
	slices.SortFunc(evs, func(x, y event) int {
		if c := x.day.Compare(y.day); c != 0 {
			return c
		}
		return x.delta - y.delta
	})
	best, bestDay, n := 0, iv.from, 0
	for _, e := range evs {
		n += e.delta
		if n > best {
			best, bestDay = n, e.day
			if best >= limit {
				return bestDay, best
			}
		}
	}
	return bestDay, best
}

// checkRole: a body has at most one chair and one vice-chair on any day.
func checkRole(ctx context.Context, c *gen.Client, alloc *gen.SeatAllocation, cand Candidate) error {
	if alloc.Role != vocab.Chair && alloc.Role != vocab.ViceChair {
		return nil
	}
	other, err := c.Appointment.Query().Where(
		appointment.HasSeatAllocationWith(seatallocation.BodyID(alloc.BodyID), seatallocation.RoleEQ(alloc.Role)),
		appointment.AlternateForIDIsNil(),
		appointment.IDNEQ(cand.Self),
		overlapping(cand.interval()),
	).WithPerson().First(ctx)
	if gen.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("appointment rules: role: %w", err)
	}
	return apperr.New(apperr.Conflict, "seatAllocationID", "the body already has a %s during %s: %s (from %s)",
		strings.ToLower(strings.ReplaceAll(string(alloc.Role), "_", "-")), describe(cand.interval()), other.Edges.Person.Name, other.StartsOn)
}

// checkTermLimit: the reappointment chain, this term included, may not be
// longer than the body's limit of consecutive terms.
func checkTermLimit(ctx context.Context, c *gen.Client, b *gen.Body, cand Candidate) error {
	if b.MaxConsecutiveTerms == nil || cand.PreviousID == nil {
		return nil
	}
	terms := 1
	for id := cand.PreviousID; id != nil && terms <= *b.MaxConsecutiveTerms; terms++ {
		prev, err := c.Appointment.Query().Where(appointment.ID(*id)).Select(appointment.FieldPreviousID).Only(ctx)
		if err != nil {
			return fmt.Errorf("appointment rules: term chain: %w", err)
		}
		id = prev.PreviousID
	}
	if terms > *b.MaxConsecutiveTerms {
		return &apperr.Error{
			Code:       apperr.TermLimit,
			Field:      "previousID",
			Message:    fmt.Sprintf("%s allows at most %d consecutive term(s) per person; this would be term %d", b.Name, *b.MaxConsecutiveTerms, terms),
			Extensions: map[string]any{"maxConsecutiveTerms": *b.MaxConsecutiveTerms},
		}
	}
	return nil
}

func describe(iv interval) string {
	if iv.to == nil {
		return "the term from " + iv.from.String()
	}
	return fmt.Sprintf("%s–%s", iv.from, iv.to)
}
