package authz

import (
	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/privacy"
)

// WebhookPolicy: only admins see and manage webhook endpoints and their
// delivery log (the dispatcher works as System).
func WebhookPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{requireRole(Admin, "see webhooks")},
		Mutation: privacy.MutationPolicy{requireRole(Admin, "manage webhooks")},
	}
}
