package graph

import (
	"context"
	"fmt"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
)

// updateVersioned runs save, an update that matches only the expected
// version. When it matches nothing it tells the two reasons apart:
// someone else's update came first (CONFLICT, with the current version in
// extensions) or there is no such record (NOT_FOUND). The UPDATE … WHERE
// version = ? is one statement, so of two concurrent updates that read the
// same version exactly one wins.
func updateVersioned[T any](ctx context.Context, what string, id, expected int,
	save func() (T, error), current func() (int, error)) (T, error) {
	v, err := save()
	if err == nil || !ent.IsNotFound(err) {
		return v, err
	}
	cur, cerr := current()
	if cerr != nil {
		return v, cerr
	}
	return v, &apperr.Error{
		Code:  apperr.Conflict,
		Field: "expectedVersion",
		Message: fmt.Sprintf("%s %d was changed by someone else: it is at version %d, not %d; reload it and apply your change again",
			what, id, cur, expected),
		Extensions: map[string]any{"currentVersion": cur},
	}
}
