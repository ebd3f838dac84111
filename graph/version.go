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
	ae, refused := apperr.As(err)
	refused = refused && ae.Code != apperr.Forbidden
	if err == nil || !ent.IsNotFound(err) && !refused {
		return v, err
	}
	// No row matched, or a rule refused the change: if the record moved on
	// since the caller read it, the refusal was judged on someone else's
	// change, and what the caller needs to know is that it is stale.
	cur, cerr := current()
	if cerr != nil {
		return v, cerr
	}
	if refused && cur == expected {
		return v, err
	}
	return v, &apperr.Error{
		Code:  apperr.Conflict,
		Field: "expectedVersion",
		Message: fmt.Sprintf("%s %d was changed by someone else: it is at version %d, not %d; reload it and apply your change again",
			what, id, cur, expected),
		Extensions: map[string]any{"currentVersion": cur},
	}
}
