package authz

import "entgo.io/ent"

// BodyPolicy: bodies are public; editors change them.
func BodyPolicy() ent.Policy { return registryPolicy() }
