package graph

// The pact and its programme: the logic behind graph/pact.graphqls. Plain
// creates and updates go straight to ent (its hooks keep the rules); what
// is here is the partnership's forward-only status and the body's mandate
// read as numbered tasks.

import (
	"context"
	"slices"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/mandatelink"
	"github.com/pactreg/pactreg/ent/partnership"
	"github.com/pactreg/pactreg/graph/generated"
)

// partnershipStep is a status of a partnership, in lifecycle order, with
// the date field that records the day it was reached (DRAFT has none).
type partnershipStep struct {
	status partnership.Status
	set    func(*ent.PartnershipUpdateOne, dates.Date) *ent.PartnershipUpdateOne
}

// partnershipSteps is DRAFT → APPROVED → SIGNED → ACTIVE → CLOSED.
var partnershipSteps = []partnershipStep{
	{status: partnership.StatusDRAFT},
	{partnership.StatusAPPROVED, (*ent.PartnershipUpdateOne).SetApprovedOn},
	{partnership.StatusSIGNED, (*ent.PartnershipUpdateOne).SetSignedOn},
	{partnership.StatusACTIVE, (*ent.PartnershipUpdateOne).SetActivatedOn},
	{partnership.StatusCLOSED, (*ent.PartnershipUpdateOne).SetClosedOn},
}

func stepIndex(s partnership.Status) int {
	return slices.IndexFunc(partnershipSteps, func(st partnershipStep) bool { return st.status == s })
}

// advancePartnership moves a partnership's status forward to `to`,
// recording `on` as the day of that step (skipped steps get no day). The
// rules (forward only, no day before one recorded) are the Partnership
// hook's; the update matches only the version the caller read, so a
// concurrent change is a CONFLICT.
func advancePartnership(ctx context.Context, id int, to partnership.Status, on dates.Date, expectedVersion int) (*ent.Partnership, error) {
	c := ent.FromContext(ctx)
	update := c.Partnership.UpdateOneID(id).Where(partnership.Version(expectedVersion)).SetStatus(to)
	if i := stepIndex(to); i > 0 {
		update = partnershipSteps[i].set(update, on)
	}
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
