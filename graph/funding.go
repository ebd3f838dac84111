package graph

// The education pool (uddannelsespuljen): the logic behind
// graph/funding.graphqls. The rules themselves (deadline, amounts, status,
// budget) are hooks in ent/rules/funding.go, so they hold on every write
// path; this file only reads and reports.

import (
	"context"
	"fmt"

	"github.com/pactreg/pactreg/ent"
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
