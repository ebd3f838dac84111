package graph

// The education pool (uddannelsespuljen): the logic behind
// graph/funding.graphqls. The rules themselves (deadline, amounts, status,
// budget) are hooks in ent/rules/funding.go, so they hold on every write
// path; this file only reads and reports.

import (
	"context"
	"fmt"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/grantapplication"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/graph/generated"
)

// roundTotals sums a round's applications exactly, in Go (SQLite stores
// decimals as text): requested over those neither WITHDRAWN nor REJECTED,
// granted over the GRANTED ones, remaining is the budget less granted.
// It reads through the client that loaded round, so that inside a
// mutation it sees the mutation's own writes.
func roundTotals(ctx context.Context, round *ent.FundingRound) (*generated.FundingTotals, error) {
	apps, err := round.QueryApplications().
		Select(grantapplication.FieldStatus, grantapplication.FieldAmountRequested, grantapplication.FieldAmountGranted).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("totals of funding round %d: %w", round.ID, err)
	}
	s := rules.SumApplications(apps)
	return &generated.FundingTotals{Requested: s.Requested, Granted: s.Granted, Remaining: round.Budget.Sub(s.Granted)}, nil
}

// updateJudged is updateVersioned for updates whose rules read the
// current state under a lock (the grant rules): when a rule refuses the
// update and the record is meanwhile past the expected version, the
// refusal was judged on someone else's change, so the caller hears
// CONFLICT (reload and apply again), as for any stale update.
func updateJudged[T any](ctx context.Context, what string, id, expected int,
	save func() (T, error), current func() (int, error)) (T, error) {
	return updateVersioned(ctx, what, id, expected, func() (T, error) {
		v, err := save()
		if _, refused := apperr.As(err); refused {
			if cur, cerr := current(); cerr == nil && cur != expected {
				return v, &ent.NotFoundError{} // updateVersioned's sign of a stale version
			}
		}
		return v, err
	}, current)
}
