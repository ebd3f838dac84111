package rules

// The education pool (uddannelsespuljen): a round's applications keep to
// its deadline and its budget.
//
// What counts against a budget: the amount granted of applications whose
// status is GRANTED, and only those. An amount on an application that is
// still being assessed (SUBMITTED, ELIGIBLE) is a proposal, and a REJECTED
// or WITHDRAWN application grants nothing. So status GRANTED requires an
// amount granted, and an application weighs on the budget from the moment
// it is GRANTED.
//
// Race-free: every check that reads a round's applications first locks the
// round's row in the write's transaction (PostgreSQL: SELECT … FOR UPDATE;
// SQLite write transactions run one at a time), so that two grants cannot
// each see the budget the other is about to spend. Outside a transaction
// the checks still run, but each statement commits on its own: writers
// that may race must use one (every GraphQL mutation does).

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/shopspring/decimal"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/fundinground"
	"github.com/pactreg/pactreg/ent/grantapplication"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/predicate"
)

// RoundSums is what a round's applications add up to.
type RoundSums struct {
	// Requested is over the applications neither WITHDRAWN nor REJECTED.
	Requested decimal.Decimal
	// Granted is over the GRANTED applications.
	Granted decimal.Decimal
}

// SumApplications adds up applications, exactly, as the registry counts
// them (see the top of this file). The applications need their status
// and amounts.
func SumApplications(apps []*gen.GrantApplication) RoundSums {
	s := RoundSums{Requested: decimal.Zero, Granted: decimal.Zero}
	for _, a := range apps {
		if a.Status != grantapplication.StatusWITHDRAWN && a.Status != grantapplication.StatusREJECTED {
			s.Requested = s.Requested.Add(a.AmountRequested)
		}
		s.Granted = s.Granted.Add(grantedBy(a))
	}
	return s
}

// grantedBy is what a counts against its round's budget.
func grantedBy(a *gen.GrantApplication) decimal.Decimal {
	if a.Status != grantapplication.StatusGRANTED || a.AmountGranted == nil {
		return decimal.Zero
	}
	return *a.AmountGranted
}

// RoundBudget keeps a round's budget non-negative and at least what the
// round has granted (BUDGET_EXCEEDED, field budget), and its deadline on
// or after every application's submission day.
func RoundBudget() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.FundingRoundFunc(func(ctx context.Context, m *gen.FundingRoundMutation) (ent.Value, error) {
			budget, budgetSet := m.Budget()
			if budgetSet && budget.IsNegative() {
				return nil, apperr.BadInput("budget", "budget cannot be negative (got %s)", budget)
			}
			deadline, deadlineSet := m.Deadline()
			opens, opensSet := m.OpensOn()
			if m.Op().Is(ent.OpCreate) || (!budgetSet && !deadlineSet && !opensSet) {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(ctx)
			if err != nil {
				return nil, fmt.Errorf("funding rules: rounds to update: %w", err)
			}
			if m.Op().Is(ent.OpUpdate) {
				m.Where(fundinground.IDIn(ids...)) // exactly the rounds checked
			}
			rounds, err := lockRounds(ctx, m.Client(), ids)
			if err != nil {
				return nil, err
			}
			for _, id := range slices.Sorted(maps.Keys(rounds)) {
				r := rounds[id]
				if budgetSet {
					if err := checkBudgetCovers(ctx, m.Client(), r, budget); err != nil {
						return nil, err
					}
				}
				if deadlineSet {
					if err := checkDeadlineCovers(ctx, m.Client(), r, deadline); err != nil {
						return nil, err
					}
				}
				if opensSet {
					if err := checkOpensCovers(ctx, m.Client(), r, opens); err != nil {
						return nil, err
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

func checkBudgetCovers(ctx context.Context, c *gen.Client, r *gen.FundingRound, budget decimal.Decimal) error {
	granted, err := grantedIn(ctx, c, r.ID, nil)
	if err != nil {
		return err
	}
	if budget.GreaterThanOrEqual(granted) {
		return nil
	}
	return budgetExceeded("budget", budget, granted,
		"%q has already granted %s DKK: its budget cannot be lowered to %s DKK (lower grants first)", r.Name, granted, budget)
}

// budgetExceeded is the BUDGET_EXCEEDED refusal on field, with the budget,
// what is granted and what remains in its extensions.
func budgetExceeded(field string, budget, granted decimal.Decimal, format string, args ...any) *apperr.Error {
	return &apperr.Error{
		Code:       apperr.BudgetExceeded,
		Field:      field,
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"budget": budget.String(), "granted": granted.String(), "remaining": budget.Sub(granted).String()},
	}
}

// checkDeadlineCovers: a round's deadline cannot move before an
// application to it was submitted.
func checkDeadlineCovers(ctx context.Context, c *gen.Client, r *gen.FundingRound, d dates.Date) error {
	late, err := firstOutside(ctx, c, r, grantapplication.SubmittedOnGT(d), gen.Desc(grantapplication.FieldSubmittedOn))
	if late == nil || err != nil {
		return err
	}
	return apperr.BadInput("deadline", "%q has an application submitted on %s (%q): its deadline cannot be moved before that day (to %s)",
		r.Name, late.SubmittedOn, late.Title, d)
}

// checkOpensCovers: a round cannot open after an application to it was
// submitted.
func checkOpensCovers(ctx context.Context, c *gen.Client, r *gen.FundingRound, d dates.Date) error {
	early, err := firstOutside(ctx, c, r, grantapplication.SubmittedOnLT(d), gen.Asc(grantapplication.FieldSubmittedOn))
	if early == nil || err != nil {
		return err
	}
	return apperr.BadInput("opensOn", "%q has an application submitted on %s (%q): it cannot open later than that day (on %s)",
		r.Name, early.SubmittedOn, early.Title, d)
}

// firstOutside is round r's application that outside selects and order
// puts first, or nil if there is none.
func firstOutside(ctx context.Context, c *gen.Client, r *gen.FundingRound, outside predicate.GrantApplication, order grantapplication.OrderOption) (*gen.GrantApplication, error) {
	a, err := c.GrantApplication.Query().Where(grantapplication.RoundID(r.ID), outside).Order(order).First(ctx)
	switch {
	case gen.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("funding rules: applications of round %d: %w", r.ID, err)
	}
	return a, nil
}

// Grants keeps applications lawful: none after the round's deadline, no
// negative amounts, granted at most requested, GRANTED only with an
// amount, status moving only forwards, and a round's grants at most its
// budget (race-free: see the top of this file).
func Grants() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.GrantApplicationFunc(func(ctx context.Context, m *gen.GrantApplicationMutation) (ent.Value, error) {
			if err := checkGrants(ctx, m); err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || !m.Op().Is(ent.OpCreate) {
				return v, err
			}
			return v, checkCreatedGrants(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// checkCreatedGrants checks a round's budget again once a new application
// is in: a bulk create runs every row's hooks before it inserts any row,
// so the check before saw none of the other new rows. In a transaction
// (every GraphQL mutation), the refusal rolls them all back.
func checkCreatedGrants(ctx context.Context, m *gen.GrantApplicationMutation) error {
	if s, _ := m.Status(); s != grantapplication.StatusGRANTED {
		return nil
	}
	id, _ := m.RoundID()
	r, err := m.Client().FundingRound.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("funding rules: round %d: %w", id, err)
	}
	granted, err := grantedIn(ctx, m.Client(), id, nil)
	if err != nil {
		return err
	}
	if !granted.GreaterThan(r.Budget) {
		return nil
	}
	return budgetExceeded("amountGranted", r.Budget, granted, "%q would grant %s DKK, more than its budget of %s DKK", r.Name, granted, r.Budget)
}

// grantFields are the fields the grant rules read; an update touching
// none of them needs no check.
var grantFields = []string{
	grantapplication.FieldSubmittedOn, grantapplication.FieldAmountRequested,
	grantapplication.FieldAmountGranted, grantapplication.FieldStatus,
}

func touchesGrant(m *gen.GrantApplicationMutation) bool {
	return slices.ContainsFunc(grantFields, func(f string) bool {
		_, set := m.Field(f)
		return set || m.FieldCleared(f)
	})
}

func checkGrants(ctx context.Context, m *gen.GrantApplicationMutation) error {
	if v, ok := m.AmountRequested(); ok && v.IsNegative() {
		return apperr.BadInput("amountRequested", "amountRequested cannot be negative (got %s)", v)
	}
	if v, ok := m.AmountGranted(); ok && v.IsNegative() {
		return apperr.BadInput("amountGranted", "amountGranted cannot be negative (got %s)", v)
	}
	if !m.Op().Is(ent.OpCreate) && !touchesGrant(m) {
		return nil
	}
	c := m.Client()
	stored, roundIDs, err := applicationsToChange(ctx, m)
	if err != nil {
		return err
	}
	rounds, err := lockRounds(ctx, c, roundIDs)
	if err != nil {
		return err
	}
	if !m.Op().Is(ent.OpCreate) {
		// Read the applications again under the lock: another writer may
		// have changed them while this one waited.
		if stored, err = c.GrantApplication.Query().Where(grantapplication.IDIn(ids(stored)...)).All(ctx); err != nil {
			return fmt.Errorf("funding rules: applications to change: %w", err)
		}
	}
	var changes []change
	if m.Op().Is(ent.OpCreate) {
		a := applied(m, &gen.GrantApplication{Status: grantapplication.DefaultStatus})
		a.RoundID, _ = m.RoundID()
		changes = append(changes, change{now: a})
	}
	for _, old := range stored {
		ch := change{old: old, now: applied(m, old)}
		if err := checkStatusMove(ch.old, ch.now); err != nil {
			return err
		}
		changes = append(changes, ch)
	}
	for _, ch := range changes {
		r, ok := rounds[ch.now.RoundID]
		if !ok {
			return apperr.New(apperr.NotFound, "roundID", "roundID: no funding round with id %d", ch.now.RoundID)
		}
		if err := checkApplication(m, r, ch.now); err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(rounds)) {
		if err := checkBudget(ctx, c, rounds[id], changes); err != nil {
			return err
		}
	}
	return nil
}

// change is an application as stored (nil for a new one) and as it will be.
type change struct {
	old, now *gen.GrantApplication
}

// applicationsToChange returns the stored applications an update will
// change (none for a create) and the rounds involved. On a bulk update it
// narrows the update to exactly the applications returned, the ones the
// rules check.
func applicationsToChange(ctx context.Context, m *gen.GrantApplicationMutation) ([]*gen.GrantApplication, []int, error) {
	if m.Op().Is(ent.OpCreate) {
		id, _ := m.RoundID()
		return nil, []int{id}, nil
	}
	ids, err := m.IDs(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("funding rules: applications to change: %w", err)
	}
	if m.Op().Is(ent.OpUpdate) {
		m.Where(grantapplication.IDIn(ids...))
	}
	stored, err := m.Client().GrantApplication.Query().Where(grantapplication.IDIn(ids...)).
		Select(grantapplication.FieldID, grantapplication.FieldRoundID).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("funding rules: applications to change: %w", err)
	}
	var rounds []int
	for _, a := range stored {
		rounds = append(rounds, a.RoundID) // immutable: safe to read before the lock
	}
	return stored, rounds, nil
}

func ids(apps []*gen.GrantApplication) []int {
	out := make([]int, len(apps))
	for i, a := range apps {
		out[i] = a.ID
	}
	return out
}

// applied is old with m's changes to the fields the rules read.
func applied(m *gen.GrantApplicationMutation, old *gen.GrantApplication) *gen.GrantApplication {
	a := *old
	if v, ok := m.SubmittedOn(); ok {
		a.SubmittedOn = v
	}
	if v, ok := m.AmountRequested(); ok {
		a.AmountRequested = v
	}
	if v, ok := m.AmountGranted(); ok {
		a.AmountGranted = &v
	} else if m.AmountGrantedCleared() {
		a.AmountGranted = nil
	}
	if v, ok := m.Status(); ok {
		a.Status = v
	}
	return &a
}

// forward is where each status may move: SUBMITTED → ELIGIBLE → GRANTED or
// REJECTED, and WITHDRAWN before a decision. An application found not
// eligible is rejected from SUBMITTED. GRANTED, REJECTED and WITHDRAWN are
// final.
var forward = map[grantapplication.Status][]grantapplication.Status{
	grantapplication.StatusSUBMITTED: {grantapplication.StatusELIGIBLE, grantapplication.StatusREJECTED, grantapplication.StatusWITHDRAWN},
	grantapplication.StatusELIGIBLE:  {grantapplication.StatusGRANTED, grantapplication.StatusREJECTED, grantapplication.StatusWITHDRAWN},
}

func checkStatusMove(old, now *gen.GrantApplication) error {
	if old.Status == now.Status || slices.Contains(forward[old.Status], now.Status) {
		return nil
	}
	if len(forward[old.Status]) == 0 {
		return apperr.BadInput("status", "application %d is %s, which is final: it cannot become %s", old.ID, old.Status, now.Status)
	}
	return apperr.BadInput("status", "application %d cannot move from %s to %s: an application goes SUBMITTED → ELIGIBLE → GRANTED or REJECTED (or WITHDRAWN before a decision), never back",
		old.ID, old.Status, now.Status)
}

// checkApplication checks one application as it will be: submitted by the
// deadline, GRANTED only with an amount, granted at most requested.
func checkApplication(m *gen.GrantApplicationMutation, r *gen.FundingRound, a *gen.GrantApplication) error {
	if _, set := m.SubmittedOn(); set && r.OpensOn != nil && a.SubmittedOn.Before(*r.OpensOn) {
		return apperr.BadInput("submittedOn", "%q opens on %s: an application cannot be submitted before (submittedOn %s)", r.Name, r.OpensOn, a.SubmittedOn)
	}
	if _, set := m.SubmittedOn(); set && a.SubmittedOn.After(r.Deadline) {
		return &apperr.Error{
			Code:       apperr.DeadlinePassed,
			Field:      "submittedOn",
			Message:    fmt.Sprintf("the deadline of %q was %s: an application submitted on %s is too late", r.Name, r.Deadline, a.SubmittedOn),
			Extensions: map[string]any{"deadline": r.Deadline.String()},
		}
	}
	if a.Status == grantapplication.StatusGRANTED && a.AmountGranted == nil {
		return apperr.BadInput("amountGranted", "a GRANTED application needs amountGranted")
	}
	if a.AmountGranted != nil && a.AmountGranted.GreaterThan(a.AmountRequested) {
		field := "amountGranted"
		if _, set := m.AmountGranted(); !set {
			field = "amountRequested" // only the amount requested changed
		}
		return apperr.BadInput(field, "amountGranted (%s) cannot be more than amountRequested (%s)", a.AmountGranted, a.AmountRequested)
	}
	return nil
}

// checkBudget: with the changes made, round r grants at most its budget.
// A change that does not raise what r grants always passes (a round found
// over its budget can still be brought down).
func checkBudget(ctx context.Context, c *gen.Client, r *gen.FundingRound, changes []change) error {
	var self []int
	for _, ch := range changes {
		if ch.old != nil && ch.now.RoundID == r.ID {
			self = append(self, ch.old.ID)
		}
	}
	others, err := grantedIn(ctx, c, r.ID, self)
	if err != nil {
		return err
	}
	before, after := others, others
	for _, ch := range changes {
		if ch.now.RoundID != r.ID {
			continue
		}
		if ch.old != nil {
			before = before.Add(grantedBy(ch.old))
		}
		after = after.Add(grantedBy(ch.now))
	}
	if !after.GreaterThan(r.Budget) || !after.GreaterThan(before) {
		return nil
	}
	return budgetExceeded("amountGranted", r.Budget, others,
		"%q has a budget of %s DKK, of which %s is already granted, so %s remains: granting %s would exceed it",
		r.Name, r.Budget, others, r.Budget.Sub(others), after.Sub(others))
}

// grantedIn is what round roundID has granted, the applications except
// left out, summed exactly in Go (SQLite stores decimals as text).
func grantedIn(ctx context.Context, c *gen.Client, roundID int, except []int) (decimal.Decimal, error) {
	apps, err := c.GrantApplication.Query().
		Where(grantapplication.RoundID(roundID), grantapplication.StatusEQ(grantapplication.StatusGRANTED),
			grantapplication.IDNotIn(except...)).
		Select(grantapplication.FieldStatus, grantapplication.FieldAmountGranted).All(ctx)
	if err != nil {
		return decimal.Zero, fmt.Errorf("funding rules: granted in round %d: %w", roundID, err)
	}
	return SumApplications(apps).Granted, nil
}

// lockRounds takes the row locks of the rounds (in id order, so that two
// writers cannot deadlock) for the rest of the transaction and returns
// them as they are once locked.
func lockRounds(ctx context.Context, c *gen.Client, ids []int) (map[int]*gen.FundingRound, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return map[int]*gen.FundingRound{}, nil
	}
	_, err := c.FundingRound.Query().Where(fundinground.IDIn(ids...)).
		Order(gen.Asc(fundinground.FieldID)).Select(fundinground.FieldID).
		Modify(func(s *sql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.ForUpdate()
			}
		}).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock funding rounds %v: %w", ids, err)
	}
	rounds, err := c.FundingRound.Query().Where(fundinground.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("funding rounds %v: %w", ids, err)
	}
	out := make(map[int]*gen.FundingRound, len(rounds))
	for _, r := range rounds {
		out[r.ID] = r
	}
	return out, nil
}
