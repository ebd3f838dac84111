package authz

import "entgo.io/ent"

// SeatAllocationPolicy: seat allocations are public; editors change them.
func SeatAllocationPolicy() ent.Policy { return registryPolicy() }
