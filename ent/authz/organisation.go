package authz

import "entgo.io/ent"

// OrganisationPolicy: organisations are public; editors change them.
func OrganisationPolicy() ent.Policy { return registryPolicy() }
