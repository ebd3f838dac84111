package authz

import (
	"context"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/changeevent"
	"github.com/pactreg/pactreg/ent/privacy"
)

// AdminOnlyTypes are the entity types (GraphQL names) only admins may
// read: their change events are shown to admins only, too.
var AdminOnlyTypes = []string{"ApiToken", "WebhookEndpoint"}

// ChangeEventPolicy: the change feed is public (it names entities and
// fields, never values), but events of admin-only types are admins'
// alone. Only the audit hook writes events, and nobody changes them.
func ChangeEventPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.ChangeEventQueryRuleFunc(func(ctx context.Context, q *gen.ChangeEventQuery) error {
				if !FromContext(ctx).Can(Admin) {
					q.Where(changeevent.EntityTypeNotIn(AdminOnlyTypes...))
				}
				return privacy.Allow
			}),
		},
		Mutation: writtenByPactregOnly("change events"),
	}
}
