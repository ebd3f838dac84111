package authz

import "entgo.io/ent"

// NominationRequestPolicy: appointment letters are public (their note is
// redacted below READER); editors send and answer them.
func NominationRequestPolicy() ent.Policy { return registryPolicy() }
