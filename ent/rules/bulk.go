package rules

import (
	"context"

	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/hook"
)

type ruleWriteKey struct{}

// ruleWrite marks ctx as a rule's own follow-up write (ending a dissolved
// body's appointments, a member's alternates), which the rule has checked.
func ruleWrite(ctx context.Context) context.Context {
	return context.WithValue(ctx, ruleWriteKey{}, true)
}

// isRuleWrite reports whether ctx marks a rule's own follow-up write.
func isRuleWrite(ctx context.Context) bool {
	w, _ := ctx.Value(ruleWriteKey{}).(bool)
	return w
}

// NoBulkUpdates refuses bulk updates of an entity whose rules judge one
// row at a time (capacity, roles, lifetime, status): an import or a
// script must update row by row, so that every rule sees every change.
// The rules' own follow-up writes are let through.
func NoBulkUpdates() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !isRuleWrite(ctx) {
				return nil, apperr.BadInput("", "%s rows are updated one at a time, so that every rule sees every change", m.Type())
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate)
}
