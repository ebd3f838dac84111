package rules

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/mandatelink"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/vocab"
)

// RoleChange keeps one chair and one vice-chair per body when an
// allocation's role changes: the members it has held (ever: the role is
// the allocation's, so it applies to its history too) may not overlap
// each other or the holders of the body's other allocations of that role.
func RoleChange() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SeatAllocationFunc(func(ctx context.Context, m *gen.SeatAllocationMutation) (ent.Value, error) {
			role, ok := m.Role()
			id, hasID := m.ID()
			if !ok || !hasID || (role != vocab.Chair && role != vocab.ViceChair) {
				return next.Mutate(ctx, m)
			}
			c := m.Client()
			bodyID, err := m.OldBodyID(ctx)
			if err != nil {
				return nil, err
			}
			if err := lockBody(ctx, c, bodyID); err != nil {
				return nil, err
			}
			held, err := c.Appointment.Query().Where(
				appointment.AlternateForIDIsNil(),
				TakesEffect(),
				appointment.HasSeatAllocationWith(seatallocation.BodyID(bodyID),
					seatallocation.Or(seatallocation.ID(id), seatallocation.RoleEQ(role))),
			).All(ctx)
			if err != nil {
				return nil, fmt.Errorf("role change of allocation %d: %w", id, err)
			}
			for i, a := range held {
				for _, b := range held[i+1:] {
					if (a.SeatAllocationID == id || b.SeatAllocationID == id) && overlaps(a, b) {
						return nil, apperr.New(apperr.Conflict, "role",
							"the body would have two %ss at once (appointments %d and %d overlap): a body has one at a time",
							strings.ToLower(strings.ReplaceAll(string(role), "_", "-")), a.ID, b.ID)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}

func overlaps(a, b *gen.Appointment) bool {
	return (a.EndsOn == nil || !a.EndsOn.Before(b.StartsOn)) && (b.EndsOn == nil || !b.EndsOn.Before(a.StartsOn))
}

// BodyChanges keeps a body's appointments and mandate links lawful when
// the body changes: no appointment may start before a new establishedOn,
// and a shortened mandate must keep every task an initiative is linked to.
func BodyChanges() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.BodyFunc(func(ctx context.Context, m *gen.BodyMutation) (ent.Value, error) {
			id, hasID := m.ID()
			established, setEstablished := m.EstablishedOn()
			mandate, setMandate := m.Mandate()
			if !hasID || (!setEstablished && !setMandate) {
				return next.Mutate(ctx, m)
			}
			c := m.Client()
			if err := lockBody(ctx, c, id); err != nil {
				return nil, err
			}
			if setEstablished {
				early, err := c.Appointment.Query().Where(
					appointment.HasSeatAllocationWith(seatallocation.BodyID(id)),
					TakesEffect(),
					appointment.StartsOnLT(established),
				).Count(ctx)
				if err != nil {
					return nil, fmt.Errorf("body %d: %w", id, err)
				}
				if early > 0 {
					return nil, apperr.BadInput("establishedOn", "%d appointment(s) of the body start before %s", early, established)
				}
			}
			if setMandate {
				n, err := c.MandateLink.Query().Where(mandatelink.BodyID(id), mandatelink.TaskGT(len(mandate))).Count(ctx)
				if err != nil {
					return nil, fmt.Errorf("body %d: %w", id, err)
				}
				if n > 0 {
					return nil, apperr.BadInput("mandate", "%d initiative link(s) point at tasks beyond the new mandate's %d: remove them first", n, len(mandate))
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}
