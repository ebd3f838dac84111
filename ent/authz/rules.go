package authz

import (
	"context"

	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/privacy"
)

// requireRole allows viewers whose role includes r and refuses the rest
// with FORBIDDEN, saying what was attempted.
func requireRole(r Role, what string) privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		v := FromContext(ctx)
		if v.Can(r) {
			return privacy.Allow
		}
		return apperr.New(apperr.Forbidden, "", "only %s may %s; you are %s", r, what, v.Role)
	})
}

// registryPolicy: anyone reads, editors change. Contact data is redacted
// separately (RedactContactData).
func registryPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{requireRole(Editor, "change the registry")},
	}
}

// adminOnlyPolicy: only admins read (what they may see: seeWhat) and
// change (manageWhat) these entities.
func adminOnlyPolicy(seeWhat, manageWhat string) ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{requireRole(Admin, seeWhat)},
		Mutation: privacy.MutationPolicy{requireRole(Admin, manageWhat)},
	}
}

// denyAlways refuses every viewer, the system included.
func denyAlways(what string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error {
		return apperr.New(apperr.Forbidden, "", "%s", what)
	})
}
