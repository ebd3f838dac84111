package graph

import (
	"cmp"
	"slices"

	"github.com/pactreg/pactreg/ent"
)

// byPosition sorts a body's seat allocations as listed (position, then id).
// The rows were eager-loaded in one query for all parents; sorting them
// here costs no statement. The position is loaded whatever the selection
// (ent/sortkeys).
func byPosition(s []*ent.SeatAllocation) []*ent.SeatAllocation {
	slices.SortStableFunc(s, func(a, b *ent.SeatAllocation) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
	})
	return s
}

// byStart sorts appointments by start date, then id.
func byStart(s []*ent.Appointment) []*ent.Appointment {
	slices.SortStableFunc(s, func(a, b *ent.Appointment) int {
		return cmp.Or(a.StartsOn.Compare(b.StartsOn), cmp.Compare(a.ID, b.ID))
	})
	return s
}

// byName sorts bodies by name, then id. Sorted here, not by the database:
// PostgreSQL's collation and SQLite's byte order disagree, and the answer
// must not depend on the backend.
func byName(s []*ent.Body) []*ent.Body {
	slices.SortFunc(s, func(a, b *ent.Body) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return s
}
