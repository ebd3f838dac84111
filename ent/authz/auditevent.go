package authz

import (
	"context"

	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/privacy"
)

type auditWriterKey struct{}

// AuditWriterContext marks ctx as the audit trail's own writer: the only
// one that may create audit events.
func AuditWriterContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, auditWriterKey{}, true)
}

// AuditEventPolicy: admins read the audit trail; only the audit hook
// writes it, and nobody (not even the system) updates or deletes it.
func AuditEventPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{requireRole(Admin, "read the audit trail")},
		Mutation: writtenByPactregOnly("audit events"),
	}
}

// writtenByPactregOnly lets only the audit hook (AuditWriterContext)
// create rows of kind, and nobody change or delete them.
func writtenByPactregOnly(kind string) privacy.MutationPolicy {
	return privacy.MutationPolicy{
		privacy.OnMutationOperation(
			privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
				if w, _ := ctx.Value(auditWriterKey{}).(bool); w {
					return privacy.Allow
				}
				return apperr.New(apperr.Forbidden, "", "%s are written by pactreg itself", kind)
			}),
			ent.OpCreate,
		),
		denyAlways(kind + " can never be changed or deleted"),
	}
}
