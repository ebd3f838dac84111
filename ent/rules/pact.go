package rules

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/mandatelink"
	"github.com/pactreg/pactreg/ent/partnership"
)

// MandateTaskExists keeps a mandate link pointing at a task the body's
// mandate has (1 to the number of tasks: BAD_USER_INPUT on task), and
// links a task to an initiative only once (CONFLICT on task). The body
// is locked first (see lockBody), so two writers cannot both add the same
// link. A link's fields are immutable: only creates are checked.
func MandateTaskExists() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.MandateLinkFunc(func(ctx context.Context, m *gen.MandateLinkMutation) (ent.Value, error) {
			if err := checkMandateLink(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

func checkMandateLink(ctx context.Context, m *gen.MandateLinkMutation) error {
	c := m.Client()
	bodyID, _ := m.BodyID()
	task, _ := m.Task()
	initiativeID, _ := m.InitiativeID()
	if err := lockBody(ctx, c, bodyID); err != nil {
		return err
	}
	b, err := c.Body.Query().Where(body.ID(bodyID)).Select(body.FieldName, body.FieldMandate).Only(ctx)
	if err != nil {
		return fmt.Errorf("mandate link: body %d: %w", bodyID, err)
	}
	if n := len(b.Mandate); task < 1 || task > n {
		if n == 0 {
			return apperr.BadInput("task", "%s has no tasks in its mandate: record its mandate before linking task %d", b.Name, task)
		}
		return apperr.BadInput("task", "%s has %d task(s) in its mandate: task must be 1 to %d, not %d", b.Name, n, n, task)
	}
	dup, err := c.MandateLink.Query().Where(
		mandatelink.BodyID(bodyID), mandatelink.Task(task), mandatelink.InitiativeID(initiativeID),
	).Exist(ctx)
	if err != nil {
		return fmt.Errorf("mandate link: existing links: %w", err)
	}
	if dup {
		return apperr.New(apperr.Conflict, "task", "task %d of %s is already linked to initiative %d", task, b.Name, initiativeID)
	}
	return nil
}

// partnershipOrder is the lifecycle of a partnership.
var partnershipOrder = []partnership.Status{
	partnership.StatusDRAFT, partnership.StatusAPPROVED, partnership.StatusSIGNED,
	partnership.StatusACTIVE, partnership.StatusCLOSED,
}

// PartnershipForward keeps a partnership's status moving forward on every
// write path (DRAFT → APPROVED → SIGNED → ACTIVE → CLOSED, steps may be
// skipped), and a step's day no earlier than a day already recorded.
func PartnershipForward() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PartnershipFunc(func(ctx context.Context, m *gen.PartnershipMutation) (ent.Value, error) {
			to, ok := m.Status()
			id, hasID := m.ID()
			if !ok || !hasID {
				return next.Mutate(ctx, m)
			}
			old, err := m.Client().Partnership.Get(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("partnership %d: %w", id, err)
			}
			if slices.Index(partnershipOrder, to) <= slices.Index(partnershipOrder, old.Status) {
				return nil, apperr.BadInput("to", "%s is %s: its status only moves forward (DRAFT → APPROVED → SIGNED → ACTIVE → CLOSED), so it cannot move to %s",
					old.Name, old.Status, to)
			}
			var latest dates.Date
			for _, d := range []*dates.Date{old.ApprovedOn, old.SignedOn, old.ActivatedOn, old.ClosedOn} {
				if d != nil && d.After(latest) {
					latest = *d
				}
			}
			for _, name := range m.Fields() {
				if v, ok := m.Field(name); ok {
					if on, isDate := v.(dates.Date); isDate && name != "updated_at" && on.Before(latest) {
						return nil, apperr.BadInput("on", "%s already has a step recorded on %s: the move to %s cannot be dated earlier (%s)",
							old.Name, latest, to, on)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}

// PartnershipNotDerivedFromItself refuses a derivedFromID that would make
// a partnership derive from itself, directly or through the pacts it
// derives from (A → B → A): BAD_USER_INPUT on derivedFromID. A new
// partnership has no derivatives yet, so only updates can close a cycle.
func PartnershipNotDerivedFromItself() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PartnershipFunc(func(ctx context.Context, m *gen.PartnershipMutation) (ent.Value, error) {
			from, set := m.DerivedFromID()
			id, hasID := m.ID()
			if !set || !hasID {
				return next.Mutate(ctx, m)
			}
			seen := map[int]bool{}
			for at := &from; at != nil; {
				if *at == id {
					if from == id {
						return nil, apperr.BadInput("derivedFromID", "a partnership cannot derive from itself")
					}
					return nil, apperr.BadInput("derivedFromID", "partnership %d derives, through the pacts it derives from, from this one: deriving this one from it would make a cycle", from)
				}
				if seen[*at] {
					break // a cycle already stored, not through this one
				}
				seen[*at] = true
				p, err := m.Client().Partnership.Query().Where(partnership.ID(*at)).
					Select(partnership.FieldDerivedFromID).Only(ctx)
				if gen.IsNotFound(err) {
					break // References reports a missing partnership
				}
				if err != nil {
					return nil, fmt.Errorf("partnership %d: derived from: %w", *at, err)
				}
				at = p.DerivedFromID
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}
