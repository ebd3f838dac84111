// Package demo loads pactreg's demo dataset into an empty database: the
// technology pact of Region Midtjylland (Teknologipagt i Region Midtjylland,
// 2018) with its bodies, Rådet for fremtidens kompetencer and that council's
// seat allocations, and the real organisations of the region that fill them;
// and the pact's programme: the national pact it derives from, the growth
// partnership agreement, the decisions that approved it, the STEM barometer
// (an initiative, an indicator and its 2030 target, value undecided), the
// meetings and milestones of its calendar as the seed dates them ("uge 50 i
// 2017", "primo juni 2018" …), and the education pool with its first round.
//
// The people and their appointments are DEMO DATA: the seed names no one, so
// every person is fictional (title "Fiktiv demo-repræsentant", an address at
// example.org, a phone number of zeros) and every appointment's note says
// "Demodata: fiktiv person". The demo appointments include vacant seats,
// alternates (suppleanter), a chain of three consecutive terms, and the
// appointment letters (udpegningsbreve) of March 2018 with their answers.
// The budget of the education pool's first round is a demo figure too (the
// seed gives none; the pool's description says so).
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Load puts the demo dataset into an empty database in one transaction and reports whether it did.
// On a database that already holds any organisation, body, partnership, theme, initiative,
// indicator, milestone or funding pool (every record the dataset makes that needs no other) it
// does nothing (loaded=false), so loading twice never duplicates.
func Load(ctx context.Context, client *ent.Client) (loaded bool, err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: begin transaction: %w", err)
	}
	ctx = ent.NewTxContext(ctx, tx)
	loaded, err = load(ctx, tx.Client())
	if err != nil || !loaded {
		if rerr := tx.Rollback(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("demo: rollback: %w", rerr))
		}
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("demo: commit: %w", err)
	}
	return true, nil
}

// load writes the dataset through c unless the database holds data.
func load(ctx context.Context, c *ent.Client) (bool, error) {
	for _, q := range []struct {
		what  string
		exist func(context.Context) (bool, error)
	}{
		{"organisations", c.Organisation.Query().Exist},
		{"bodies", c.Body.Query().Exist},
		{"partnerships", c.Partnership.Query().Exist},
		{"themes", c.Theme.Query().Exist},
		{"initiatives", c.Initiative.Query().Exist},
		{"indicators", c.Indicator.Query().Exist},
		{"milestones", c.Milestone.Query().Exist},
		{"funding pools", c.FundingPool.Query().Exist},
	} {
		found, err := q.exist(ctx)
		if err != nil {
			return false, fmt.Errorf("demo: look for %s: %w", q.what, err)
		}
		if found {
			return false, nil
		}
	}
	l := &loader{
		c:            c,
		orgs:         map[string]int{},
		bodies:       map[string]int{},
		allocs:       map[string]int{},
		positions:    map[string]int{},
		people:       map[string]int{},
		terms:        map[string][]term{},
		partnerships: map[string]int{},
		themes:       map[string]int{},
		initiatives:  map[string]int{},
		indicators:   map[string]int{},
		pools:        map[string]int{},
	}
	for _, step := range []func() error{
		func() error { return createAll(ctx, organisations, l.organisation) },
		func() error { return createAll(ctx, bodies, l.body) },
		func() error { return createAll(ctx, allocations, l.allocation) },
		func() error { return createAll(ctx, appointments, l.appointment) },
		func() error { return createAll(ctx, reappointments, l.reappointment) },
		func() error { return createAll(ctx, alternates, l.alternate) },
		// Letters after the appointments: a nominated one links its appointment.
		func() error { return createAll(ctx, nominations, l.nomination) },
		func() error { return createAll(ctx, partnerships, l.partnership) },
		func() error { return createAll(ctx, signatories, l.signatory) },
		func() error { return createAll(ctx, decisions, l.decision) },
		func() error { return createAll(ctx, themes, l.theme) },
		func() error { return createAll(ctx, initiatives, l.initiative) },
		func() error { return createAll(ctx, mandateLinks, l.mandateLink) },
		func() error { return createAll(ctx, indicators, l.indicator) },
		func() error { return createAll(ctx, targets, l.target) },
		func() error { return createAll(ctx, meetings, l.meeting) },
		func() error { return createAll(ctx, milestones, l.milestone) },
		func() error { return createAll(ctx, pools, l.pool) },
		func() error { return createAll(ctx, rounds, l.round) },
	} {
		if err := step(); err != nil {
			return false, err
		}
	}
	return true, nil
}

// row is a line of one of the tables; describe names it in errors.
type row interface{ describe() string }

// createAll creates the rows in order and stops at the first that fails.
func createAll[R row](ctx context.Context, rows []R, create func(context.Context, R) error) error {
	for _, r := range rows {
		if err := create(ctx, r); err != nil {
			return fmt.Errorf("demo: create %s: %w", r.describe(), err)
		}
	}
	return nil
}

// loader creates the tables in order, remembering the ids of what it made
// by name so that later rows can refer to it.
type loader struct {
	c         *ent.Client
	orgs      map[string]int    // by name
	bodies    map[string]int    // by name
	allocs    map[string]int    // by allocKey
	positions map[string]int    // last allocation position, by body name
	people    map[string]int    // by name
	terms     map[string][]term // appointments by person name, in load order

	partnerships map[string]int // by name
	themes       map[string]int // by name
	initiatives  map[string]int // by title
	indicators   map[string]int // by code
	pools        map[string]int // by name
}

// term is an appointment the loader made.
type term struct {
	id, alloc, org int
	from           string
}

// latest is the last appointment made for person.
func (l *loader) latest(person string) (term, error) {
	ts := l.terms[person]
	if len(ts) == 0 {
		return term{}, fmt.Errorf("%q holds no appointment", person)
	}
	return ts[len(ts)-1], nil
}

// termFrom is person's appointment starting on from.
func (l *loader) termFrom(person, from string) (term, error) {
	for _, t := range l.terms[person] {
		if t.from == from {
			return t, nil
		}
	}
	return term{}, fmt.Errorf("%q holds no appointment from %s", person, from)
}

func allocKey(body, label string) string { return body + "\x00" + label }

// refs resolves the names rows use for what was created before; the first
// unknown name is kept in err and later look-ups return nothing.
type refs struct{ err error }

// ids returns the ids of names in m (what names the kind in the error).
func (rs *refs) ids(m map[string]int, what string, names ...string) []int {
	ids := make([]int, len(names))
	for i, n := range names {
		id, ok := m[n]
		if !ok && rs.err == nil {
			rs.err = fmt.Errorf("unknown %s %q", what, n)
		}
		ids[i] = id
	}
	if rs.err != nil {
		return nil
	}
	return ids
}

// id returns the id of name in m (0 when unknown, with err set).
func (rs *refs) id(m map[string]int, what, name string) int {
	if ids := rs.ids(m, what, name); len(ids) == 1 {
		return ids[0]
	}
	return 0
}

// optionalID is nil for "" and the id of name in m otherwise (0 when
// unknown, with err set).
func (rs *refs) optionalID(m map[string]int, what, name string) *int {
	if name == "" {
		return nil
	}
	id := rs.id(m, what, name)
	return &id
}

// exec runs create unless a name did not resolve (then the builder holds
// zero ids and is dropped).
func (rs *refs) exec(ctx context.Context, create interface{ Exec(context.Context) error }) error {
	if rs.err != nil {
		return rs.err
	}
	return create.Exec(ctx)
}

// creation is an ent create builder whose mutation knows the new record's
// id once it is saved.
type creation[M interface{ ID() (int, bool) }] interface {
	Exec(context.Context) error
	Mutation() M
}

// remember runs create, unless refErr says a name of the row did not
// resolve, and keeps the new record's id in m under key, for later rows
// to refer to.
func remember[M interface{ ID() (int, bool) }](ctx context.Context, refErr error, create creation[M], m map[string]int, key string) error {
	if refErr != nil {
		return refErr
	}
	if err := create.Exec(ctx); err != nil {
		return err
	}
	id, ok := create.Mutation().ID()
	if !ok {
		return fmt.Errorf("no id after creating %q", key)
	}
	m[key] = id
	return nil
}

// optional is nil for "" and &s otherwise (for SetNillable… setters).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonEmpty is []string{s}, or nothing for "".
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// optionalDate is nil for "" and the parsed date otherwise.
func optionalDate(s string) *dates.Date {
	if s == "" {
		return nil
	}
	d := dates.MustParse(s)
	return &d
}

func (l *loader) organisation(ctx context.Context, r organisationRow) error {
	var rs refs
	members := rs.ids(l.orgs, "member organisation", r.members...)
	create := l.c.Organisation.Create().
		SetName(r.name).
		SetNillableShortName(optional(r.shortName)).
		SetKind(r.kind).
		SetNillableMunicipalityCode(optional(r.municipalityCode)).
		SetNillableFoundedOn(optionalDate(r.foundedOn)).
		AddMemberIDs(members...)
	return remember(ctx, rs.err, create, l.orgs, r.name)
}

func (l *loader) body(ctx context.Context, r bodyRow) error {
	var rs refs
	owner := rs.id(l.orgs, "owner", r.owner)
	advises := rs.ids(l.bodies, "advised body", r.advises...)
	replaces := rs.ids(l.bodies, "replaced body", r.replaces...)
	create := l.c.Body.Create().
		SetName(r.name).
		SetNillableShortName(optional(r.shortName)).
		SetKind(r.kind).
		SetOwnerID(owner).
		SetNillableDescription(optional(r.description)).
		SetNillableEstablishedOn(optionalDate(r.establishedOn)).
		SetNillableDissolvedOn(optionalDate(r.dissolvedOn)).
		AddAdviseIDs(advises...).
		AddReplaceIDs(replaces...)
	if len(r.mandate) > 0 {
		create.SetMandate(r.mandate)
	}
	return remember(ctx, rs.err, create, l.bodies, r.name)
}

func (l *loader) allocation(ctx context.Context, r allocationRow) error {
	var rs refs
	body := rs.id(l.bodies, "body", r.body)
	named := rs.ids(l.orgs, "eligible organisation", nonEmpty(r.named)...)
	if rs.err != nil {
		return rs.err
	}
	create := l.c.SeatAllocation.Create().
		SetBodyID(body).
		SetLabel(r.label).
		SetSeats(r.seats).
		SetPosition(l.positions[r.body] + 1)
	if len(r.kinds) > 0 {
		create.SetEligibleKinds(r.kinds)
	}
	if r.role != "" {
		create.SetRole(r.role)
	}
	// A named organisation is the one eligible, and nominates for the seats.
	create.AddEligibleOrganisationIDs(named...)
	if len(named) == 1 {
		create.SetNominatingOrganisationID(named[0])
	}
	a, err := create.Save(ctx)
	if err == nil {
		l.allocs[allocKey(r.body, r.label)] = a.ID
		l.positions[r.body] = a.Position
	}
	return err
}

// person creates the fictional person name, affiliated with org.
func (l *loader) person(ctx context.Context, name string, gender vocab.Gender, org int) error {
	if _, ok := l.people[name]; ok {
		return fmt.Errorf("person %q is in the tables twice", name)
	}
	p, err := l.c.Person.Create().
		SetName(name).
		SetTitle(demoTitle).
		SetEmail(demoEmail(name)).
		SetPhone(fmt.Sprintf(demoPhone, len(l.people)+1)).
		SetGender(gender).
		SetAffiliationID(org).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("create person: %w", err)
	}
	l.people[name] = p.ID
	return nil
}

// appoint appoints person (created before) to t.alloc on behalf of t.org
// from t.from to to, continuing the previous term or standing in for the
// member appointment alternateFor when those are set.
func (l *loader) appoint(ctx context.Context, person string, t term, to string, previous, alternateFor *int) error {
	a, err := l.c.Appointment.Create().
		SetPersonID(l.people[person]).
		SetSeatAllocationID(t.alloc).
		SetOnBehalfOfID(t.org).
		SetStartsOn(dates.MustParse(t.from)).
		SetNillableEndsOn(optionalDate(to)).
		SetNillablePreviousID(previous).
		SetNillableAlternateForID(alternateFor).
		SetNote(demoNote).
		Save(ctx)
	if err != nil {
		return err
	}
	t.id = a.ID
	l.terms[person] = append(l.terms[person], t)
	return nil
}

// appointment creates the fictional person of r and appoints them.
func (l *loader) appointment(ctx context.Context, r appointmentRow) error {
	var rs refs
	org := rs.id(l.orgs, "organisation", r.org)
	alloc := rs.id(l.allocs, "seat allocation", allocKey(r.body, r.label))
	if rs.err != nil {
		return rs.err
	}
	if err := l.person(ctx, r.person, r.gender, org); err != nil {
		return err
	}
	return l.appoint(ctx, r.person, term{alloc: alloc, org: org, from: r.from}, r.to, nil, nil)
}

// reappointment continues the latest term of r.person with the next one.
func (l *loader) reappointment(ctx context.Context, r reappointmentRow) error {
	prev, err := l.latest(r.person)
	if err != nil {
		return err
	}
	return l.appoint(ctx, r.person, term{alloc: prev.alloc, org: prev.org, from: r.from}, r.to, &prev.id, nil)
}

// alternate creates the fictional person of r and appoints them as the
// alternate of the member's latest term (ending with it, by the rules).
func (l *loader) alternate(ctx context.Context, r alternateRow) error {
	member, err := l.latest(r.member)
	if err != nil {
		return err
	}
	if err := l.person(ctx, r.person, r.gender, member.org); err != nil {
		return err
	}
	return l.appoint(ctx, r.person, term{alloc: member.alloc, org: member.org, from: r.from}, "", nil, &member.id)
}

// nomination creates the letter of r; a nominated one names the nominee
// and links the appointment they hold from r.termStarts, which must be in
// r's allocation on behalf of the addressed organisation.
func (l *loader) nomination(ctx context.Context, r nominationRow) error {
	var rs refs
	alloc := rs.id(l.allocs, "seat allocation", allocKey(councilName, r.label))
	org := rs.id(l.orgs, "organisation", r.org)
	if rs.err != nil {
		return rs.err
	}
	create := l.c.NominationRequest.Create().
		SetSeatAllocationID(alloc).
		SetOrganisationID(org).
		SetStatus(r.status).
		SetNillableSentOn(optionalDate(r.sent)).
		SetNillableDueOn(optionalDate(r.due)).
		SetNillableTermStartsOn(optionalDate(r.termStarts)).
		SetNillableAnsweredOn(optionalDate(r.answered))
	if r.nominee != "" {
		t, err := l.termFrom(r.nominee, r.termStarts)
		if err != nil {
			return err
		}
		if t.alloc != alloc || t.org != org {
			return fmt.Errorf("the appointment of %q from %s is not in %q on behalf of %q", r.nominee, r.termStarts, r.label, r.org)
		}
		create.SetNomineeID(l.people[r.nominee]).SetAppointmentID(t.id)
	}
	return create.Exec(ctx)
}

// asciiFold spells the Danish letters in ASCII, as e-mail addresses do.
var asciiFold = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", " ", ".")

// demoEmail is the example.org address of a demo person:
// "Hanne Østergård" → hanne.oestergaard@example.org.
func demoEmail(name string) string {
	return asciiFold.Replace(strings.ToLower(name)) + "@example.org"
}
