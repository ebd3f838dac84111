package authz

import "entgo.io/ent"

// PersonPolicy: people (name, title, affiliation) are public; their
// contact data is not (RedactContactData); editors change them.
func PersonPolicy() ent.Policy { return registryPolicy() }
