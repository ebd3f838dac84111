package authz

import (
	"entgo.io/ent"
)

// APITokenPolicy: only admins see and manage API tokens (the server
// checks presented tokens as System).
func APITokenPolicy() ent.Policy {
	return adminOnlyPolicy("list API tokens", "manage API tokens")
}
