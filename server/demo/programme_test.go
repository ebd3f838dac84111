package demo

import (
	"context"
	"slices"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/decision"
	"github.com/pactreg/pactreg/ent/fundinground"
	"github.com/pactreg/pactreg/ent/indicator"
	"github.com/pactreg/pactreg/ent/initiative"
	"github.com/pactreg/pactreg/ent/milestone"
	"github.com/pactreg/pactreg/ent/partnership"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// interval is what a date as the seed writes it stands for, worked out by
// hand (not by the dates package).
type interval struct {
	precision        dates.Precision
	earliest, latest string
}

// seedIntervals: every date of the calendar, by the seed's words.
var seedIntervals = map[string]interval{
	"31.10.2017":         {dates.PrecisionDay, "2017-10-31", "2017-10-31"},
	"10.01 2018":         {dates.PrecisionDay, "2018-01-10", "2018-01-10"},
	"uge 50 i 2017":      {dates.PrecisionWeek, "2017-12-11", "2017-12-17"},
	"ultimo marts 2018":  {dates.PrecisionLateMonth, "2018-03-21", "2018-03-31"},
	"ultimo marts":       {dates.PrecisionLateMonth, "2018-03-21", "2018-03-31"},
	"11. april 2018":     {dates.PrecisionDay, "2018-04-11", "2018-04-11"},
	"25. april 2018":     {dates.PrecisionDay, "2018-04-25", "2018-04-25"},
	"maj 2018":           {dates.PrecisionMonth, "2018-05-01", "2018-05-31"},
	"ultimo maj 2018":    {dates.PrecisionLateMonth, "2018-05-21", "2018-05-31"},
	"primo juni 2018":    {dates.PrecisionEarlyMonth, "2018-06-01", "2018-06-10"},
	"15.august 2018":     {dates.PrecisionDay, "2018-08-15", "2018-08-15"},
	"26. september 2018": {dates.PrecisionDay, "2018-09-26", "2018-09-26"},
}

// checkInterval checks a fuzzy date read back from the database, its
// words, and the interval columns the hook filled.
func checkInterval(t *testing.T, what string, f dates.Fuzzy, words string, earliest, latest dates.Date) {
	t.Helper()
	want, ok := seedIntervals[words]
	if !ok {
		t.Errorf("%s: words %q are not among the seed's dates", what, words)
		return
	}
	from, to := dates.MustParse(want.earliest), dates.MustParse(want.latest)
	if f.Precision != want.precision || f.Earliest != from || f.Latest != to {
		t.Errorf("%s: %q is %s %s..%s, want %s %s..%s", what, words, f.Precision, f.Earliest, f.Latest, want.precision, from, to)
	}
	if earliest != from || latest != to {
		t.Errorf("%s: %q stored as %s..%s, want %s..%s", what, words, earliest, latest, from, to)
	}
}

func TestLoadProgramme(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		mustLoad(t, ctx, c, true)

		pact, err := c.Partnership.Query().Where(partnership.Name(regionalPact)).
			WithDerivedFrom().
			WithBodies(func(q *ent.BodyQuery) { q.Order(ent.Asc(body.FieldName)) }).
			WithSignatories(func(q *ent.SignatoryQuery) { q.WithOrganisation() }).
			Only(ctx)
		if err != nil {
			t.Fatalf("regional pact: %v", err)
		}

		t.Run("partnerships", func(t *testing.T) {
			if pact.Kind != partnership.KindTECHNOLOGY_PACT {
				t.Errorf("regional pact kind = %s", pact.Kind)
			}
			if n := pact.Edges.DerivedFrom; n == nil || n.Name != "Teknologipagten" || n.Kind != partnership.KindNATIONAL_PACT {
				t.Errorf("regional pact derives from %v, want the national Teknologipagten", n)
			}
			if pact.Status != partnership.StatusAPPROVED || pact.ApprovedOn == nil || *pact.ApprovedOn != dates.MustParse("2018-04-25") {
				t.Errorf("regional pact %s, approved %v: want APPROVED on 2018-04-25", pact.Status, pact.ApprovedOn)
			}
			// Signed "i maj 2018": no day, so no signed_on.
			if pact.SignedOn != nil {
				t.Errorf("regional pact signed_on = %s: the seed gives no day", pact.SignedOn)
			}
			var bodies []string
			for _, b := range pact.Edges.Bodies {
				bodies = append(bodies, b.Name)
			}
			if want := []string{"Forprojektgruppen", "Rådet for fremtidens kompetencer", "STEM-sekretariatet"}; !slices.Equal(bodies, want) {
				t.Errorf("regional pact bodies %q, want %q", bodies, want)
			}
			if s := pact.Edges.Signatories; len(s) != 1 || s[0].Edges.Organisation.Name != "Region Midtjylland" || s[0].SignedOn != nil {
				t.Errorf("regional pact signatories %v: want Region Midtjylland alone, undated", s)
			}
			n, err := c.Partnership.Query().Where(partnership.KindEQ(partnership.KindGROWTH_PARTNERSHIP_AGREEMENT),
				partnership.Name("Vækstpartnerskabsaftale")).Count(ctx)
			if err != nil || n != 1 {
				t.Errorf("%d growth partnership agreements (%v), want 1", n, err)
			}
		})

		t.Run("decisions", func(t *testing.T) {
			ds, err := c.Decision.Query().WithBody().Order(ent.Asc(decision.FieldDecidedOn)).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				on, body string
				outcome  decision.Outcome
			}{
				{"2017-09-12", "Vækstforum", decision.OutcomeAPPROVED},
				{"2018-03-19", "Vækstforum", decision.OutcomeAPPROVED},
				{"2018-04-11", "Udvalget for Regional Udvikling", decision.OutcomeNOTED},
				{"2018-04-25", "Regionsrådet", decision.OutcomeAPPROVED},
			}
			if len(ds) != len(want) {
				t.Fatalf("%d decisions, want %d", len(ds), len(want))
			}
			for i, d := range ds {
				w := want[i]
				if d.DecidedOn != dates.MustParse(w.on) || d.Edges.Body.Name != w.body || d.Outcome != w.outcome ||
					d.PartnershipID == nil || *d.PartnershipID != pact.ID {
					t.Errorf("decision %d: %s by %q, %s, partnership %v; want %s by %q, %s, the regional pact",
						i, d.DecidedOn, d.Edges.Body.Name, d.Outcome, d.PartnershipID, w.on, w.body, w.outcome)
				}
			}
		})

		t.Run("calendar", func(t *testing.T) {
			meetings, err := c.Meeting.Query().WithBody().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			milestones, err := c.Milestone.Query().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(meetings) != 5 || len(milestones) != 9 {
				t.Errorf("%d meetings and %d milestones, want 5 and the seed's 9", len(meetings), len(milestones))
			}
			for _, m := range meetings {
				checkInterval(t, "meeting "+m.Title, m.When, m.WhenText, m.WhenEarliest, m.WhenLatest)
				if m.Edges.Body.Name == "Rådet for fremtidens kompetencer" &&
					(len(m.Agenda) != 5 || m.Agenda[4] != "Godkendelse af årshjul") {
					t.Errorf("the council's first meeting has agenda %q", m.Agenda)
				}
			}
			for _, m := range milestones {
				checkInterval(t, "milestone "+m.Title, m.Planned, m.PlannedText, m.PlannedEarliest, m.PlannedLatest)
				if m.PartnershipID == nil || *m.PartnershipID != pact.ID {
					t.Errorf("milestone %q: partnership %v, want the regional pact", m.Title, m.PartnershipID)
				}
				switch c := m.CompletedOn; m.Status {
				case milestone.StatusDONE:
					if c == nil || !m.Planned.Overlaps(*c, *c) ||
						(m.Planned.Precision == dates.PrecisionDay && *c != m.Planned.Earliest) {
						t.Errorf("DONE milestone %q planned %s completed %v", m.Title, m.Planned, c)
					}
				case milestone.StatusPLANNED:
					if c != nil {
						t.Errorf("PLANNED milestone %q completed %s", m.Title, c)
					}
				default:
					t.Errorf("milestone %q is %s", m.Title, m.Status)
				}
			}
		})

		t.Run("barometer", func(t *testing.T) {
			ind, err := c.Indicator.Query().Where(indicator.Name("Andel af arbejdsstyrken med en STEM-uddannelse")).
				WithTargets().WithObservations().WithInitiatives().Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ind.Unit != indicator.UnitPERCENT || ind.Direction != indicator.DirectionHIGHER_IS_BETTER ||
				ind.BaselineValue != nil || ind.BaselineOn != nil || len(ind.Edges.Observations) != 0 {
				t.Errorf("indicator %s %s, baseline %v on %v, %d observations", ind.Unit, ind.Direction,
					ind.BaselineValue, ind.BaselineOn, len(ind.Edges.Observations))
			}
			// "I 2030 udgør andelen … x %": the target exists, its value is undecided.
			if ts := ind.Edges.Targets; len(ts) != 1 || ts[0].Year != 2030 || ts[0].Value != nil {
				t.Errorf("targets %v: want one for 2030 without a value", ts)
			}
			barometer, err := c.Initiative.Query().Where(initiative.Title("STEM-barometer")).
				WithLeadOrganisation().WithThemes().WithMandateLinks().Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if lead := barometer.Edges.LeadOrganisation; lead == nil || lead.Name != "Region Midtjylland" {
				t.Errorf("STEM-barometer led by %v, want Region Midtjylland", lead)
			}
			if th := barometer.Edges.Themes; len(th) != 1 || th[0].Name != "STEM" {
				t.Errorf("STEM-barometer themes %v, want STEM", th)
			}
			if barometer.Budget != nil || barometer.PartnershipID == nil || *barometer.PartnershipID != pact.ID {
				t.Errorf("STEM-barometer budget %v, partnership %v", barometer.Budget, barometer.PartnershipID)
			}
			council, err := c.Body.Query().Where(body.Name("Rådet for fremtidens kompetencer")).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ls := barometer.Edges.MandateLinks; len(ls) != 1 || ls[0].BodyID != council.ID || ls[0].Task != 8 || len(council.Mandate) < 8 {
				t.Errorf("STEM-barometer mandate links %v: want the council's task 8", ls)
			}
			if is := ind.Edges.Initiatives; len(is) != 1 || is[0].ID != barometer.ID {
				t.Errorf("indicator initiatives %v, want the STEM-barometer", is)
			}
		})

		t.Run("education pool", func(t *testing.T) {
			r, err := c.FundingRound.Query().Where(fundinground.Name("Første ansøgningsrunde")).
				WithPool(func(q *ent.FundingPoolQuery) { q.WithOwner() }).
				WithDecidingBody().WithApplications().Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pool := r.Edges.Pool
			if pool.Name != "Uddannelsespuljen" || pool.Edges.Owner == nil || pool.Edges.Owner.Name != "Region Midtjylland" ||
				pool.PartnershipID == nil || *pool.PartnershipID != pact.ID {
				t.Errorf("round's pool %q owned by %v, partnership %v", pool.Name, pool.Edges.Owner, pool.PartnershipID)
			}
			if r.Deadline != dates.MustParse("2018-08-15") || r.DecisionOn == nil || *r.DecisionOn != dates.MustParse("2018-09-26") ||
				r.Edges.DecidingBody == nil || r.Edges.DecidingBody.Name != "Regionsrådet" {
				t.Errorf("round: deadline %s, decision %v by %v; want 2018-08-15, 2018-09-26 by Regionsrådet",
					r.Deadline, r.DecisionOn, r.Edges.DecidingBody)
			}
			// The budget is a demo figure (the seed gives none), never 0.
			if !r.Budget.IsPositive() || r.OpensOn != nil || len(r.Edges.Applications) != 0 {
				t.Errorf("round: budget %s, opens %v, %d applications", r.Budget, r.OpensOn, len(r.Edges.Applications))
			}
		})
	})
}
