package rules

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dk"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/seatallocation"
)

// NormaliseMunicipalityCode stores the four-digit form of a kommunekode
// ("0751", as in official address data) as the three-digit code ("751").
func NormaliseMunicipalityCode() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.OrganisationFunc(func(ctx context.Context, m *gen.OrganisationMutation) (ent.Value, error) {
			if v, ok := m.MunicipalityCode(); ok {
				m.SetMunicipalityCode(dk.NormaliseMunicipalityCode(v))
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// EligibleKinds keeps a seat allocation's eligible kinds a set of known
// kinds, sorted.
func EligibleKinds() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SeatAllocationFunc(func(ctx context.Context, m *gen.SeatAllocationMutation) (ent.Value, error) {
			kinds, ok := m.EligibleKinds()
			if !ok {
				return next.Mutate(ctx, m)
			}
			if _, appended := m.AppendedEligibleKinds(); appended {
				return nil, apperr.BadInput("appendEligibleKinds", "appending to eligibleKinds is not supported: set the whole list")
			}
			for _, k := range kinds {
				if !k.Valid() {
					return nil, apperr.BadInput("eligibleKinds", "%q is not a valid OrganisationKind", string(k))
				}
			}
			set := slices.Clone(kinds)
			slices.Sort(set)
			m.SetEligibleKinds(slices.Compact(set))
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// DefaultPosition puts a new seat allocation without a position after the
// last one of its body.
func DefaultPosition() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SeatAllocationFunc(func(ctx context.Context, m *gen.SeatAllocationMutation) (ent.Value, error) {
			if _, ok := m.Position(); ok {
				return next.Mutate(ctx, m)
			}
			bodyID, _ := m.BodyID()
			last, err := m.Client().SeatAllocation.Query().
				Where(seatallocation.BodyID(bodyID)).
				Order(gen.Desc(seatallocation.FieldPosition)).
				Limit(1).
				Select(seatallocation.FieldPosition).
				Ints(ctx)
			if err != nil {
				return nil, fmt.Errorf("last position of body %d: %w", bodyID, err)
			}
			next1 := 1
			if len(last) == 1 {
				next1 = last[0] + 1
			}
			m.SetPosition(next1)
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// BumpVersion raises an entity's version on every update.
func BumpVersion() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if err := m.AddField("version", 1); err != nil {
				return nil, fmt.Errorf("bump version of %s: %w", m.Type(), err)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}
