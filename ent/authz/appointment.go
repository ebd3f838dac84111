package authz

import (
	"entgo.io/ent"

	"github.com/pactreg/pactreg/ent/privacy"
)

// AppointmentPolicy: who holds which seat is public (the note is contact
// data, see RedactContactData); editors appoint and end appointments;
// nobody deletes one: the registry keeps who sat where, when.
func AppointmentPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{privacy.AlwaysAllowRule()},
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(denyAlways("appointments are never deleted: end them instead"), ent.OpDelete|ent.OpDeleteOne),
			requireRole(Editor, "change the registry"),
		},
	}
}
