package graph

// The pact and its programme: the logic behind graph/pact.graphqls. Plain
// creates and updates go straight to ent (its hooks keep the rules); what
// is here is the partnership's forward-only status and the body's mandate
// read as numbered tasks.

import (
	"context"
	"slices"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/mandatelink"
	"github.com/pactreg/pactreg/ent/partnership"
	"github.com/pactreg/pactreg/graph/generated"
)

// partnershipStep is a status of a partnership, in lifecycle order, with
// the date field that records the day it was reached (DRAFT has none).
type partnershipStep struct {
	status partnership.Status
	on     func(*ent.Partnership) *dates.Date
	set    func(*ent.PartnershipUpdateOne, dates.Date) *ent.PartnershipUpdateOne
}

// partnershipSteps is DRAFT → APPROVED → SIGNED → ACTIVE → CLOSED.
var partnershipSteps = []partnershipStep{
	{status: partnership.StatusDRAFT},
	{partnership.StatusAPPROVED, func(p *ent.Partnership) *dates.Date { return p.ApprovedOn }, (*ent.PartnershipUpdateOne).SetApprovedOn},
	{partnership.StatusSIGNED, func(p *ent.Partnership) *dates.Date { return p.SignedOn }, (*ent.PartnershipUpdateOne).SetSignedOn},
	{partnership.StatusACTIVE, func(p *ent.Partnership) *dates.Date { return p.ActivatedOn }, (*ent.PartnershipUpdateOne).SetActivatedOn},
	{partnership.StatusCLOSED, func(p *ent.Partnership) *dates.Date { return p.ClosedOn }, (*ent.PartnershipUpdateOne).SetClosedOn},
}

func stepIndex(s partnership.Status) int {
	return slices.IndexFunc(partnershipSteps, func(st partnershipStep) bool { return st.status == s })
}

// latestStepDate is the latest day recorded for any step of p (zero if none).
func latestStepDate(p *ent.Partnership) dates.Date {
	var latest dates.Date
	for _, st := range partnershipSteps[1:] {
		if d := st.on(p); d != nil && d.After(latest) {
			latest = *d
		}
	}
	return latest
}

// checkAdvance refuses moving p to a status that is not later than its
// own, or on a day before one already recorded.
func checkAdvance(p *ent.Partnership, to partnership.Status, on dates.Date) error {
	if stepIndex(to) <= stepIndex(p.Status) {
		return apperr.BadInput("to", "%s is %s: its status only moves forward (DRAFT → APPROVED → SIGNED → ACTIVE → CLOSED), so it cannot move to %s",
			p.Name, p.Status, to)
	}
	if latest := latestStepDate(p); on.Before(latest) {
		return apperr.BadInput("on", "%s already has a step recorded on %s: the move to %s cannot be dated earlier (%s)",
			p.Name, latest, to, on)
	}
	return nil
}

// advancePartnership moves a partnership's status forward to `to`,
// recording `on` as the day of that step (skipped steps get no day). The
// viewer's right to change the partnership is asked first (its ent
// policy), so a viewer who may not change it learns FORBIDDEN, not what
// the move would break. The rules are checked against the version the
// caller read, and the update matches only that version: a concurrent
// change makes it a CONFLICT.
func advancePartnership(ctx context.Context, id int, to partnership.Status, on dates.Date, expectedVersion int) (*ent.Partnership, error) {
	c := ent.FromContext(ctx)
	update := c.Partnership.UpdateOneID(id).Where(partnership.Version(expectedVersion)).SetStatus(to)
	if i := stepIndex(to); i > 0 {
		update = partnershipSteps[i].set(update, on)
	}
	if err := partnership.Policy.EvalMutation(ctx, update.Mutation()); err != nil {
		return nil, err
	}
	p, err := c.Partnership.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Version == expectedVersion {
		if err := checkAdvance(p, to, on); err != nil {
			return nil, err
		}
	} // else: the caller read another version; the update below reports the CONFLICT
	return updateVersioned(ctx, "partnership", id, expectedVersion,
		func() (*ent.Partnership, error) { return update.Save(ctx) },
		func() (int, error) { return partnershipVersion(ctx, c, id) })
}

func partnershipVersion(ctx context.Context, c *ent.Client, id int) (int, error) {
	return c.Partnership.Query().Where(partnership.ID(id)).Select(partnership.FieldVersion).Int(ctx)
}

// mandateTasks numbers the body's mandate from 1, each task with the
// initiatives linked to it (by initiative id). Two statements, whatever
// the number of tasks and links: the links and, eager-loaded, their
// initiatives. It reads through b's own client, so inside a mutation it
// sees the mutation's transaction.
func mandateTasks(ctx context.Context, b *ent.Body) ([]*generated.MandateTask, error) {
	tasks := make([]*generated.MandateTask, len(b.Mandate))
	for i, text := range b.Mandate {
		tasks[i] = &generated.MandateTask{Number: i + 1, Text: text, Initiatives: []*ent.Initiative{}}
	}
	if len(tasks) == 0 {
		return tasks, nil
	}
	links, err := b.QueryMandateLinks().
		Where(mandatelink.TaskGTE(1), mandatelink.TaskLTE(len(tasks))).
		Order(ent.Asc(mandatelink.FieldInitiativeID), ent.Asc(mandatelink.FieldID)).
		WithInitiative().
		All(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		t := tasks[l.Task-1]
		if n := len(t.Initiatives); n > 0 && t.Initiatives[n-1].ID == l.InitiativeID {
			continue // the same link twice (rules forbid it; older data may have it)
		}
		t.Initiatives = append(t.Initiatives, l.Edges.Initiative)
	}
	return tasks, nil
}
