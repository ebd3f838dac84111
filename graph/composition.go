package graph

// Who sits where, when: the logic behind graph/composition.graphqls. Every
// list is read with a fixed number of statements, whatever the number of
// allocations, holders or alternates: the rows are fetched in one query per
// entity (ent eager loading) and grouped here.

import (
	"cmp"
	"context"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/predicate"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph/generated"
)

const (
	// maxVacancyBodies is the most bodyIds vacancies accepts.
	maxVacancyBodies = 100
	// maxExpiringDays is the widest window of expiringAppointments (ten years).
	maxExpiringDays = 3660
	// maxChain bounds the walk along a reappointment chain, against cycles
	// or runaway data.
	maxChain = 100
)

// holdingOn: the appointment holds on d (both ends inclusive; no end date
// means open-ended). A cancelled appointment holds on no day: it ends the
// day before it starts.
func holdingOn(d dates.Date) predicate.Appointment {
	return appointment.And(
		appointment.StartsOnLTE(d),
		appointment.Or(appointment.EndsOnIsNil(), appointment.EndsOnGTE(d)),
	)
}

// existsOn: the body is established (or has no date) and not dissolved on d.
func existsOn(d dates.Date) predicate.Body {
	return body.And(
		body.Or(body.EstablishedOnIsNil(), body.EstablishedOnLTE(d)),
		body.Or(body.DissolvedOnIsNil(), body.DissolvedOnGTE(d)),
	)
}

// vacantSeats is how many of seats the holders leave empty.
func vacantSeats(seats, holders int) int { return max(0, seats-holders) }

// allocationsOf returns the seat allocations on asOf of the given bodies
// in position order (sorted here, so NULL positions order alike on SQLite
// and PostgreSQL). A body has none on a day it does not exist (before it
// is established, after it is dissolved): no seats, so none vacant, as
// vacancies has it.
func (r *Resolver) allocationsOf(ctx context.Context, asOf dates.Date, bodyIDs ...int) ([]*ent.SeatAllocation, error) {
	if len(bodyIDs) == 0 {
		return nil, nil
	}
	allocs, err := r.reader(ctx).SeatAllocation.Query().
		Where(seatallocation.BodyIDIn(bodyIDs...), seatallocation.HasBodyWith(existsOn(asOf))).All(ctx)
	return byPosition(allocs), err
}

// idsOf lists the ids of s.
func idsOf[T any](s []T, id func(T) int) []int {
	out := make([]int, len(s))
	for i, v := range s {
		out[i] = id(v)
	}
	return out
}

func idOfAllocation(a *ent.SeatAllocation) int { return a.ID }

func idOfBody(b *ent.Body) int { return b.ID }

// heldCounts returns how many member appointments hold a seat of each of
// allocs on asOf, in one statement.
func (r *Resolver) heldCounts(ctx context.Context, allocs []*ent.SeatAllocation, asOf dates.Date) (map[int]int, error) {
	held := make(map[int]int, len(allocs))
	if len(allocs) == 0 {
		return held, nil
	}
	var rows []struct {
		SeatAllocationID int `json:"seat_allocation_id"`
		Count            int `json:"count"`
	}
	err := r.reader(ctx).Appointment.Query().
		Where(appointment.SeatAllocationIDIn(idsOf(allocs, idOfAllocation)...), holdingOn(asOf), appointment.AlternateForIDIsNil()).
		GroupBy(appointment.FieldSeatAllocationID).
		Aggregate(ent.Count()).
		Scan(ctx, &rows)
	for _, row := range rows {
		held[row.SeatAllocationID] = row.Count
	}
	return held, err
}

// compositionOf is a body's composition on asOf: its allocations in
// position order, each with its member holders (start order) and their
// alternates serving that day. At most four statements.
func (r *Resolver) compositionOf(ctx context.Context, bodyID int, asOf dates.Date) ([]*generated.CompositionLine, error) {
	lines, err := r.compositionsOf(ctx, []int{bodyID}, asOf)
	if err != nil {
		return nil, err
	}
	if l, ok := lines[bodyID]; ok {
		return l, nil
	}
	return []*generated.CompositionLine{}, nil
}

// compositionsOf is the composition on asOf of each of bodyIDs, by body id
// (a body without allocations has no entry). At most four statements,
// whatever the number of bodies: allocations, appointments, and their
// people and organisations (eager-loaded).
func (r *Resolver) compositionsOf(ctx context.Context, bodyIDs []int, asOf dates.Date) (map[int][]*generated.CompositionLine, error) {
	out := make(map[int][]*generated.CompositionLine, len(bodyIDs))
	allocs, err := r.allocationsOf(ctx, asOf, bodyIDs...)
	if err != nil || len(allocs) == 0 {
		return out, err
	}
	// The members and alternates of these allocations serving on asOf (an
	// alternate belongs to its member's allocation: ent/rules).
	rows, err := r.reader(ctx).Appointment.Query().
		Where(appointment.SeatAllocationIDIn(idsOf(allocs, idOfAllocation)...), holdingOn(asOf)).
		WithPerson().
		WithOnBehalfOf().
		All(ctx)
	if err != nil {
		return nil, err
	}
	byStart(rows)
	members := make(map[int][]*ent.Appointment, len(allocs))
	alternates := make(map[int][]*ent.Appointment)
	for _, a := range rows {
		if a.AlternateForID != nil {
			alternates[*a.AlternateForID] = append(alternates[*a.AlternateForID], a)
		} else {
			members[a.SeatAllocationID] = append(members[a.SeatAllocationID], a)
		}
	}
	for _, al := range allocs { // in position order
		holders := make([]*generated.Holder, 0, len(members[al.ID]))
		for _, a := range members[al.ID] {
			h, err := holderOf(ctx, a, al, alternates[a.ID])
			if err != nil {
				return nil, err
			}
			holders = append(holders, h)
		}
		out[al.BodyID] = append(out[al.BodyID], &generated.CompositionLine{
			Allocation: al,
			Label:      al.Label,
			Role:       al.Role,
			Seats:      al.Seats,
			Holders:    holders,
			Vacant:     vacantSeats(al.Seats, len(holders)),
		})
	}
	return out, nil
}

// holderOf makes a Holder of a member appointment of al. The edges that
// are known already are set, so that asking the appointment for its
// allocation, or an alternate for its member, costs no statement.
func holderOf(ctx context.Context, a *ent.Appointment, al *ent.SeatAllocation, alts []*ent.Appointment) (*generated.Holder, error) {
	person, err := a.Person(ctx)
	if err != nil {
		return nil, err
	}
	org, err := a.OnBehalfOf(ctx)
	if err != nil {
		return nil, err
	}
	a.Edges.SeatAllocation = al
	for _, alt := range alts {
		alt.Edges.AlternateFor = a
	}
	return &generated.Holder{
		Appointment:  a,
		Person:       person,
		Organisation: org,
		Since:        a.StartsOn,
		Until:        a.EndsOn,
		Alternates:   append([]*ent.Appointment{}, alts...),
	}, nil
}

// vacancyCount is the number of a body's seats no member holds on asOf.
// Two statements.
func (r *Resolver) vacancyCount(ctx context.Context, bodyID int, asOf dates.Date) (int, error) {
	allocs, err := r.allocationsOf(ctx, asOf, bodyID)
	if err != nil {
		return 0, err
	}
	held, err := r.heldCounts(ctx, allocs, asOf)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, al := range allocs {
		n += vacantSeats(al.Seats, held[al.ID])
	}
	return n, nil
}

// compositionSummary counts a body's seats on asOf: held per kind of
// organisation and, for READER and above, per gender.
func (r *Resolver) compositionSummary(ctx context.Context, bodyID int, asOf dates.Date) (*generated.CompositionSummary, error) {
	lines, err := r.compositionOf(ctx, bodyID, asOf)
	if err != nil {
		return nil, err
	}
	s := &generated.CompositionSummary{AsOf: asOf, ByOrganisationKind: []*generated.KindCount{}}
	kinds := map[vocab.OrganisationKind]int{}
	genders := map[vocab.Gender]int{}
	for _, l := range lines {
		s.Seats += l.Seats
		s.Held += len(l.Holders)
		s.Vacant += l.Vacant
		for _, h := range l.Holders {
			kinds[h.Organisation.Kind]++
			genders[cmp.Or(deref(h.Person.Gender), vocab.NotStated)]++
		}
	}
	for _, k := range keysSorted(kinds) {
		s.ByOrganisationKind = append(s.ByOrganisationKind, &generated.KindCount{Kind: k, Seats: kinds[k]})
	}
	// Gender is personal data: below READER it is not shown, not even as
	// counts (and the rows were redacted anyway).
	if authz.FromContext(ctx).Can(authz.Reader) {
		s.ByGender = []*generated.GenderCount{}
		for _, g := range keysSorted(genders) {
			s.ByGender = append(s.ByGender, &generated.GenderCount{Gender: g, Seats: genders[g]})
		}
	}
	return s, nil
}

// keysSorted lists the keys of m in order.
func keysSorted[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// vacancies lists every allocation with a vacant seat on asOf, of the
// bodies that exist that day (of bodyIDs only, when not nil), by body name
// and position. Three statements, whatever the number of bodies.
func (r *Resolver) vacancies(ctx context.Context, asOf dates.Date, bodyIDs []int) ([]*generated.Vacancy, error) {
	if len(bodyIDs) > maxVacancyBodies {
		return nil, apperr.BadInput("bodyIds", "at most %d bodyIds, got %d", maxVacancyBodies, len(bodyIDs))
	}
	q := r.reader(ctx).Body.Query().Where(existsOn(asOf))
	if bodyIDs != nil {
		if len(bodyIDs) == 0 {
			return []*generated.Vacancy{}, nil
		}
		q.Where(body.IDIn(bodyIDs...))
	}
	bodies, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	byName(bodies)
	allocs, err := r.allocationsOf(ctx, asOf, idsOf(bodies, idOfBody)...)
	if err != nil {
		return nil, err
	}
	held, err := r.heldCounts(ctx, allocs, asOf)
	if err != nil {
		return nil, err
	}
	perBody := make(map[int][]*ent.SeatAllocation, len(bodies))
	for _, al := range allocs { // in position order already
		perBody[al.BodyID] = append(perBody[al.BodyID], al)
	}
	out := []*generated.Vacancy{}
	for _, b := range bodies {
		for _, al := range perBody[b.ID] {
			if n := vacantSeats(al.Seats, held[al.ID]); n > 0 {
				al.Edges.Body = b
				out = append(out, &generated.Vacancy{Body: b, Allocation: al, Vacant: n})
			}
		}
	}
	return out, nil
}

// expiringAppointments lists the member appointments whose last day falls
// within withinDays after asOf (both ends inclusive), soonest first; a
// cancelled one never took effect and does not expire.
func (r *Resolver) expiringAppointments(ctx context.Context, withinDays int, asOf dates.Date) ([]*ent.Appointment, error) {
	if withinDays < 0 || withinDays > maxExpiringDays {
		return nil, apperr.BadInput("withinDays", "withinDays must be between 0 and %d, got %d", maxExpiringDays, withinDays)
	}
	return r.appointments(ctx, []appointment.OrderOption{appointment.ByEndsOn(), appointment.ByID()},
		appointment.AlternateForIDIsNil(),
		rules.TakesEffect(),
		appointment.EndsOnGTE(asOf),
		appointment.EndsOnLTE(asOf.AddDays(withinDays)),
	)
}

// appointments runs an appointment query in the given order, eager-loading
// the edges the GraphQL selection asks for (one statement per edge, not
// per row).
func (r *Resolver) appointments(ctx context.Context, order []appointment.OrderOption, where ...predicate.Appointment) ([]*ent.Appointment, error) {
	q, err := r.reader(ctx).Appointment.Query().Where(where...).Order(order...).CollectFields(ctx)
	if err != nil {
		return nil, err
	}
	return q.All(ctx)
}

// newestFirst is the order of appointment histories.
var newestFirst = []appointment.OrderOption{
	appointment.ByStartsOn(sql.OrderDesc()),
	appointment.ByID(sql.OrderDesc()),
}

// oldestFirst is the order of the appointments serving on a date.
var oldestFirst = []appointment.OrderOption{appointment.ByStartsOn(), appointment.ByID()}

// representation: the member appointments held on an organisation's
// behalf on asOf.
func (r *Resolver) representation(ctx context.Context, orgID int, asOf dates.Date) ([]*ent.Appointment, error) {
	return r.appointments(ctx, oldestFirst,
		appointment.OnBehalfOfID(orgID), appointment.AlternateForIDIsNil(), holdingOn(asOf))
}

// chain returns the reappointment chain of a, first term first. A
// reappointment continues the same person's term, so the person's
// appointments (ids and links only) are read in one statement and walked
// here; the chain's rows are then read in one more, with the edges the
// selection asks for.
func (r *Resolver) chain(ctx context.Context, a *ent.Appointment) ([]*ent.Appointment, error) {
	links, err := r.reader(ctx).Appointment.Query().
		Where(appointment.PersonID(a.PersonID)).
		Select(appointment.FieldID, appointment.FieldPreviousID).
		All(ctx)
	if err != nil {
		return nil, err
	}
	order := chainOrder(a.ID, a.PreviousID, links)
	rows, err := r.appointments(ctx, nil, appointment.IDIn(order...))
	if err != nil {
		return nil, err
	}
	pos := make(map[int]int, len(order))
	for i, id := range order {
		pos[id] = i
	}
	slices.SortFunc(rows, func(x, y *ent.Appointment) int { return cmp.Compare(pos[x.ID], pos[y.ID]) })
	return rows, nil
}

// chainOrder walks previous links back from id to the first term and
// forward to the last, at most maxChain terms in all, and returns the ids
// first term first. links are the person's appointments; a previous link
// to an appointment outside them ends the walk there.
func chainOrder(id int, previous *int, links []*ent.Appointment) []int {
	prevOf := make(map[int]*int, len(links))
	nextOf := make(map[int]int, len(links))
	for _, l := range links {
		prevOf[l.ID] = l.PreviousID
		if l.PreviousID != nil {
			nextOf[*l.PreviousID] = l.ID
		}
	}
	seen := map[int]bool{id: true}
	var back []int
	for p := previous; p != nil && !seen[*p] && len(seen) < maxChain; p = prevOf[*p] {
		seen[*p] = true
		back = append(back, *p)
	}
	slices.Reverse(back)
	out := append(back, id)
	for n, ok := nextOf[id]; ok && !seen[n] && len(seen) < maxChain; n, ok = nextOf[n] {
		seen[n] = true
		out = append(out, n)
	}
	return out
}
