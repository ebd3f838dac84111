package rules

import (
	"context"
	"fmt"

	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/hook"
)

// DateOrder keeps the date field `to` on or after the date field `from`
// (an appointment's ends_on after its starts_on, a body's dissolved_on after
// its established_on). A missing date is open and always fits. A mutation
// that an exempt function reports true for is left to its own rule (an
// appointment's cancellation: Cancelling). A bulk update that sets or
// clears either date is refused (each row would need its own check),
// except for a rule's own follow-up writes.
func DateOrder(from, to string, exempt ...func(ent.Mutation) bool) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			for _, ex := range exempt {
				if ex(m) {
					return next.Mutate(ctx, m)
				}
			}
			if m.Op().Is(ent.OpUpdate) {
				if (touches(m, from) || touches(m, to)) && !isRuleWrite(ctx) {
					return nil, apperr.BadInput(gqlName(to), "%s rows are updated one at a time when %s or %s changes, so that every row's dates are checked",
						m.Type(), gqlName(from), gqlName(to))
				}
				return next.Mutate(ctx, m)
			}
			start, err := dateValue(ctx, m, from)
			if err != nil {
				return nil, err
			}
			end, err := dateValue(ctx, m, to)
			if err != nil {
				return nil, err
			}
			if !start.IsZero() && !end.IsZero() && end.Before(start) {
				_, toSet := m.Field(to)
				field := gqlName(to)
				if !toSet {
					field = gqlName(from)
				}
				return nil, apperr.BadInput(field, "%s (%s) cannot be before %s (%s)",
					gqlName(to), end, gqlName(from), start)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// touches reports whether m sets or clears the field name.
func touches(m ent.Mutation, name string) bool {
	_, set := m.Field(name)
	return set || m.FieldCleared(name)
}

// dateValue is the date a field will have after m: the new value if m sets
// it, else (on update) the stored one.
func dateValue(ctx context.Context, m ent.Mutation, name string) (dates.Date, error) {
	if v, ok := m.Field(name); ok {
		return asDate(v), nil
	}
	for _, f := range m.ClearedFields() {
		if f == name {
			return dates.Date{}, nil
		}
	}
	if !m.Op().Is(ent.OpUpdateOne) {
		return dates.Date{}, nil
	}
	v, err := m.OldField(ctx, name)
	if err != nil {
		return dates.Date{}, fmt.Errorf("read stored %s: %w", name, err)
	}
	return asDate(v), nil
}

func asDate(v ent.Value) dates.Date {
	switch d := v.(type) {
	case dates.Date:
		return d
	case *dates.Date:
		if d != nil {
			return *d
		}
	}
	return dates.Date{}
}
