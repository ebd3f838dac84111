package demo

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/milestone"
)

// The loops of the programme's tables (programme_data.go).

// optionalDecimal is nil for "" and the exact decimal s otherwise.
func optionalDecimal(s string) *decimal.Decimal {
	if s == "" {
		return nil
	}
	d := decimal.RequireFromString(s)
	return &d
}

func (w asWritten) fuzzy() dates.Fuzzy { return dates.MustParseFuzzy(w.form) }

func (l *loader) partnership(ctx context.Context, r partnershipRow) error {
	var rs refs
	derivedFrom := rs.optionalID(l.partnerships, "partnership", r.derivedFrom)
	bodies := rs.ids(l.bodies, "body", r.bodies...)
	create := l.c.Partnership.Create().
		SetName(r.name).
		SetKind(r.kind).
		SetNillableDescription(optional(r.description)).
		SetNillableApprovedOn(optionalDate(r.approvedOn)).
		SetNillableDerivedFromID(derivedFrom).
		AddBodyIDs(bodies...)
	if r.status != "" {
		create.SetStatus(r.status)
	}
	return remember(ctx, rs.err, create, l.partnerships, r.name)
}

func (l *loader) signatory(ctx context.Context, r signatoryRow) error {
	var rs refs
	p := rs.id(l.partnerships, "partnership", r.partnership)
	org := rs.id(l.orgs, "organisation", r.org)
	return rs.exec(ctx, l.c.Signatory.Create().SetPartnershipID(p).SetOrganisationID(org))
}

func (l *loader) decision(ctx context.Context, r decisionRow) error {
	var rs refs
	b := rs.id(l.bodies, "body", r.body)
	p := rs.optionalID(l.partnerships, "partnership", r.partnership)
	create := l.c.Decision.Create().
		SetBodyID(b).
		SetDecidedOn(dates.MustParse(r.on)).
		SetTitle(r.title).
		SetNillableDescription(optional(r.description)).
		SetOutcome(r.outcome).
		SetNillablePartnershipID(p)
	return rs.exec(ctx, create)
}

func (l *loader) theme(ctx context.Context, r themeRow) error {
	return remember(ctx, nil, l.c.Theme.Create().SetName(r.name), l.themes, r.name)
}

func (l *loader) initiative(ctx context.Context, r initiativeRow) error {
	var rs refs
	p := rs.optionalID(l.partnerships, "partnership", r.partnership)
	lead := rs.optionalID(l.orgs, "lead organisation", r.lead)
	themes := rs.ids(l.themes, "theme", r.themes...)
	create := l.c.Initiative.Create().
		SetTitle(r.title).
		SetNillableDescription(optional(r.description)).
		SetNillablePartnershipID(p).
		SetNillableLeadOrganisationID(lead).
		AddThemeIDs(themes...)
	return remember(ctx, rs.err, create, l.initiatives, r.title)
}

func (l *loader) mandateLink(ctx context.Context, r mandateLinkRow) error {
	var rs refs
	b := rs.id(l.bodies, "body", r.body)
	i := rs.id(l.initiatives, "initiative", r.initiative)
	return rs.exec(ctx, l.c.MandateLink.Create().SetBodyID(b).SetTask(r.task).SetInitiativeID(i))
}

func (l *loader) indicator(ctx context.Context, r indicatorRow) error {
	var rs refs
	initiatives := rs.ids(l.initiatives, "initiative", r.initiatives...)
	create := l.c.Indicator.Create().
		SetCode(r.code).
		SetName(r.name).
		SetNillableDescription(optional(r.description)).
		SetUnit(r.unit).
		SetDirection(r.direction).
		AddInitiativeIDs(initiatives...)
	return remember(ctx, rs.err, create, l.indicators, r.code)
}

func (l *loader) target(ctx context.Context, r targetRow) error {
	var rs refs
	ind := rs.id(l.indicators, "indicator", r.indicator)
	create := l.c.IndicatorTarget.Create().
		SetIndicatorID(ind).
		SetYear(r.year).
		SetNillableValue(optionalDecimal(r.value))
	return rs.exec(ctx, create)
}

func (l *loader) meeting(ctx context.Context, r meetingRow) error {
	var rs refs
	b := rs.id(l.bodies, "body", r.body)
	create := l.c.Meeting.Create().
		SetBodyID(b).
		SetTitle(r.title).
		SetWhen(r.when.fuzzy()).
		SetWhenText(r.when.words)
	if len(r.agenda) > 0 {
		create.SetAgenda(r.agenda)
	}
	return rs.exec(ctx, create)
}

// milestone belongs to the regional pact. A DONE one planned for a day
// was completed on that day unless the row says otherwise.
func (l *loader) milestone(ctx context.Context, r milestoneRow) error {
	var rs refs
	p := rs.id(l.partnerships, "partnership", regionalPact)
	b := rs.optionalID(l.bodies, "body", r.body)
	rb := rs.optionalID(l.bodies, "responsible body", r.responsibleBody)
	ro := rs.optionalID(l.orgs, "responsible organisation", r.responsibleOrg)
	when := r.planned.fuzzy()
	completedOn := r.completedOn
	if r.status == milestone.StatusDONE && completedOn == "" && when.Precision == dates.PrecisionDay {
		completedOn = r.planned.form
	}
	create := l.c.Milestone.Create().
		SetTitle(r.title).
		SetPlanned(when).
		SetPlannedText(r.planned.words).
		SetStatus(r.status).
		SetNillableCompletedOn(optionalDate(completedOn)).
		SetPartnershipID(p).
		SetNillableBodyID(b).
		SetNillableResponsibleBodyID(rb).
		SetNillableResponsibleOrganisationID(ro)
	return rs.exec(ctx, create)
}

func (l *loader) pool(ctx context.Context, r poolRow) error {
	var rs refs
	owner := rs.optionalID(l.orgs, "owner", r.owner)
	p := rs.optionalID(l.partnerships, "partnership", r.partnership)
	create := l.c.FundingPool.Create().
		SetName(r.name).
		SetNillableDescription(optional(r.description)).
		SetNillableOwnerID(owner).
		SetNillablePartnershipID(p)
	return remember(ctx, rs.err, create, l.pools, r.name)
}

func (l *loader) round(ctx context.Context, r roundRow) error {
	var rs refs
	pool := rs.id(l.pools, "funding pool", r.pool)
	deciding := rs.optionalID(l.bodies, "deciding body", r.decidingBody)
	create := l.c.FundingRound.Create().
		SetPoolID(pool).
		SetName(r.name).
		SetDeadline(dates.MustParse(r.deadline)).
		SetNillableDecisionOn(optionalDate(r.decisionOn)).
		SetNillableDecidingBodyID(deciding).
		SetBudget(decimal.RequireFromString(r.budget))
	return rs.exec(ctx, create)
}
