package authz

import (
	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/privacy"
)

// APITokenPolicy: only admins see and manage API tokens (the server
// checks presented tokens as System).
func APITokenPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{requireRole(Admin, "list API tokens")},
		Mutation: privacy.MutationPolicy{requireRole(Admin, "manage API tokens")},
	}
}
