package demo

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/partnership"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// asOf is the day the tests look at the council "today".
var asOf = dates.MustParse("2026-11-27")

// councilLabels is the council's composition as the seed lists it.
var councilLabels = []string{
	"Region Midtjylland", "Arbejdsgiverorganisationerne", "Arbejdstagerorganisationerne",
	"Arbejdsmarkedskontor Midt-Nord", "Kommunerne", "Business Regions",
	"Kommunale erhvervsservicesystem", "Væksthus Midtjylland",
	"Innovationsnetværk eller Klyngeorganisation", "Erhvervsskolerne", "Erhvervsakademierne",
	"VIA", "Aarhus Universitet", "STX og HF", "VUC", "Erhvervsgymnasierne",
}

// counts is the number of rows of every entity type.
func counts(t *testing.T, ctx context.Context, c *ent.Client) map[string]int {
	t.Helper()
	out := map[string]int{}
	for name, count := range map[string]func(context.Context) (int, error){
		"organisations":       c.Organisation.Query().Count,
		"bodies":              c.Body.Query().Count,
		"seat allocations":    c.SeatAllocation.Query().Count,
		"people":              c.Person.Query().Count,
		"appointments":        c.Appointment.Query().Count,
		"nomination requests": c.NominationRequest.Query().Count,
		"partnerships":        c.Partnership.Query().Count,
		"signatories":         c.Signatory.Query().Count,
		"decisions":           c.Decision.Query().Count,
		"themes":              c.Theme.Query().Count,
		"initiatives":         c.Initiative.Query().Count,
		"mandate links":       c.MandateLink.Query().Count,
		"indicators":          c.Indicator.Query().Count,
		"indicator targets":   c.IndicatorTarget.Query().Count,
		"meetings":            c.Meeting.Query().Count,
		"milestones":          c.Milestone.Query().Count,
		"funding pools":       c.FundingPool.Query().Count,
		"funding rounds":      c.FundingRound.Query().Count,
		"grant applications":  c.GrantApplication.Query().Count,
	} {
		n, err := count(ctx)
		if err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		out[name] = n
	}
	return out
}

// fits reports whether org may hold a seat of a: its kind is eligible or
// it is named (a's eligible organisations must be loaded).
func fits(a *ent.SeatAllocation, org *ent.Organisation) bool {
	if slices.Contains(a.EligibleKinds, org.Kind) {
		return true
	}
	return slices.ContainsFunc(a.Edges.EligibleOrganisations, func(e *ent.Organisation) bool {
		return e.ID == org.ID
	})
}

func mustLoad(t *testing.T, ctx context.Context, c *ent.Client, want bool) {
	t.Helper()
	loaded, err := Load(ctx, c)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if loaded != want {
		t.Fatalf("Load: loaded = %v, want %v", loaded, want)
	}
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		mustLoad(t, ctx, c, true)

		council, err := c.Body.Query().Where(body.Name("Rådet for fremtidens kompetencer")).Only(ctx)
		if err != nil {
			t.Fatalf("council: %v", err)
		}
		if council.Kind != vocab.Council {
			t.Errorf("council kind = %s, want COUNCIL", council.Kind)
		}
		if council.EstablishedOn == nil || *council.EstablishedOn != dates.MustParse("2018-04-25") {
			t.Errorf("council established_on = %v, want 2018-04-25", council.EstablishedOn)
		}
		if len(council.Mandate) != 8 {
			t.Errorf("council mandate has %d tasks, want 8", len(council.Mandate))
		}
		for i, task := range council.Mandate {
			if strings.TrimSpace(task) == "" || strings.Contains(task, "\n") {
				t.Errorf("mandate task %d = %q: want one clean line", i+1, task)
			}
		}

		t.Run("allocations", func(t *testing.T) {
			allocs, err := c.SeatAllocation.Query().
				Where(seatallocation.BodyID(council.ID)).
				Order(ent.Asc(seatallocation.FieldPosition)).
				All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(allocs) != len(councilLabels) {
				t.Fatalf("%d allocations, want %d", len(allocs), len(councilLabels))
			}
			seats := 0
			for i, a := range allocs {
				seats += a.Seats
				if a.Position != i+1 || a.Label != councilLabels[i] {
					t.Errorf("allocation %d = %d %q, want %d %q", i, a.Position, a.Label, i+1, councilLabels[i])
				}
				wantRole := vocab.Member
				if i == 0 {
					wantRole = vocab.Chair
				}
				if a.Role != wantRole {
					t.Errorf("allocation %q role = %s, want %s", a.Label, a.Role, wantRole)
				}
			}
			// The seed's table: 1+2+2+1+3+2+1+1+1+1+1+1+1+1+1+1 = 21 (the
			// digest's "22 seats in all" does not add up).
			if seats != 21 {
				t.Errorf("council seats = %d, want 21", seats)
			}
		})

		t.Run("municipalities", func(t *testing.T) {
			ms, err := c.Organisation.Query().Where(organisation.KindEQ(vocab.Municipality)).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 19 {
				t.Errorf("%d municipalities, want 19", len(ms))
			}
			for _, m := range ms {
				if m.MunicipalityCode == nil || len(*m.MunicipalityCode) != 3 || !strings.HasSuffix(m.Name, " Kommune") {
					t.Errorf("municipality %q code %v", m.Name, m.MunicipalityCode)
				}
			}
			aarhus, err := c.Organisation.Query().Where(organisation.Name("Aarhus Kommune")).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if aarhus.MunicipalityCode == nil || *aarhus.MunicipalityCode != "751" {
				t.Errorf("Aarhus Kommune code = %v, want 751", aarhus.MunicipalityCode)
			}
			for name, want := range map[string]int{"Business Region Aarhus": 12, "Business Region MidtVest": 7} {
				n, err := c.Organisation.Query().Where(organisation.Name(name)).QueryMembers().
					Where(organisation.KindEQ(vocab.Municipality)).Count(ctx)
				if err != nil || n != want {
					t.Errorf("%s has %d municipal members (%v), want %d", name, n, err, want)
				}
			}
		})

		t.Run("lineage", func(t *testing.T) {
			preds, err := council.QueryReplaces().Order(ent.Asc(body.FieldName)).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range preds {
				names = append(names, p.Name)
				if p.DissolvedOn == nil || *p.DissolvedOn != *council.EstablishedOn || p.EstablishedOn != nil {
					t.Errorf("%s: established %v, dissolved %v", p.Name, p.EstablishedOn, p.DissolvedOn)
				}
			}
			want := []string{"Kompetencerådet", "MEA’s Akademiråd", "Uddannelsesrådet"}
			if !slices.Equal(names, want) {
				t.Errorf("council replaces %q, want %q", names, want)
			}
			advised, err := council.QueryAdvises().Order(ent.Asc(body.FieldName)).All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(advised) != 2 || advised[0].Name != "Regionsrådet" || advised[1].Name != "Vækstforum" {
				t.Errorf("council advises %v, want Regionsrådet and Vækstforum", advised)
			}
		})

		t.Run("appointments", func(t *testing.T) {
			apps, err := c.Appointment.Query().
				WithSeatAllocation(func(q *ent.SeatAllocationQuery) { q.WithEligibleOrganisations() }).
				WithOnBehalfOf().
				WithPerson().
				All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(apps) == 0 {
				t.Fatal("no appointments")
			}
			byAlloc := map[int][]*ent.Appointment{}
			ended := 0
			for _, a := range apps {
				alloc, org, p := a.Edges.SeatAllocation, a.Edges.OnBehalfOf, a.Edges.Person
				if !fits(alloc, org) {
					t.Errorf("%s holds %q on behalf of %q (%s), which is not eligible", p.Name, alloc.Label, org.Name, org.Kind)
				}
				if org.FoundedOn != nil && a.StartsOn.Before(*org.FoundedOn) {
					t.Errorf("%s starts %s, before %q was founded", p.Name, a.StartsOn, org.Name)
				}
				if a.Note == nil || *a.Note != "Demodata: fiktiv person" || p.Email == nil || !strings.HasSuffix(*p.Email, "@example.org") ||
					p.AffiliationID == nil || *p.AffiliationID != org.ID {
					t.Errorf("%s: note %q, e-mail %q, affiliation %v: want demo data affiliated with %q",
						p.Name, deref(a.Note), deref(p.Email), p.AffiliationID, org.Name)
				}
				if a.EndsOn != nil {
					ended++
				}
				byAlloc[alloc.ID] = append(byAlloc[alloc.ID], a)
			}
			if ended == 0 {
				t.Error("no ended appointment: want some history")
			}

			allocs, err := council.QuerySeatAllocations().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			vacant := 0
			for _, alloc := range allocs {
				days := []dates.Date{dates.MustParse("2018-06-01"), asOf}
				for _, a := range byAlloc[alloc.ID] {
					days = append(days, a.StartsOn)
				}
				for _, d := range days {
					if n := heldOn(byAlloc[alloc.ID], d); n > alloc.Seats {
						t.Errorf("%q: %d seats held on %s, only %d exist", alloc.Label, n, d, alloc.Seats)
					}
				}
				vacant += alloc.Seats - heldOn(byAlloc[alloc.ID], asOf)
			}
			if vacant == 0 {
				t.Errorf("no vacant council seat on %s", asOf)
			}
			t.Logf("%d appointments (%d ended), %d vacant council seats on %s", len(apps), ended, vacant, asOf)
		})

		t.Run("alternates", func(t *testing.T) {
			alts, err := c.Appointment.Query().
				Where(appointment.AlternateForIDNotNil()).
				WithAlternateFor().
				WithSeatAllocation().
				All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(alts) < 2 || len(alts) > 3 {
				t.Errorf("%d alternates, want 2 or 3", len(alts))
			}
			for _, a := range alts {
				m := a.Edges.AlternateFor
				switch {
				case a.Edges.SeatAllocation.BodyID != council.ID:
					t.Errorf("alternate %d is not in the council", a.ID)
				case m.AlternateForID != nil:
					t.Errorf("alternate %d stands in for alternate %d", a.ID, m.ID)
				case m.SeatAllocationID != a.SeatAllocationID || m.OnBehalfOfID != a.OnBehalfOfID:
					t.Errorf("alternate %d: allocation %d for %d, want its member's (%d for %d)",
						a.ID, a.SeatAllocationID, a.OnBehalfOfID, m.SeatAllocationID, m.OnBehalfOfID)
				case m.PersonID == a.PersonID:
					t.Errorf("alternate %d is their own member's person", a.ID)
				case a.StartsOn.Before(m.StartsOn):
					t.Errorf("alternate %d starts %s, before the member (%s)", a.ID, a.StartsOn, m.StartsOn)
				}
			}
		})

		t.Run("reappointments", func(t *testing.T) {
			tips, err := c.Appointment.Query().
				Where(appointment.HasPrevious(), appointment.Not(appointment.HasNext())).
				All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var longest []*ent.Appointment
			for _, tip := range tips {
				chain := []*ent.Appointment{tip}
				for chain[0].PreviousID != nil {
					prev, err := c.Appointment.Get(ctx, *chain[0].PreviousID)
					if err != nil {
						t.Fatal(err)
					}
					chain = append([]*ent.Appointment{prev}, chain...)
				}
				if len(chain) > len(longest) {
					longest = chain
				}
			}
			if len(longest) != 3 {
				t.Fatalf("longest reappointment chain has %d terms, want 3", len(longest))
			}
			for i, a := range longest[1:] {
				prev := longest[i]
				if a.PersonID != prev.PersonID || a.SeatAllocationID != prev.SeatAllocationID ||
					prev.EndsOn == nil || prev.EndsOn.AddDays(1) != a.StartsOn {
					t.Errorf("term %d (%s–%v) does not continue term %d (%s–%v) of the same person and allocation",
						a.ID, a.StartsOn, a.EndsOn, prev.ID, prev.StartsOn, prev.EndsOn)
				}
			}
			if last := longest[2]; last.EndsOn != nil {
				t.Errorf("the chain's last term ends %s, want open", last.EndsOn)
			}
		})

		t.Run("genders", func(t *testing.T) {
			people, err := c.Person.Query().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byGender := map[vocab.Gender]int{}
			for _, p := range people {
				if p.Gender == nil {
					t.Errorf("%s: no gender", p.Name)
					continue
				}
				byGender[*p.Gender]++
			}
			if byGender[vocab.Female] == 0 || byGender[vocab.Male] == 0 || byGender[vocab.NotStated] < 2 || byGender[vocab.NotStated] > 3 {
				t.Errorf("genders %v: want women, men and two or three NOT_STATED", byGender)
			}
		})

		t.Run("nominations", func(t *testing.T) {
			reqs, err := c.NominationRequest.Query().WithAppointment().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			perAlloc := map[int]int{}
			byStatus := map[vocab.NominationStatus]int{}
			overdue := 0
			for _, r := range reqs {
				perAlloc[r.SeatAllocationID]++
				byStatus[r.Status]++
				if r.SentOn != nil && r.AnsweredOn != nil && r.AnsweredOn.Before(*r.SentOn) {
					t.Errorf("request %d answered %s, before it was sent (%s)", r.ID, r.AnsweredOn, r.SentOn)
				}
				switch r.Status {
				case vocab.Nominated:
					a := r.Edges.Appointment
					if a == nil || r.NomineeID == nil || r.AnsweredOn == nil {
						t.Errorf("NOMINATED request %d: appointment %v, nominee %v, answered %v", r.ID, a, r.NomineeID, r.AnsweredOn)
						continue
					}
					if a.PersonID != *r.NomineeID || a.OnBehalfOfID != r.OrganisationID || a.SeatAllocationID != r.SeatAllocationID ||
						r.TermStartsOn == nil || a.StartsOn != *r.TermStartsOn {
						t.Errorf("request %d (nominee %d, organisation %d, allocation %d, term %v) links appointment %d (%d, %d, %d, %s)",
							r.ID, *r.NomineeID, r.OrganisationID, r.SeatAllocationID, r.TermStartsOn,
							a.ID, a.PersonID, a.OnBehalfOfID, a.SeatAllocationID, a.StartsOn)
					}
				case vocab.Sent:
					if r.AnsweredOn != nil || r.NomineeID != nil {
						t.Errorf("SENT request %d is answered", r.ID)
					}
					if r.DueOn != nil && r.DueOn.Before(asOf) {
						overdue++
					}
				case vocab.Declined:
					if r.AnsweredOn == nil || r.NomineeID != nil {
						t.Errorf("DECLINED request %d: answered %v, nominee %v", r.ID, r.AnsweredOn, r.NomineeID)
					}
				}
			}
			allocs, err := council.QuerySeatAllocations().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range allocs {
				if perAlloc[a.ID] == 0 {
					t.Errorf("no nomination request for %q", a.Label)
				}
			}
			if byStatus[vocab.Nominated] == 0 || byStatus[vocab.Declined] == 0 || overdue == 0 {
				t.Errorf("statuses %v, %d overdue on %s: want NOMINATED, DECLINED and an overdue SENT", byStatus, overdue, asOf)
			}
			t.Logf("%d nomination requests: %v", len(reqs), byStatus)
		})

		before := counts(t, ctx, c)
		t.Logf("loaded %v", before)
		mustLoad(t, ctx, c, false)
		if after := counts(t, ctx, c); !maps.Equal(before, after) {
			t.Errorf("second Load changed the counts: before %v, after %v", before, after)
		}
	})
}

// heldOn counts the member appointments of apps (alternates take no
// seat) running on day d.
func heldOn(apps []*ent.Appointment, d dates.Date) int {
	n := 0
	for _, a := range apps {
		if a.AlternateForID == nil && !a.StartsOn.After(d) && (a.EndsOn == nil || !a.EndsOn.Before(d)) {
			n++
		}
	}
	return n
}

// TestLoadLeavesDataAlone: a database holding just an organisation, or just
// a body, or just a record of the programme, is not empty, and Load writes
// nothing to it.
func TestLoadLeavesDataAlone(t *testing.T) {
	seeds := map[string]func(context.Context, *ent.Client) error{
		"organisation": func(ctx context.Context, c *ent.Client) error {
			return c.Organisation.Create().SetName("Anden organisation").SetKind(vocab.OtherOrganisation).Exec(ctx)
		},
		"body": func(ctx context.Context, c *ent.Client) error {
			return c.Body.Create().SetName("Andet organ").SetKind(vocab.OtherBody).Exec(ctx)
		},
		"partnership": func(ctx context.Context, c *ent.Client) error {
			return c.Partnership.Create().SetName("Anden pagt").SetKind(partnership.KindOTHER).Exec(ctx)
		},
		"milestone": func(ctx context.Context, c *ent.Client) error {
			return c.Milestone.Create().SetTitle("Andet skridt").SetPlanned(dates.MustParseFuzzy("2018-Q2")).Exec(ctx)
		},
	}
	for name, seed := range seeds {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := authz.SystemContext(context.Background())
				if err := seed(ctx, db.Client); err != nil {
					t.Fatal(err)
				}
				before := counts(t, ctx, db.Client)
				mustLoad(t, ctx, db.Client, false)
				if after := counts(t, ctx, db.Client); !maps.Equal(before, after) {
					t.Errorf("Load changed the counts: before %v, after %v", before, after)
				}
			})
		})
	}
}

// TestLoadRollsBack: when a write fails (here the schema's hook refuses an
// appointment that ends before it starts), Load reports the error and
// nothing of the dataset stays behind.
func TestLoadRollsBack(t *testing.T) {
	saved := appointments
	t.Cleanup(func() { appointments = saved })
	appointments = append(slices.Clone(saved), appointmentRow{
		councilName, "VUC", "Forkert Dato", vocab.NotStated, "VUC Aarhus", "2018-06-01", "2018-05-31",
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		loaded, err := Load(ctx, db.Client)
		if loaded || err == nil || !strings.Contains(err.Error(), `demo: create appointment of "Forkert Dato"`) {
			t.Fatalf("Load = %v, %v: want the appointment's error", loaded, err)
		}
		for name, n := range counts(t, ctx, db.Client) {
			if n != 0 {
				t.Errorf("%d %s left after a failed Load", n, name)
			}
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
