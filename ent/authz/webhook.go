package authz

import (
	"entgo.io/ent"
)

// WebhookPolicy: only admins see and manage webhook endpoints and their
// delivery log (the dispatcher works as System).
func WebhookPolicy() ent.Policy {
	return adminOnlyPolicy("see webhooks", "manage webhooks")
}
