package graph

// The STEM barometer: the logic behind graph/barometer.graphqls.
//
// Arithmetic is exact: baselines, targets and observations are
// decimal.Decimal read from NUMERIC (PostgreSQL) or text (SQLite), and no
// value passes through a float.
//
//   - progress = (V − B) / (T − B), with B the baseline value, V the latest
//     observation's value and T the next decided target's value. It is
//     rounded to 4 decimal places, half away from zero (shopspring's
//     DivRound: the rounding is decided on the exact remainder, so there is
//     no double rounding). The same formula serves both directions: for a
//     LOWER_IS_BETTER indicator T − B is negative, and so is V − B when the
//     value falls, so the quotient is positive when the indicator moves the
//     right way (B 20, T 10, V 15 → 0.5) and negative when it moves the
//     wrong way (V 25 → −0.5), as for HIGHER_IS_BETTER.
//   - onTrack compares V with the straight line from (baseline date, B) to
//     (31 December of the target's year, T) at the latest observation's
//     date (the end of its period): E = B + (T − B) × d / D, d the days from
//     the baseline date to the observation (0 before it, D after the
//     target's year: the line stands at its ends), D the days to the target. It is
//     decided without dividing: V ≥ E ⇔ (V − B) × D ≥ (T − B) × d (D > 0)
//     when the target lies above the baseline (T > B), and V ≤ E when it
//     lies below. Like progress it follows the sign of T − B, not the
//     indicator's direction: a target set against the direction (B 20,
//     T 10 for HIGHER_IS_BETTER) is still the goal the line leads to, and
//     onTrack agrees with progress (progress 0.8 at a point where the line
//     is at 0.31 is on track). Null when progress is, when the
//     baseline has no date, or when the target's year ends on or before the
//     baseline date (D ≤ 0: there is no line).
//   - asOf only chooses the target (the first one of asOf's year or later);
//     V is always the latest observation, as the contract defines it.
//
// Cost: an indicator's targets, latest observation and observations are
// each read in one statement for all the indicators of the list being
// resolved (a connection's page, an initiative's indicators, nodes), not
// one per indicator: the first resolver of a list loads for every sibling
// (indicatorBatchFor), the others wait for it. So a page of indicators
// asking for latestObservation, nextTarget, progress, onTrack and series
// costs at most three statements more than the page itself, whatever its
// size. A single indicator (a mutation's result, node(id)) costs one
// statement per kind of fact it asks for.

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"weak"

	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/indicatortarget"
	"github.com/pactreg/pactreg/ent/observation"
	"github.com/pactreg/pactreg/graph/generated"
)

// progressPlaces is the number of decimal places of progress.
const progressPlaces = 4

// parsePeriod reads a period as written (dates.ParseFuzzy's forms).
func parsePeriod(period string) (dates.Fuzzy, error) {
	f, err := dates.ParseFuzzy(period)
	if err != nil {
		return f, apperr.BadInput("period", "%s", err.Error())
	}
	return f, nil
}

// indicatorFacts are what the barometer's fields of one indicator need.
type indicatorFacts struct {
	ind     *ent.Indicator
	targets []*ent.IndicatorTarget // by year
	latest  *ent.Observation       // nil without observations
}

// nextTarget is the first of targets (by year) in year or later, decided
// (with a value) if decided, else any; nil if there is none.
func nextTarget(targets []*ent.IndicatorTarget, year int, decided bool) *ent.IndicatorTarget {
	for _, t := range targets {
		if t.Year >= year && (!decided || t.Value != nil) {
			return t
		}
	}
	return nil
}

// progress is (V − B) / (T − B) for the next decided target from year, or
// nil (see the top of the file).
func (f indicatorFacts) progress(year int) *decimal.Decimal {
	b, v, t, ok := f.line(year)
	if !ok {
		return nil
	}
	p := trimZeros(v.Sub(b).DivRound(t.Value.Sub(b), progressPlaces))
	return &p
}

// line returns the baseline value, the latest value and the next decided
// target from year, if all exist and the target differs from the baseline.
func (f indicatorFacts) line(year int) (b, v decimal.Decimal, t *ent.IndicatorTarget, ok bool) {
	t = nextTarget(f.targets, year, true)
	if f.ind.BaselineValue == nil || f.latest == nil || t == nil || t.Value.Equal(*f.ind.BaselineValue) {
		return b, v, nil, false
	}
	return *f.ind.BaselineValue, f.latest.Value, t, true
}

// onTrack says whether the latest value is at or beyond the straight line
// from the baseline to the next decided target, or nil (see the top of the
// file).
func (f indicatorFacts) onTrack(year int) *bool {
	b, v, t, ok := f.line(year)
	if !ok || f.ind.BaselineOn == nil {
		return nil
	}
	start := *f.ind.BaselineOn
	total := daysBetween(start, dates.Of(t.Year, 12, 31))
	if total <= 0 {
		return nil
	}
	// The line runs from the baseline date to the target's; before and
	// after those days it stands at its ends (B, T), so that onTrack
	// agrees with progress there too (past the target, progress ≥ 1 is on
	// track).
	elapsed := min(max(daysBetween(start, f.latest.PeriodLatest), 0), total)
	// V ≥ B + (T − B) × elapsed / total, multiplied out by total > 0.
	c := v.Sub(b).Mul(decimal.NewFromInt(total)).Cmp(t.Value.Sub(b).Mul(decimal.NewFromInt(elapsed)))
	// "Beyond" is towards the target, as progress counts it: the sign of
	// T − B decides (T ≠ B here), not the indicator's direction, which a
	// target set against it would contradict.
	on := c >= 0
	if t.Value.LessThan(b) {
		on = c <= 0
	}
	return &on
}

// daysBetween is the number of days from a to b (negative if b is before a).
func daysBetween(a, b dates.Date) int64 {
	const day = 24 * 60 * 60 // dates are midnight UTC: whole days, no DST
	return (b.Time().Unix() - a.Time().Unix()) / day
}

// seriesKindOrder orders points of one date: baseline, observations, targets.
var seriesKindOrder = map[generated.SeriesKind]int{
	generated.SeriesKindBaseline: 0, generated.SeriesKindObservation: 1, generated.SeriesKindTarget: 2,
}

// series is the indicator's baseline, observations and targets in date
// order (targets at 31 December of their year); on one date the baseline
// comes first and targets last.
func series(ind *ent.Indicator, obs []*ent.Observation, targets []*ent.IndicatorTarget) []*generated.SeriesPoint {
	points := make([]*generated.SeriesPoint, 0, 1+len(obs)+len(targets))
	if ind.BaselineOn != nil {
		points = append(points, &generated.SeriesPoint{Kind: generated.SeriesKindBaseline, Date: *ind.BaselineOn, Value: ind.BaselineValue})
	}
	for _, o := range obs {
		points = append(points, &generated.SeriesPoint{Kind: generated.SeriesKindObservation, Date: o.PeriodLatest, Value: &o.Value})
	}
	for _, t := range targets {
		points = append(points, &generated.SeriesPoint{Kind: generated.SeriesKindTarget, Date: dates.Of(t.Year, 12, 31), Value: t.Value})
	}
	slices.SortStableFunc(points, func(a, b *generated.SeriesPoint) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(seriesKindOrder[a.Kind], seriesKindOrder[b.Kind]))
	})
	return points
}

// indicatorBatch loads facts for a list of indicators at once: each part
// in one statement, the first time any indicator of the list asks.
type indicatorBatch struct {
	client       *ent.Client
	ids          []int
	targets      batchPart[[]*ent.IndicatorTarget]
	latest       batchPart[*ent.Observation]
	observations batchPart[[]*ent.Observation]
}

// batchPart is one kind of fact, loaded once for the batch's indicators.
type batchPart[T any] struct {
	once sync.Once
	byID map[int]T
	err  error
}

func (p *batchPart[T]) of(id int, load func() (map[int]T, error)) (T, error) {
	p.once.Do(func() { p.byID, p.err = load() })
	return p.byID[id], p.err
}

// targetsOf returns the indicator's targets by year.
func (b *indicatorBatch) targetsOf(ctx context.Context, id int) ([]*ent.IndicatorTarget, error) {
	return b.targets.of(id, func() (map[int][]*ent.IndicatorTarget, error) {
		ts, err := b.client.IndicatorTarget.Query().Where(indicatortarget.IndicatorIDIn(b.ids...)).
			Order(indicatortarget.ByYear(), indicatortarget.ByID()).All(ctx)
		return groupBy(ts, func(t *ent.IndicatorTarget) int { return t.IndicatorID }), err
	})
}

// observationsOf returns the indicator's observations by the end of their period.
func (b *indicatorBatch) observationsOf(ctx context.Context, id int) ([]*ent.Observation, error) {
	return b.observations.of(id, func() (map[int][]*ent.Observation, error) {
		obs, err := b.client.Observation.Query().Where(observation.IndicatorIDIn(b.ids...)).
			Order(observation.ByPeriodLatest(), observation.ByID()).All(ctx)
		return groupBy(obs, func(o *ent.Observation) int { return o.IndicatorID }), err
	})
}

// latestOf returns the indicator's observation whose period ends last (of
// two ending the same day, the later recorded), or nil.
func (b *indicatorBatch) latestOf(ctx context.Context, id int) (*ent.Observation, error) {
	return b.latest.of(id, func() (map[int]*ent.Observation, error) {
		obs, err := b.client.Observation.Query().
			Where(observation.IndicatorIDIn(b.ids...), noLaterObservation).All(ctx)
		byID := make(map[int]*ent.Observation, len(obs))
		for _, o := range obs {
			byID[o.IndicatorID] = o
		}
		return byID, err
	})
}

// noLaterObservation keeps the observations that no observation of the
// same indicator follows (by period end, then id).
func noLaterObservation(s *sql.Selector) {
	d := sql.Dialect(s.Dialect())
	later := d.Table(observation.Table).As("later")
	s.Where(sql.NotExists(d.Select(later.C(observation.FieldID)).From(later).Where(sql.And(
		sql.ColumnsEQ(later.C(observation.FieldIndicatorID), s.C(observation.FieldIndicatorID)),
		sql.Or(
			sql.ColumnsGT(later.C(observation.FieldPeriodLatest), s.C(observation.FieldPeriodLatest)),
			sql.And(
				sql.ColumnsEQ(later.C(observation.FieldPeriodLatest), s.C(observation.FieldPeriodLatest)),
				sql.ColumnsGT(later.C(observation.FieldID), s.C(observation.FieldID)),
			),
		),
	))))
}

// factsOf returns what progress and onTrack need.
func (b *indicatorBatch) factsOf(ctx context.Context, ind *ent.Indicator) (indicatorFacts, error) {
	f := indicatorFacts{ind: ind}
	var err error
	if f.targets, err = b.targetsOf(ctx, ind.ID); err != nil {
		return f, err
	}
	f.latest, err = b.latestOf(ctx, ind.ID)
	return f, err
}

// groupBy groups s by key, keeping its order.
func groupBy[T any](s []T, key func(T) int) map[int][]T {
	m := make(map[int][]T)
	for _, v := range s {
		m[key(v)] = append(m[key(v)], v)
	}
	return m
}

// indicatorBatches maps the field context of a list of indicators being
// resolved to its batch. The key is weak: the entry goes when the request
// is done with the list and its field context is collected.
var indicatorBatches sync.Map // weak.Pointer[graphql.FieldContext] → *indicatorBatch

// indicatorBatchFor returns the batch that loads obj's facts: shared with
// the other indicators of the list obj is resolved in, if any.
func (r *Resolver) indicatorBatchFor(ctx context.Context, obj *ent.Indicator) *indicatorBatch {
	list, ids := indicatorSiblings(ctx, obj.ID)
	if list == nil {
		return &indicatorBatch{client: r.reader(ctx), ids: []int{obj.ID}}
	}
	key := weak.Make(list)
	if b, ok := indicatorBatches.Load(key); ok {
		return b.(*indicatorBatch)
	}
	b, loaded := indicatorBatches.LoadOrStore(key, &indicatorBatch{client: r.reader(ctx), ids: ids})
	if !loaded {
		runtime.AddCleanup(list, func(k weak.Pointer[graphql.FieldContext]) { indicatorBatches.Delete(k) }, key)
	}
	return b.(*indicatorBatch)
}

// maxSiblingDepth is how far above an indicator's field the list holding
// it may be: Indicator field → node → edge → edges.
const maxSiblingDepth = 4

// indicatorSiblings finds the list that the indicator id is resolved in (a
// connection's edges, a list of indicators or nodes) above the current
// field, and the ids of all the indicators in it.
func indicatorSiblings(ctx context.Context, id int) (*graphql.FieldContext, []int) {
	fc := graphql.GetFieldContext(ctx)
	for depth := 0; fc != nil && depth <= maxSiblingDepth; fc, depth = fc.Parent, depth+1 {
		var ids []int
		switch list := fc.Result.(type) {
		case []*ent.Indicator:
			for _, ind := range list {
				ids = append(ids, ind.ID)
			}
		case []*ent.IndicatorEdge:
			for _, e := range list {
				if e != nil && e.Node != nil {
					ids = append(ids, e.Node.ID)
				}
			}
		case []ent.Noder:
			for _, n := range list {
				if ind, ok := n.(*ent.Indicator); ok {
					ids = append(ids, ind.ID)
				}
			}
		default:
			continue
		}
		if !slices.Contains(ids, id) {
			return nil, nil
		}
		return fc, ids
	}
	return nil, nil
}

// trimZeros drops the trailing zeros a computed ratio gets from its fixed
// rounding (0.5000 → 0.5); stored amounts keep their scale.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	s := d.String()
	if !strings.Contains(s, ".") {
		return d
	}
	return decimal.RequireFromString(strings.TrimSuffix(strings.TrimRight(s, "0"), "."))
}
