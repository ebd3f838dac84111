package graph_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

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
	ChangeEvents                                                 int
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
		{&n.ChangeEvents, func() (int, error) { return c.ChangeEvent.Query().Count(ctx) }},
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
		SetEstablishedOn(dates.MustParse("2018-04-25")).SetMandate([]string{"Rådgive regionen", "Sikre fremdriften af teknologipagten"}).SaveX(ctx)
	alloc := c.SeatAllocation.Create().SetBodyID(body.ID).SetLabel("Kommunerne").SetSeats(2).
		SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx)
	person := c.Person.Create().SetName("Demo Person").SaveX(ctx)
	return world{org: org.ID, body: body.ID, alloc: alloc.ID, person: person.ID}
}

// programme is a small programme tied to a world: one of everything.
type programme struct {
	partnership, initiative, indicator, round, pool, meeting, milestone int
}

// seedProgramme adds a pact, a decision, a theme and an initiative with a
// partner, an evaluation and a mandate link, an indicator with a target
// and an observation, a meeting, a milestone and a funding pool with a
// round and an application, all linked to w (person signs the pact).
func seedProgramme(t *testing.T, c *ent.Client, w world) programme {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	var p programme
	d := dates.MustParse
	p.partnership = c.Partnership.Create().SetName("Teknologipagt i Region Midtjylland").SetKind("TECHNOLOGY_PACT").
		AddBodyIDs(w.body).SaveX(ctx).ID
	c.Signatory.Create().SetPartnershipID(p.partnership).SetOrganisationID(w.org).SetPersonID(w.person).
		SetSignedOn(d("2018-05-15")).ExecX(ctx)
	theme := c.Theme.Create().SetName("STEM").SaveX(ctx)
	p.indicator = c.Indicator.Create().SetCode("STEM-1").SetName("Andel af arbejdsstyrken med en STEM-uddannelse").
		SetUnit("PERCENT").SetBaselineValue(decimal.RequireFromString("20.5")).SetBaselineOn(d("2017-12-31")).SaveX(ctx).ID
	p.initiative = c.Initiative.Create().SetTitle("Flere unge i STEM").SetPartnershipID(p.partnership).SetLeadOrganisationID(w.org).
		AddThemes(theme).AddIndicatorIDs(p.indicator).SetBudget(decimal.RequireFromString("1250000.50")).SaveX(ctx).ID
	c.Decision.Create().SetBodyID(w.body).SetDecidedOn(d("2018-04-25")).SetTitle("Godkendelse af teknologipagten").
		SetOutcome("APPROVED").SetPartnershipID(p.partnership).SetInitiativeID(p.initiative).ExecX(ctx)
	c.InitiativePartner.Create().SetInitiativeID(p.initiative).SetOrganisationID(w.org).SetRole("LEAD").ExecX(ctx)
	c.Evaluation.Create().SetInitiativeID(p.initiative).SetEvaluatedOn(d("2019-06-30")).SetEvaluator("Demo evaluator").ExecX(ctx)
	c.MandateLink.Create().SetBodyID(w.body).SetTask(1).SetInitiativeID(p.initiative).ExecX(ctx)
	c.IndicatorTarget.Create().SetIndicatorID(p.indicator).SetYear(2030).ExecX(ctx)
	c.Observation.Create().SetIndicatorID(p.indicator).SetPeriod(dates.MustParseFuzzy("2018")).
		SetValue(decimal.RequireFromString("21.0")).ExecX(ctx)
	p.meeting = c.Meeting.Create().SetBodyID(w.body).SetTitle("Første møde").SetWhen(dates.MustParseFuzzy("2018-06-early")).
		SetWhenText("primo juni 2018").SaveX(ctx).ID
	p.milestone = c.Milestone.Create().SetTitle("Udpegningsbreve").SetPlanned(dates.MustParseFuzzy("2018-03-late")).
		SetPartnershipID(p.partnership).SetBodyID(w.body).SetResponsibleBodyID(w.body).SetResponsibleOrganisationID(w.org).SaveX(ctx).ID
	p.pool = c.FundingPool.Create().SetName("Uddannelsespuljen").SetOwnerID(w.org).SetPartnershipID(p.partnership).SaveX(ctx).ID
	p.round = c.FundingRound.Create().SetPoolID(p.pool).SetName("Første runde").SetDeadline(d("2018-08-15")).
		SetDecidingBodyID(w.body).SetBudget(decimal.RequireFromString("5000000")).SaveX(ctx).ID
	c.GrantApplication.Create().SetRoundID(p.round).SetApplicantID(w.org).SetInitiativeID(p.initiative).SetTitle("STEM-camp").
		SetSubmittedOn(d("2018-08-01")).SetAmountRequested(decimal.RequireFromString("250000")).ExecX(ctx)
	return p
}
