package graph_test

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/indicatortarget"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

const (
	createIndicatorQ = `mutation($in: CreateIndicatorInput!) { createIndicator(input: $in) { id version code baselineValue baselineOn direction } }`
	createTargetQ    = `mutation($in: CreateIndicatorTargetInput!) { createIndicatorTarget(input: $in) { id version year value } }`
	createObsQ       = `mutation($in: CreateObservationInput!, $p: String!, $t: String) { createObservation(input: $in, period: $p, periodText: $t) { id value indicatorID } }`
	updateIndicatorQ = `mutation($id: ID!, $v: Int!, $in: UpdateIndicatorInput!) { updateIndicator(id: $id, expectedVersion: $v, input: $in) { id version baselineOn } }`
	updateTargetQ    = `mutation($id: ID!, $v: Int!, $in: UpdateIndicatorTargetInput!) { updateIndicatorTarget(id: $id, expectedVersion: $v, input: $in) { id version year value } }`
)

// barometer is the API with helpers to build indicators.
type barometer struct{ *api }

func (b barometer) indicator(code, direction, baseline, on string) string {
	b.t.Helper()
	in := map[string]any{"code": code, "name": "Indikator " + code, "unit": "PERCENT", "direction": direction}
	if baseline != "" {
		in["baselineValue"] = baseline
	}
	if on != "" {
		in["baselineOn"] = on
	}
	var out struct{ CreateIndicator struct{ ID string } }
	b.do(createIndicatorQ, &out, "in", in)
	return out.CreateIndicator.ID
}

type baroTarget struct {
	ID      string
	Version int
	Year    int
	Value   *string
}

func (b barometer) target(ind string, year int, value string) baroTarget {
	b.t.Helper()
	in := map[string]any{"indicatorID": ind, "year": year}
	if value != "" {
		in["value"] = value
	}
	var out struct{ CreateIndicatorTarget baroTarget }
	b.do(createTargetQ, &out, "in", in)
	return out.CreateIndicatorTarget
}

func (b barometer) observe(ind, period, value string) string {
	b.t.Helper()
	var out struct{ CreateObservation struct{ ID, Value string } }
	b.do(createObsQ, &out, "in", map[string]any{"indicatorID": ind, "value": value}, "p", period)
	if out.CreateObservation.Value != value && decimal.RequireFromString(value).String() != out.CreateObservation.Value {
		b.t.Fatalf("observation %s stored as %s", value, out.CreateObservation.Value)
	}
	return out.CreateObservation.ID
}

// stem is the seed's example indicator: the share of the workforce with a
// STEM education, 20.5 % at the end of 2017, with a target of 25 % for 2025.
func (b barometer) stem() (string, baroTarget) {
	b.t.Helper()
	id := b.indicator("STEM-1", "HIGHER_IS_BETTER", "20.5", "2017-12-31")
	return id, b.target(id, 2025, "25")
}

// baroCounts are the rows of the barometer's tables.
type baroCounts struct{ Indicators, Targets, Observations int }

func countBarometer(t *testing.T, c *ent.Client) baroCounts {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	var n baroCounts
	var err error
	if n.Indicators, err = c.Indicator.Query().Count(ctx); err == nil {
		if n.Targets, err = c.IndicatorTarget.Query().Count(ctx); err == nil {
			n.Observations, err = c.Observation.Query().Count(ctx)
		}
	}
	if err != nil {
		t.Fatalf("count barometer: %v", err)
	}
	return n
}

// refuseBarometer asserts the error (code, field, plain message) and that
// nothing was written: neither the registry's tables nor the barometer's.
func (b barometer) refuse(query, code, field string, kv ...any) gqlError {
	b.t.Helper()
	before := countBarometer(b.t, b.db.Client)
	e := b.api.refuse(query, code, field, kv...)
	if after := countBarometer(b.t, b.db.Client); after != before {
		b.t.Fatalf("a refused write changed the barometer: before %+v, after %+v", before, after)
	}
	return e
}

const baroFactsQuery = `query($id: ID!, $asOf: Date) { node(id: $id) { ... on Indicator {
  code
  latestObservation { id value }
  nextTarget(asOf: $asOf) { year value }
  progress(asOf: $asOf)
  onTrack(asOf: $asOf)
  series { kind date value }
} } }`

type baroPoint struct {
	Kind, Date string
	Value      *string
}

type baroFacts struct {
	Code              string
	LatestObservation *struct{ ID, Value string }
	NextTarget        *struct {
		Year  int
		Value *string
	}
	Progress *string
	OnTrack  *bool
	Series   []baroPoint
}

func (b barometer) facts(id, asOf string) baroFacts {
	b.t.Helper()
	var out struct{ Node baroFacts }
	kv := []any{"id", id}
	if asOf != "" {
		kv = append(kv, "asOf", asOf)
	}
	b.do(baroFactsQuery, &out, kv...)
	return out.Node
}

func baroStr(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

func baroBool(p *bool) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func TestBarometer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := barometer{newAPI(t, db)}
		// A target for 2025 and one for 2030 whose value the council sets
		// later ("x %").
		stem, t2025 := b.stem()
		b.target(stem, 2030, "")
		b.observe(stem, "2018", "21.0")
		latest := b.observe(stem, "2020-Q2", "22.5") // ends 2020-06-30
		b.observe(stem, "2019-W10", "21.5")          // ends 2019-03-10: recorded last, not latest

		t.Run("latestObservation", func(t *testing.T) {
			f := barometer{b.on(t)}.facts(stem, "2024-06-01")
			if f.LatestObservation == nil || f.LatestObservation.ID != latest || f.LatestObservation.Value != "22.5" {
				t.Errorf("latestObservation = %+v, want %s (2020-Q2, 22.5)", f.LatestObservation, latest)
			}
		})
		t.Run("nextTarget", func(t *testing.T) {
			for _, c := range []struct {
				asOf  string
				year  int
				value string
			}{
				{"2018-06-01", 2025, "25"},
				{"2025-12-31", 2025, "25"},
				{"2026-01-01", 2030, "null"}, // undecided, still the next target
				{"2031-01-01", 0, ""},
			} {
				f := barometer{b.on(t)}.facts(stem, c.asOf)
				switch {
				case c.year == 0 && f.NextTarget != nil:
					t.Errorf("asOf %s: nextTarget = %+v, want null", c.asOf, f.NextTarget)
				case c.year != 0 && (f.NextTarget == nil || f.NextTarget.Year != c.year || baroStr(f.NextTarget.Value) != c.value):
					t.Errorf("asOf %s: nextTarget = %+v, want %d (%s)", c.asOf, f.NextTarget, c.year, c.value)
				}
			}
		})
		t.Run("progress and onTrack", func(t *testing.T) {
			// (22.5 − 20.5) / (25 − 20.5) = 0.4444…; the line from 20.5 on
			// 2017-12-31 to 25 on 2025-12-31 stands at 20.5 + 4.5 × 912/2922
			// ≈ 21.90 on 2020-06-30, below 22.5.
			f := barometer{b.on(t)}.facts(stem, "2024-06-01")
			if baroStr(f.Progress) != "0.4444" || baroBool(f.OnTrack) != "true" {
				t.Errorf("progress %s onTrack %s, want 0.4444 true", baroStr(f.Progress), baroBool(f.OnTrack))
			}
			// After 2025 the next target (2030) is undecided: no progress.
			f = barometer{b.on(t)}.facts(stem, "2026-01-01")
			if f.Progress != nil || f.OnTrack != nil {
				t.Errorf("after the last decided target: progress %s onTrack %s, want null null", baroStr(f.Progress), baroBool(f.OnTrack))
			}
		})
		t.Run("series", func(t *testing.T) {
			f := barometer{b.on(t)}.facts(stem, "")
			want := []string{
				"BASELINE 2017-12-31 20.5", "OBSERVATION 2018-12-31 21.0", "OBSERVATION 2019-03-10 21.5",
				"OBSERVATION 2020-06-30 22.5", "TARGET 2025-12-31 25", "TARGET 2030-12-31 null",
			}
			if len(f.Series) != len(want) {
				t.Fatalf("series = %+v, want %v", f.Series, want)
			}
			for i, p := range f.Series {
				if got := p.Kind + " " + p.Date + " " + baroStr(p.Value); got != want[i] {
					t.Errorf("series[%d] = %s, want %s", i, got, want[i])
				}
			}
		})
		t.Run("direction and track", func(t *testing.T) {
			b := barometer{b.on(t)}
			for _, c := range []struct {
				direction, baseline, target, value string
				progress, onTrack                  string
				period                             string // of the observation: 2020-Q2 when empty
			}{
				// E = 20.5 + 4.5 × 912/2922 ≈ 21.9045
				{"HIGHER_IS_BETTER", "20.5", "25", "21.5", "0.2222", "false", ""},
				{"HIGHER_IS_BETTER", "20.5", "25", "19.5", "-0.2222", "false", ""},
				// E = 30 − 10 × 912/2922 ≈ 26.879
				{"LOWER_IS_BETTER", "30", "20", "26", "0.4", "true", ""},
				{"LOWER_IS_BETTER", "30", "20", "28", "0.2", "false", ""},
				{"LOWER_IS_BETTER", "30", "20", "32", "-0.2", "false", ""},
				{"LOWER_IS_BETTER", "30", "20", "15", "1.5", "true", ""},
				// A target against the direction (baseline 20, target 10 for
				// HIGHER_IS_BETTER) is still the goal: onTrack follows T − B
				// as progress does (the line stands at 912/2922 ≈ 0.312 of
				// the way); it followed the direction field, so progress 0.8
				// read as not on track.
				{"HIGHER_IS_BETTER", "20", "10", "12", "0.8", "true", ""},
				{"HIGHER_IS_BETTER", "20", "10", "25", "-0.5", "false", ""},
				{"LOWER_IS_BETTER", "10", "20", "18", "0.8", "true", ""},
				{"LOWER_IS_BETTER", "10", "20", "5", "-0.5", "false", ""},
				{"HIGHER_IS_BETTER", "10", "20", "18", "0.8", "true", ""},
				{"HIGHER_IS_BETTER", "10", "20", "11", "0.1", "false", ""},
				{"LOWER_IS_BETTER", "20", "10", "12", "0.8", "true", ""},
				{"LOWER_IS_BETTER", "20", "10", "19", "0.1", "false", ""},
				// Outside the line's days (before the baseline date, after
				// the target's year) the line stands at its end: onTrack
				// agrees with progress. It was extended past both ends, so
				// an observation of 2026 past the 2025 target was not on
				// track, and one of 2016 below the baseline was.
				{"HIGHER_IS_BETTER", "20.5", "25", "20", "-0.1111", "false", "2016"},
				{"HIGHER_IS_BETTER", "20.5", "25", "25.3", "1.0667", "true", "2026"},
				{"LOWER_IS_BETTER", "30", "20", "19", "1.1", "true", "2027"},
			} {
				id := b.indicator(fmt.Sprintf("D-%s-%s-%s", c.direction, c.baseline, c.value), c.direction, c.baseline, "2017-12-31")
				b.target(id, 2025, c.target)
				b.observe(id, cmp.Or(c.period, "2020-Q2"), c.value)
				f := b.facts(id, "2024-06-01")
				if baroStr(f.Progress) != c.progress || baroBool(f.OnTrack) != c.onTrack {
					t.Errorf("%s %s→%s at %s: progress %s onTrack %s, want %s %s",
						c.direction, c.baseline, c.target, c.value, baroStr(f.Progress), baroBool(f.OnTrack), c.progress, c.onTrack)
				}
			}
		})
		t.Run("missing parts", func(t *testing.T) {
			b := barometer{b.on(t)}
			// No baseline date: progress, but no line to be on.
			noDate := b.indicator("NO-DATE", "HIGHER_IS_BETTER", "10", "")
			b.target(noDate, 2025, "20")
			b.observe(noDate, "2020", "15")
			if f := b.facts(noDate, "2024-01-01"); baroStr(f.Progress) != "0.5" || f.OnTrack != nil || len(f.Series) != 2 {
				t.Errorf("no baseline date: progress %s onTrack %s series %+v, want 0.5 null (observation, target)",
					baroStr(f.Progress), baroBool(f.OnTrack), f.Series)
			}
			// Target equal to the baseline: no distance to cover.
			flat := b.indicator("FLAT", "HIGHER_IS_BETTER", "10", "2018-01-01")
			b.target(flat, 2025, "10.00")
			b.observe(flat, "2020", "15")
			if f := b.facts(flat, "2024-01-01"); f.Progress != nil || f.OnTrack != nil {
				t.Errorf("target = baseline: progress %s onTrack %s, want null", baroStr(f.Progress), baroBool(f.OnTrack))
			}
			// No observation.
			empty := b.indicator("EMPTY", "HIGHER_IS_BETTER", "10", "2018-01-01")
			b.target(empty, 2025, "20")
			if f := b.facts(empty, "2024-01-01"); f.LatestObservation != nil || f.Progress != nil || f.OnTrack != nil {
				t.Errorf("no observation: %+v", f)
			}
		})
		t.Run("updates", func(t *testing.T) {
			b := barometer{b.on(t)}
			var out struct{ UpdateIndicatorTarget baroTarget }
			b.do(updateTargetQ, &out, "id", t2025.ID, "v", t2025.Version, "in", map[string]any{"value": "26"})
			if out.UpdateIndicatorTarget.Version != t2025.Version+1 || baroStr(out.UpdateIndicatorTarget.Value) != "26" {
				t.Errorf("updated target = %+v", out.UpdateIndicatorTarget)
			}
			b.fails(updateTargetQ, "CONFLICT", "expectedVersion", "id", t2025.ID, "v", t2025.Version, "in", map[string]any{"value": "27"})
			// A baseline later in its year still fits a target of that year.
			id := b.indicator("MOVE", "HIGHER_IS_BETTER", "1", "2018-01-01")
			b.target(id, 2020, "2")
			var upd struct{ UpdateIndicator struct{ Version int } }
			b.do(updateIndicatorQ, &upd, "id", id, "v", 1, "in", map[string]any{"baselineOn": "2020-12-31"})
			if upd.UpdateIndicator.Version != 2 {
				t.Errorf("version after update = %d, want 2", upd.UpdateIndicator.Version)
			}
		})
	})
}

// TestBarometerIsExact: decimals never pass through a float.
func TestBarometerIsExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := barometer{newAPI(t, db)}
		// In float64, (0.2 − 0.1) / (0.3 − 0.1) is 0.49999999999999994.
		id := b.indicator("EXACT", "HIGHER_IS_BETTER", "0.1", "2018-01-01")
		b.target(id, 2019, "0.3")
		b.observe(id, "2018-06", "0.1")
		b.observe(id, "2018-12", "0.2")
		f := b.facts(id, "2018-06-01")
		if baroStr(f.Progress) != "0.5" || f.LatestObservation == nil || f.LatestObservation.Value != "0.2" {
			t.Errorf("progress %s latest %+v, want exactly 0.5 and 0.2", baroStr(f.Progress), f.LatestObservation)
		}
		// Money to the øre: 617283.945 / 1234567.89 is exactly one half.
		in := map[string]any{"code": "DKK", "name": "Uddannelsespuljen", "unit": "DKK", "baselineValue": "1234567.89", "baselineOn": "2018-01-01"}
		var out struct {
			CreateIndicator struct{ ID, BaselineValue string }
		}
		b.do(createIndicatorQ, &out, "in", in)
		dkk := out.CreateIndicator.ID
		if out.CreateIndicator.BaselineValue != "1234567.89" {
			t.Errorf("baseline stored as %s", out.CreateIndicator.BaselineValue)
		}
		if got := b.target(dkk, 2030, "2469135.78"); baroStr(got.Value) != "2469135.78" {
			t.Errorf("target stored as %s", baroStr(got.Value))
		}
		b.observe(dkk, "2024", "1851851.835")
		f = b.facts(dkk, "2025-01-01")
		if baroStr(f.Progress) != "0.5" || f.LatestObservation.Value != "1851851.835" {
			t.Errorf("progress %s latest %s, want 0.5 and 1851851.835", baroStr(f.Progress), f.LatestObservation.Value)
		}
		var read struct {
			Node struct {
				BaselineValue string
				Series        []baroPoint
			}
		}
		b.do(`query($id: ID!) { node(id: $id) { ... on Indicator { baselineValue series { value } } } }`, &read, "id", dkk)
		if read.Node.BaselineValue != "1234567.89" || len(read.Node.Series) != 3 ||
			baroStr(read.Node.Series[0].Value) != "1234567.89" || baroStr(read.Node.Series[2].Value) != "2469135.78" {
			t.Errorf("read back: %+v", read.Node)
		}
		// Stored as written, not as a float (read with the ent client).
		ctx := authz.SystemContext(context.Background())
		o, err := db.Client.Observation.Query().Order(ent.Desc("id")).First(ctx)
		if err != nil || !o.Value.Equal(decimal.RequireFromString("1851851.835")) {
			t.Errorf("stored observation %v: %v", o, err)
		}
	})
}

func TestBarometerRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := barometer{newAPI(t, db)}
		stem, t2025 := b.stem()

		t.Run("target before the baseline", func(t *testing.T) {
			b := barometer{b.on(t)}
			b.refuse(createTargetQ, "BAD_USER_INPUT", "year", "in", map[string]any{"indicatorID": stem, "year": 2016, "value": "20"})
			b.refuse(updateTargetQ, "BAD_USER_INPUT", "year", "id", t2025.ID, "v", t2025.Version, "in", map[string]any{"year": 2015})
			// The baseline year itself is fine.
			b.target(stem, 2017, "")
		})
		t.Run("baseline after a target", func(t *testing.T) {
			b := barometer{b.on(t)}
			e := b.refuse(updateIndicatorQ, "BAD_USER_INPUT", "baselineOn", "id", stem, "v", 1, "in", map[string]any{"baselineOn": "2018-01-01"})
			if want := "2017"; !strings.Contains(e.Message, want) {
				t.Errorf("message does not name the target's year: %s", e.Message)
			}
			f := b.facts(stem, "2020-01-01")
			if f.Series[0].Date != "2017-12-31" {
				t.Errorf("baseline moved: %+v", f.Series[0])
			}
		})
		t.Run("unknown indicator", func(t *testing.T) {
			barometer{b.on(t)}.refuse(createObsQ, "NOT_FOUND", "indicatorID", "in", map[string]any{"indicatorID": 999999, "value": "1"}, "p", "2018")
			barometer{b.on(t)}.refuse(createTargetQ, "NOT_FOUND", "indicatorID", "in", map[string]any{"indicatorID": 999999, "year": 2030})
		})
		t.Run("invalid periods", func(t *testing.T) {
			for _, p := range []string{"2018-W54", "2018-13", "2018-02-30", "2018-Q5", "uge 50 i 2017", ""} {
				barometer{b.on(t)}.refuse(createObsQ, "BAD_USER_INPUT", "period", "in", map[string]any{"indicatorID": stem, "value": "1"}, "p", p)
			}
		})
		t.Run("not a number", func(t *testing.T) {
			for _, v := range []string{"12,5", "1e3", "x %", ""} {
				barometer{b.on(t)}.refuse(createObsQ, "BAD_USER_INPUT", "value", "in", map[string]any{"indicatorID": stem, "value": v}, "p", "2018")
				barometer{b.on(t)}.refuse(createTargetQ, "BAD_USER_INPUT", "value", "in", map[string]any{"indicatorID": stem, "year": 2030, "value": v})
			}
		})
		t.Run("duplicate code", func(t *testing.T) {
			barometer{b.on(t)}.refuse(createIndicatorQ, "CONFLICT", "code", "in",
				map[string]any{"code": "STEM-1", "name": "Igen", "unit": "PERCENT"})
		})
		t.Run("period text too long", func(t *testing.T) {
			long := make([]byte, 201)
			for i := range long {
				long[i] = 'x'
			}
			barometer{b.on(t)}.refuse(createObsQ, "BAD_USER_INPUT", "periodText", "in", map[string]any{"indicatorID": stem, "value": "1"},
				"p", "2018", "t", string(long))
		})
	})
}

// TestBarometerAccess: everyone reads the barometer; only editors write.
func TestBarometerAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := barometer{newAPI(t, db)}
		stem, _ := b.stem()
		b.observe(stem, "2020-Q2", "22.5")
		for _, role := range []authz.Role{authz.Anonymous, authz.Reader} {
			c := barometer{b.as(role)}
			var out struct {
				Indicators struct {
					Edges []struct{ Node baroFacts }
				}
			}
			c.do(`{ indicators(first: 10) { edges { node { code latestObservation { value } progress(asOf: "2024-01-01") onTrack(asOf: "2024-01-01") series { kind } } } } }`, &out)
			if len(out.Indicators.Edges) != 1 || baroStr(out.Indicators.Edges[0].Node.Progress) != "0.4444" {
				t.Errorf("%s reads %+v", role, out)
			}
			c.refuse(createIndicatorQ, "FORBIDDEN", "", "in", map[string]any{"code": "X", "name": "X", "unit": "COUNT"})
			c.refuse(createTargetQ, "FORBIDDEN", "", "in", map[string]any{"indicatorID": stem, "year": 2030})
			c.refuse(createObsQ, "FORBIDDEN", "", "in", map[string]any{"indicatorID": stem, "value": "1"}, "p", "2021")
			c.refuse(updateIndicatorQ, "FORBIDDEN", "", "id", stem, "v", 1, "in", map[string]any{"name": "X"})
		}
		// An editor writes.
		barometer{b.as(authz.Editor)}.observe(stem, "2021", "23")
	})
}

const updateObsQ = `mutation($id: ID!, $v: Int!, $in: UpdateObservationInput!, $p: String) {
  updateObservation(id: $id, expectedVersion: $v, input: $in, period: $p) { id value version period { text earliest latest } } }`

// TestObservationCorrected: an observation entered with the wrong period
// or value is corrected in place (it could not be: the latest observation
// drove progress for good), at the version read, by editors only.
func TestObservationCorrected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := barometer{newAPI(t, db)}
		stem, _ := b.stem()
		b.observe(stem, "2020-Q2", "22.5")
		wrong := b.observe(stem, "2030", "23")
		if f := b.facts(stem, "2024-01-01"); f.LatestObservation == nil || f.LatestObservation.ID != wrong {
			t.Fatalf("latest before: %+v", f.LatestObservation)
		}
		for _, role := range []authz.Role{authz.Anonymous, authz.Reader} {
			barometer{b.as(role)}.refuse(updateObsQ, "FORBIDDEN", "", "id", wrong, "v", 1, "in", map[string]any{"value": "1"}, "p", "2020")
		}
		b.refuse(updateObsQ, "BAD_USER_INPUT", "period", "id", wrong, "v", 1, "in", map[string]any{}, "p", "2020-13")
		var out struct {
			UpdateObservation struct {
				Value   string
				Version int
				Period  struct{ Text, Earliest, Latest string }
			}
		}
		b.do(updateObsQ, &out, "id", wrong, "v", 1, "in", map[string]any{"value": "21.75"}, "p", "2020")
		if o := out.UpdateObservation; o.Value != "21.75" || o.Version != 2 || o.Period.Latest != "2020-12-31" {
			t.Errorf("corrected: %+v", o)
		}
		// The 2020 year now ends last: it is the latest, and drives progress.
		if f := b.facts(stem, "2024-01-01"); f.LatestObservation == nil || f.LatestObservation.ID != wrong || baroStr(f.Progress) != "0.2778" {
			t.Errorf("after the correction: latest %+v progress %s, want %s 0.2778", f.LatestObservation, baroStr(f.Progress), wrong)
		}
		b.refuse(updateObsQ, "CONFLICT", "expectedVersion", "id", wrong, "v", 1, "in", map[string]any{"value": "1"})
	})
}

// TestBarometerIsNotNPlusOne: the barometer's fields over a page of
// indicators cost the same number of statements for 2 and for 20.
func TestBarometerIsNotNPlusOne(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			var counter storetest.Counter
			db := storetest.Open(t, backend, storetest.Options{Wrap: counter.Wrap})
			a := newAPI(t, db)
			ctx := authz.SystemContext(context.Background())
			n := 0
			grow := func(to int) {
				for ; n < to; n++ {
					ind := db.Client.Indicator.Create().SetCode(fmt.Sprintf("I-%02d", n)).SetName("I").SetUnit("COUNT").
						SetBaselineValue(decimal.NewFromInt(0)).SetBaselineOn(dates.MustParse("2018-01-01")).SaveX(ctx)
					db.Client.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2025).SetValue(decimal.NewFromInt(100)).ExecX(ctx)
					db.Client.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2030).ExecX(ctx)
					for y := 2018; y <= 2020; y++ {
						db.Client.Observation.Create().SetIndicatorID(ind.ID).SetPeriod(dates.MustParseFuzzy(fmt.Sprint(y))).
							SetValue(decimal.NewFromInt(int64(n + y - 2018))).ExecX(ctx)
					}
				}
			}
			statements := func(want int) int {
				var out struct {
					Indicators struct {
						Edges []struct{ Node baroFacts }
					}
				}
				counter.Reset()
				a.do(`{ indicators(first: 100, orderBy: {field: CODE}) { edges { node {
				  code latestObservation { value } nextTarget(asOf: "2024-01-01") { year }
				  progress(asOf: "2024-01-01") onTrack(asOf: "2024-01-01") series { kind value } } } } }`, &out)
				got := counter.N()
				if len(out.Indicators.Edges) != want {
					t.Fatalf("got %d indicators, want %d", len(out.Indicators.Edges), want)
				}
				for i, e := range out.Indicators.Edges {
					// Indicator i observed i, i+1, i+2: the latest is i+2,
					// progress (i+2)/100.
					wantP := strings.TrimSuffix(strings.TrimRight(decimal.NewFromInt(int64(i+2)).Shift(-2).String(), "0"), ".")
					if e.Node.LatestObservation == nil || e.Node.LatestObservation.Value != fmt.Sprint(i+2) ||
						baroStr(e.Node.Progress) != wantP || e.Node.NextTarget == nil || e.Node.NextTarget.Year != 2025 || len(e.Node.Series) != 6 {
						t.Fatalf("indicator %d: %+v", i, e.Node)
					}
				}
				return got
			}
			grow(2)
			small := statements(2)
			grow(20)
			large := statements(20)
			t.Logf("%s: %d statements at 2 indicators, %d at 20", backend, small, large)
			if small != large {
				t.Fatalf("statements grow with data: %d at 2 indicators, %d at 20 (N+1)", small, large)
			}
			if small > 4 {
				t.Errorf("%d statements: expected the page, targets, latest observations and observations", small)
			}
		})
	}
}

// TestTargetAfterBaselineOnEveryPath: the rule is a hook, so writes that
// bypass the API (the demo loader, imports) keep it too.
func TestTargetAfterBaselineOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		ind := c.Indicator.Create().SetCode("STEM-1").SetName("STEM").SetUnit("PERCENT").
			SetBaselineValue(decimal.RequireFromString("20.5")).SetBaselineOn(dates.MustParse("2017-12-31")).SaveX(ctx)
		tgt := c.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2025).SaveX(ctx)
		before := countBarometer(t, c)
		for name, err := range map[string]error{
			"create":      c.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2016).Exec(ctx),
			"update one":  c.IndicatorTarget.UpdateOne(tgt).SetYear(2016).Exec(ctx),
			"bulk update": c.IndicatorTarget.Update().Where(indicatortarget.IndicatorID(ind.ID)).SetYear(2016).Exec(ctx),
		} {
			if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput || e.Field != "year" {
				t.Errorf("%s: err = %v, want BAD_USER_INPUT on year", name, err)
			}
		}
		if after := countBarometer(t, c); after != before {
			t.Errorf("refused writes changed the barometer: %+v → %+v", before, after)
		}
		if got := c.IndicatorTarget.GetX(ctx, tgt.ID); got.Year != 2025 {
			t.Errorf("target moved to %d", got.Year)
		}
	})
}

// TestBaselineAfterTargetOnEveryPath: moving a baseline past a target is
// refused on every path: rules.TargetAfterBaseline is an Indicator hook.
func TestBaselineAfterTargetOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		ind := c.Indicator.Create().SetCode("STEM-1").SetName("STEM").SetUnit("PERCENT").
			SetBaselineOn(dates.MustParse("2017-12-31")).SaveX(ctx)
		c.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2025).ExecX(ctx)
		err := c.Indicator.UpdateOne(ind).SetBaselineOn(dates.MustParse("2026-01-01")).Exec(ctx)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput || e.Field != "baselineOn" {
			t.Errorf("err = %v, want BAD_USER_INPUT on baselineOn", err)
		}
	})
}

// A second target for the same indicator and year is a CONFLICT on "year"
// (the GraphQL input field) on both databases. It was on indicatorId on
// SQLite (the first column of the index) and on
// indicatortargetIndicatorIdYear on PostgreSQL, whose message named the
// index.
func TestBarometerDuplicateTargetYearIsConflictOnYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := barometer{newAPI(t, db)}
		stem, _ := b.stem() // target 2025 = 25
		e := b.refuse(createTargetQ, "CONFLICT", "year", "in", map[string]any{"indicatorID": stem, "year": 2025, "value": "30"})
		if strings.Contains(e.Message, "indicatortarget") || strings.Contains(e.Message, "_") {
			t.Errorf("the message names the index: %s", e.Message)
		}
	})
}
