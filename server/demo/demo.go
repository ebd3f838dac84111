// Package demo loads pactreg's demo dataset into an empty database: the
// technology pact of Region Midtjylland (Teknologipagt i Region Midtjylland,
// 2018) with its bodies, Rådet for fremtidens kompetencer and that council's
// seat allocations, and the real organisations of the region that fill them.
//
// The people and their appointments are DEMO DATA: the seed names no one, so
// every person is fictional (title "Fiktiv demo-repræsentant", an address at
// example.org, a phone number of zeros) and every appointment's note says
// "Demodata: fiktiv person".
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
)

// Load puts the demo dataset into an empty database in one transaction and reports whether it did.
// On a database that already holds any organisation or body it does nothing (loaded=false), so
// loading twice never duplicates.
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
	hasOrganisations, err := c.Organisation.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: look for organisations: %w", err)
	}
	hasBodies, err := c.Body.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: look for bodies: %w", err)
	}
	if hasOrganisations || hasBodies {
		return false, nil
	}
	l := &loader{
		c:         c,
		orgs:      map[string]int{},
		bodies:    map[string]int{},
		allocs:    map[string]int{},
		positions: map[string]int{},
	}
	for _, step := range []func() error{
		func() error { return createAll(ctx, organisations, l.organisation) },
		func() error { return createAll(ctx, bodies, l.body) },
		func() error { return createAll(ctx, allocations, l.allocation) },
		func() error { return createAll(ctx, appointments, l.appointment) },
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
	orgs      map[string]int // by name
	bodies    map[string]int // by name
	allocs    map[string]int // by allocKey
	positions map[string]int // last allocation position, by body name
	people    int            // how many people were created
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
	if rs.err != nil {
		return rs.err
	}
	o, err := l.c.Organisation.Create().
		SetName(r.name).
		SetNillableShortName(optional(r.shortName)).
		SetKind(r.kind).
		SetNillableMunicipalityCode(optional(r.municipalityCode)).
		SetNillableFoundedOn(optionalDate(r.foundedOn)).
		AddMemberIDs(members...).
		Save(ctx)
	if err == nil {
		l.orgs[r.name] = o.ID
	}
	return err
}

func (l *loader) body(ctx context.Context, r bodyRow) error {
	var rs refs
	owner := rs.id(l.orgs, "owner", r.owner)
	advises := rs.ids(l.bodies, "advised body", r.advises...)
	replaces := rs.ids(l.bodies, "replaced body", r.replaces...)
	if rs.err != nil {
		return rs.err
	}
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
	b, err := create.Save(ctx)
	if err == nil {
		l.bodies[r.name] = b.ID
	}
	return err
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

// appointment creates the fictional person of r and appoints them.
func (l *loader) appointment(ctx context.Context, r appointmentRow) error {
	var rs refs
	org := rs.id(l.orgs, "organisation", r.org)
	alloc := rs.id(l.allocs, "seat allocation", allocKey(r.body, r.label))
	if rs.err != nil {
		return rs.err
	}
	p, err := l.c.Person.Create().
		SetName(r.person).
		SetTitle(demoTitle).
		SetEmail(demoEmail(r.person)).
		SetPhone(fmt.Sprintf(demoPhone, l.people+1)).
		SetAffiliationID(org).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("create person: %w", err)
	}
	l.people++
	return l.c.Appointment.Create().
		SetPersonID(p.ID).
		SetSeatAllocationID(alloc).
		SetOnBehalfOfID(org).
		SetStartsOn(dates.MustParse(r.from)).
		SetNillableEndsOn(optionalDate(r.to)).
		SetNote(demoNote).
		Exec(ctx)
}

// asciiFold spells the Danish letters in ASCII, as e-mail addresses do.
var asciiFold = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", " ", ".")

// demoEmail is the example.org address of a demo person:
// "Hanne Østergård" → hanne.oestergaard@example.org.
func demoEmail(name string) string {
	return asciiFold.Replace(strings.ToLower(name)) + "@example.org"
}
