package authz

import "entgo.io/ent"

// ProgrammePolicy: the partnership's programme (pacts, decisions,
// initiatives, indicators, calendar, funding) is public; editors change it.
func ProgrammePolicy() ent.Policy { return registryPolicy() }
