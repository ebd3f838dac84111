package rules

import (
	"context"
	"fmt"

	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/hook"
)

// FuzzyInterval keeps name_earliest and name_latest equal to the interval
// of the fuzzy date in name, for filters by overlap and for ordering.
func FuzzyInterval(name string) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if v, ok := m.Field(name); ok {
				f, _ := v.(dates.Fuzzy)
				if f.IsZero() {
					return nil, apperr.BadInput(gqlName(name), "%s is required", gqlName(name))
				}
				for field, d := range map[string]dates.Date{name + "_earliest": f.Earliest, name + "_latest": f.Latest} {
					if err := m.SetField(field, d); err != nil {
						return nil, fmt.Errorf("fuzzy interval of %s.%s: %w", m.Type(), name, err)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}
