package rules

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/indicator"
	"github.com/pactreg/pactreg/ent/indicatortarget"
	"github.com/pactreg/pactreg/ent/predicate"
)

// TargetAfterBaseline keeps every target of an indicator in or after the
// year of the indicator's baseline (baseline_on): a target created for, or
// moved to, an earlier year is refused on "year"; moving an indicator's
// baseline into a year after one of its targets is refused on
// "baselineOn". An indicator without a baseline date takes targets of any
// year. The hook handles both IndicatorTarget and Indicator mutations, so
// the schema lists it on both (any other mutation passes through).
func TargetAfterBaseline() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			var err error
			switch m := m.(type) {
			case *gen.IndicatorTargetMutation:
				err = targetYearFits(ctx, m)
			case *gen.IndicatorMutation:
				err = baselineBeforeTargets(ctx, m)
			}
			if err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// targetYearFits checks the year a target mutation sets against the
// baselines of the indicators it touches (the one it names on create, the
// ones of the updated targets otherwise).
func targetYearFits(ctx context.Context, m *gen.IndicatorTargetMutation) error {
	year, ok := m.Year()
	if !ok {
		return nil
	}
	var which predicate.Indicator
	switch id, ok := m.IndicatorID(); {
	case ok:
		which = indicator.ID(id)
	case m.Op().Is(ent.OpCreate):
		return nil // no indicator: ent's own validation refuses the create
	default:
		ids, err := m.IDs(ctx)
		if err != nil {
			return fmt.Errorf("target after baseline: targets updated: %w", err)
		}
		which = indicator.HasTargetsWith(indicatortarget.IDIn(ids...))
	}
	// The latest baseline of the indicators concerned is the one that
	// binds. An unknown indicator is rules.References' to report
	// (NOT_FOUND): it finds nothing here.
	ind, err := m.Client().Indicator.Query().
		Where(which, indicator.BaselineOnNotNil()).
		Order(indicator.ByBaselineOn(sql.OrderDesc()), indicator.ByID()).
		First(ctx)
	if gen.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("target after baseline: indicator: %w", err)
	}
	if base := ind.BaselineOn; year < base.Year() {
		return apperr.BadInput("year", "a target for %d cannot come before the baseline of indicator %s (%s): set targets for %d or later",
			year, ind.Code, base, base.Year())
	}
	return nil
}

// baselineBeforeTargets refuses a baseline date in a year after one of the
// indicator's existing targets.
func baselineBeforeTargets(ctx context.Context, m *gen.IndicatorMutation) error {
	on, ok := m.BaselineOn()
	if !ok || m.Op().Is(ent.OpCreate) {
		return nil // a new indicator has no targets yet
	}
	ids, err := m.IDs(ctx)
	if err != nil {
		return fmt.Errorf("target after baseline: indicators updated: %w", err)
	}
	early, err := m.Client().IndicatorTarget.Query().
		Where(indicatortarget.IndicatorIDIn(ids...), indicatortarget.YearLT(on.Year())).
		Order(indicatortarget.ByYear(), indicatortarget.ByID()).
		First(ctx)
	if gen.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("target after baseline: targets: %w", err)
	}
	return apperr.BadInput("baselineOn", "the baseline (%s) cannot come after the indicator's target for %d: change or remove that target first",
		on, early.Year)
}
