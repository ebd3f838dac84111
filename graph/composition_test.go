package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// The day most composition tests look at.
const compAsOf = "2024-06-15"

// compWorld is a registry of who sat where, when. Its data keeps every
// appointment rule: no allocation ever has more members than seats, every
// organisation is eligible for its seats, nobody holds two overlapping
// appointments in one allocation, and the body has one chair at a time.
type compWorld struct {
	body, workingGroup, dissolved, future            int
	chairSeats, employerSeats, municipalSeats        int
	di, union, aarhus                                int
	chainPerson                                      int
	oldChair, chair                                  int
	term1, term2, term3, union1, alt, alt2, later    int
	oldRanders, aarhus1, randers1, group1, secretary int
}

// seedCompWorld: "Rådet" (established 2018) with
//
//	Formand (CHAIR, 1 seat, position 0): Old Chair 2018–2021, Chair 2022– (REGION)
//	Arbejdsgiverne og -tagerne (MEMBER, 3 seats, position 1, employers and unions):
//	  Chain Person for DI in three terms 2018–2019, 2020–2023, 2024-01-01–2024-06-30;
//	  Union Member for 3F 2023-03-01– with alternates Alternate 2023-04-01–2024-06-20
//	  and Former Alternate 2023-03-01–2023-12-31; Later Member for DI 2024-07-01–
//	Kommunerne (MEMBER, 2 seats, position 2; created before the one above):
//	  Old Randers 2020–2024-06-14, Aarhus Member 2022–2024-06-15, Randers Member 2024-06-15–2026
//
// and "Arbejdsgruppe for data" (Medlemmer 3 seats, one member; Sekretariat 1
// seat, held until 2024-06-30), "Gammelt forum" (dissolved 2023-12-31) and
// "Nyt råd" (established 2025), each with an empty allocation.
func seedCompWorld(t *testing.T, c *ent.Client) compWorld {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	var w compWorld
	day := dates.MustParse
	org := func(name string, kind vocab.OrganisationKind) int {
		return c.Organisation.Create().SetName(name).SetKind(kind).SaveX(ctx).ID
	}
	person := func(name string, g vocab.Gender) int {
		p := c.Person.Create().SetName(name)
		if g != "" {
			p.SetGender(g)
		}
		return p.SaveX(ctx).ID
	}
	newBody := func(name string, kind vocab.BodyKind, from, until string) int {
		b := c.Body.Create().SetName(name).SetKind(kind).SetEstablishedOn(day(from))
		if until != "" {
			b.SetDissolvedOn(day(until))
		}
		return b.SaveX(ctx).ID
	}
	alloc := func(body int, label string, role vocab.SeatRole, seats, position int, kinds ...vocab.OrganisationKind) int {
		a := c.SeatAllocation.Create().SetBodyID(body).SetLabel(label).SetRole(role).SetSeats(seats).SetPosition(position)
		if len(kinds) > 0 {
			a.SetEligibleKinds(kinds)
		}
		return a.SaveX(ctx).ID
	}
	appoint := func(person, alloc, org int, from, until string) *ent.AppointmentCreate {
		a := c.Appointment.Create().SetPersonID(person).SetSeatAllocationID(alloc).SetOnBehalfOfID(org).
			SetStartsOn(day(from))
		if until != "" {
			a.SetEndsOn(day(until))
		}
		return a
	}
	save := func(a *ent.AppointmentCreate) int { return a.SaveX(ctx).ID }

	region := org("Region Midtjylland", vocab.Region)
	w.di = org("Dansk Industri", vocab.EmployerOrganisation)
	w.union = org("3F", vocab.TradeUnion)
	w.aarhus = org("Aarhus Kommune", vocab.Municipality)
	randers := org("Randers Kommune", vocab.Municipality)

	w.body = newBody("Rådet for fremtidens kompetencer", vocab.Council, "2018-01-01", "")
	w.chairSeats = alloc(w.body, "Formand", vocab.Chair, 1, 0)
	w.municipalSeats = alloc(w.body, "Kommunerne", vocab.Member, 2, 2)
	w.employerSeats = alloc(w.body, "Arbejdsgiverne og -tagerne", vocab.Member, 3, 1,
		vocab.EmployerOrganisation, vocab.TradeUnion)

	w.oldChair = save(appoint(person("Old Chair", vocab.Male), w.chairSeats, region, "2018-01-01", "2021-12-31"))
	w.chair = save(appoint(person("Chair", vocab.Female), w.chairSeats, region, "2022-01-01", ""))

	w.chainPerson = person("Chain Person", vocab.Female)
	w.term1 = save(appoint(w.chainPerson, w.employerSeats, w.di, "2018-01-01", "2019-12-31"))
	w.term2 = save(appoint(w.chainPerson, w.employerSeats, w.di, "2020-01-01", "2023-12-31").SetPreviousID(w.term1))
	w.term3 = save(appoint(w.chainPerson, w.employerSeats, w.di, "2024-01-01", "2024-06-30").SetPreviousID(w.term2))
	w.union1 = save(appoint(person("Union Member", vocab.Male), w.employerSeats, w.union, "2023-03-01", ""))
	w.alt = save(appoint(person("Alternate", vocab.Female), w.employerSeats, w.union, "2023-04-01", "2024-06-20").
		SetAlternateForID(w.union1))
	w.alt2 = save(appoint(person("Former Alternate", ""), w.employerSeats, w.union, "2023-03-01", "2023-12-31").
		SetAlternateForID(w.union1))
	w.later = save(appoint(person("Later Member", vocab.Male), w.employerSeats, w.di, "2024-07-01", ""))

	w.oldRanders = save(appoint(person("Old Randers", vocab.Female), w.municipalSeats, randers, "2020-01-01", "2024-06-14"))
	w.aarhus1 = save(appoint(person("Aarhus Member", vocab.Male), w.municipalSeats, w.aarhus, "2022-01-01", "2024-06-15"))
	w.randers1 = save(appoint(person("Randers Member", ""), w.municipalSeats, randers, "2024-06-15", "2026-12-31"))

	// Created after the council, named before it.
	w.workingGroup = newBody("Arbejdsgruppe for data", vocab.WorkingGroup, "2020-01-01", "")
	members := alloc(w.workingGroup, "Medlemmer", vocab.Member, 3, 0)
	secretariat := alloc(w.workingGroup, "Sekretariat", vocab.Secretary, 1, 1)
	w.group1 = save(appoint(person("Group Member", ""), members, w.aarhus, "2023-01-01", ""))
	w.secretary = save(appoint(person("Secretary", ""), secretariat, region, "2022-01-01", "2024-06-30"))

	w.dissolved = newBody("Gammelt forum", vocab.Forum, "2018-01-01", "2023-12-31")
	alloc(w.dissolved, "Medlemmer", vocab.Member, 1, 0)
	w.future = newBody("Nyt råd", vocab.Council, "2025-01-01", "")
	alloc(w.future, "Medlemmer", vocab.Member, 1, 0)
	return w
}

// eachCompWorld runs f on every backend, with seedCompWorld's data and an
// ADMIN client.
func eachCompWorld(t *testing.T, f func(t *testing.T, a *api, w compWorld, db *store.DB)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f(t, a, seedCompWorld(t, db.Client), db)
	})
}

func compID(id int) string { return strconv.Itoa(id) }

// compRef is an appointment as these tests read it.
type compRef struct {
	ID          string
	IsAlternate bool
	StartsOn    string
	EndsOn      *string
	Person      struct{ Name string }
}

// compRefFields selects a compRef.
const compRefFields = `id isAlternate startsOn endsOn person { name }`

func (r compRef) String() string {
	until := ""
	if r.EndsOn != nil {
		until = *r.EndsOn
	}
	alt := ""
	if r.IsAlternate {
		alt = " (alternate)"
	}
	return fmt.Sprintf("%s %s..%s%s", r.Person.Name, r.StartsOn, until, alt)
}

func compRefIDs(rs []compRef) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func compIDs(ids ...int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = compID(id)
	}
	return out
}

func wantCompIDs(t *testing.T, what string, got []compRef, want ...int) {
	t.Helper()
	if !slices.Equal(compRefIDs(got), compIDs(want...)) {
		t.Errorf("%s = %v (%v), want ids %v", what, got, compRefIDs(got), compIDs(want...))
	}
}

const compositionQuery = `query($id: ID!, $asOf: Date) { node(id: $id) { ... on Body {
  composition(asOf: $asOf) {
    allocation { id label } label role seats vacant
    holders {
      appointment { id isAlternate seatAllocation { id } }
      person { name } organisation { name } since until
      alternates { ` + compRefFields + ` alternateFor { id } }
    }
  }
  vacancyCount(asOf: $asOf)
} } }`

type compositionOut struct {
	Node struct {
		Composition []struct {
			Allocation struct{ ID, Label string }
			Label      string
			Role       string
			Seats      int
			Vacant     int
			Holders    []struct {
				Appointment struct {
					ID             string
					IsAlternate    bool
					SeatAllocation struct{ ID string }
				}
				Person       struct{ Name string }
				Organisation struct{ Name string }
				Since        string
				Until        *string
				Alternates   []struct {
					compRef
					AlternateFor struct{ ID string }
				}
			}
		}
		VacancyCount int
	}
}

// lines renders a composition as text, one line per allocation.
func (c compositionOut) lines(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, l := range c.Node.Composition {
		if l.Label != l.Allocation.Label {
			t.Errorf("label %q is not the allocation's %q", l.Label, l.Allocation.Label)
		}
		var hs []string
		for _, h := range l.Holders {
			if h.Appointment.IsAlternate || h.Appointment.SeatAllocation.ID != l.Allocation.ID {
				t.Errorf("holder %+v is not a member of allocation %s", h, l.Allocation.ID)
			}
			until := ""
			if h.Until != nil {
				until = *h.Until
			}
			s := fmt.Sprintf("%s for %s %s..%s", h.Person.Name, h.Organisation.Name, h.Since, until)
			for _, a := range h.Alternates {
				if !a.IsAlternate || a.AlternateFor.ID != h.Appointment.ID {
					t.Errorf("alternate %+v is not %s's", a, h.Appointment.ID)
				}
				s += " + " + a.Person.Name
			}
			hs = append(hs, s)
		}
		out = append(out, fmt.Sprintf("%s %s %d vacant %d: %s", l.Label, l.Role, l.Seats, l.Vacant, strings.Join(hs, "; ")))
	}
	return out
}

func TestComposition(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, a *api, w compWorld, db *store.DB) {
		for _, tc := range []struct {
			asOf    string
			want    []string
			vacancy int
		}{
			{compAsOf, []string{
				"Formand CHAIR 1 vacant 0: Chair for Region Midtjylland 2022-01-01..",
				"Arbejdsgiverne og -tagerne MEMBER 3 vacant 1: Union Member for 3F 2023-03-01.. + Alternate; " +
					"Chain Person for Dansk Industri 2024-01-01..2024-06-30",
				"Kommunerne MEMBER 2 vacant 0: Aarhus Member for Aarhus Kommune 2022-01-01..2024-06-15; " +
					"Randers Member for Randers Kommune 2024-06-15..2026-12-31",
			}, 1},
			// Alternates in start order; Old Randers' last day.
			{"2023-06-01", []string{
				"Formand CHAIR 1 vacant 0: Chair for Region Midtjylland 2022-01-01..",
				"Arbejdsgiverne og -tagerne MEMBER 3 vacant 1: Chain Person for Dansk Industri 2020-01-01..2023-12-31; " +
					"Union Member for 3F 2023-03-01.. + Former Alternate + Alternate",
				"Kommunerne MEMBER 2 vacant 0: Old Randers for Randers Kommune 2020-01-01..2024-06-14; " +
					"Aarhus Member for Aarhus Kommune 2022-01-01..2024-06-15",
			}, 1},
			// The day after: one term ended, one starts; the alternate's term is over.
			{"2024-07-01", []string{
				"Formand CHAIR 1 vacant 0: Chair for Region Midtjylland 2022-01-01..",
				"Arbejdsgiverne og -tagerne MEMBER 3 vacant 1: Union Member for 3F 2023-03-01..; " +
					"Later Member for Dansk Industri 2024-07-01..",
				"Kommunerne MEMBER 2 vacant 1: Randers Member for Randers Kommune 2024-06-15..2026-12-31",
			}, 2},
			// Before the body was established it has no seats, so none
			// vacant, as vacancies has it (its six seats counted as vacant).
			{"2017-12-31", nil, 0},
		} {
			t.Run(tc.asOf, func(t *testing.T) {
				var out compositionOut
				a.on(t).do(compositionQuery, &out, "id", compID(w.body), "asOf", tc.asOf)
				if got := out.lines(t); !slices.Equal(got, tc.want) {
					t.Errorf("composition on %s:\n got %q\nwant %q", tc.asOf, got, tc.want)
				}
				if out.Node.VacancyCount != tc.vacancy {
					t.Errorf("vacancyCount on %s = %d, want %d", tc.asOf, out.Node.VacancyCount, tc.vacancy)
				}
			})
		}
		// The allocations are those of the body, as listed.
		var out compositionOut
		a.do(compositionQuery, &out, "id", compID(w.body), "asOf", compAsOf)
		var got []string
		for _, l := range out.Node.Composition {
			got = append(got, l.Allocation.ID)
		}
		if want := compIDs(w.chairSeats, w.employerSeats, w.municipalSeats); !slices.Equal(got, want) {
			t.Errorf("allocations %v, want %v (position order)", got, want)
		}
		// A body without allocations has an empty composition.
		empty := db.Client.Body.Create().SetName("Tomt udvalg").SetKind(vocab.Council).
			SaveX(authz.SystemContext(context.Background()))
		out = compositionOut{}
		a.do(compositionQuery, &out, "id", compID(empty.ID), "asOf", compAsOf)
		if out.Node.Composition == nil || len(out.Node.Composition) != 0 || out.Node.VacancyCount != 0 {
			t.Errorf("empty body: %+v", out.Node)
		}
	})
}

const compSummaryQuery = `query($id: ID!, $asOf: Date) { node(id: $id) { ... on Body {
  compositionSummary(asOf: $asOf) {
    asOf seats held vacant
    byOrganisationKind { kind seats }
    byGender { gender seats }
  }
} } }`

type compSummaryOut struct {
	Node struct {
		CompositionSummary struct {
			AsOf               string
			Seats, Held        int
			Vacant             int
			ByOrganisationKind []struct {
				Kind  string
				Seats int
			}
			ByGender *[]struct {
				Gender string
				Seats  int
			}
		}
	}
}

func (s compSummaryOut) kinds() string {
	var parts []string
	for _, k := range s.Node.CompositionSummary.ByOrganisationKind {
		parts = append(parts, fmt.Sprintf("%s=%d", k.Kind, k.Seats))
	}
	return strings.Join(parts, " ")
}

func (s compSummaryOut) genders() string {
	if s.Node.CompositionSummary.ByGender == nil {
		return "null"
	}
	var parts []string
	for _, g := range *s.Node.CompositionSummary.ByGender {
		parts = append(parts, fmt.Sprintf("%s=%d", g.Gender, g.Seats))
	}
	return strings.Join(parts, " ")
}

func TestCompositionSummary(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, admin *api, w compWorld, _ *store.DB) {
		const kinds = "EMPLOYER_ORGANISATION=1 MUNICIPALITY=2 REGION=1 TRADE_UNION=1"
		for _, c := range []struct {
			who     authz.Role
			genders string
		}{
			{authz.Anonymous, "null"},
			{authz.Reader, "FEMALE=2 MALE=2 NOT_STATED=1"},
			{authz.Admin, "FEMALE=2 MALE=2 NOT_STATED=1"},
		} {
			t.Run(c.who.String(), func(t *testing.T) {
				a := admin.on(t)
				if c.who != authz.Admin {
					a = a.as(c.who)
				}
				var out compSummaryOut
				a.do(compSummaryQuery, &out, "id", compID(w.body), "asOf", compAsOf)
				s := out.Node.CompositionSummary
				if s.AsOf != compAsOf || s.Seats != 6 || s.Held != 5 || s.Vacant != 1 {
					t.Errorf("summary = %+v, want asOf %s, 6 seats, 5 held, 1 vacant", s, compAsOf)
				}
				if got := out.kinds(); got != kinds {
					t.Errorf("byOrganisationKind = %s, want %s", got, kinds)
				}
				if got := out.genders(); got != c.genders {
					t.Errorf("byGender = %s, want %s", got, c.genders)
				}
			})
		}
		// Without asOf: today in Copenhagen.
		loc, err := time.LoadLocation("Europe/Copenhagen")
		if err != nil {
			t.Fatal(err)
		}
		before := dates.Today(loc).String()
		var out compSummaryOut
		admin.do(compSummaryQuery, &out, "id", compID(w.body))
		if got := out.Node.CompositionSummary.AsOf; got != before && got != dates.Today(loc).String() {
			t.Errorf("default asOf = %s, want today (%s)", got, before)
		}
	})
}

const compVacanciesQuery = `query($asOf: Date, $ids: [ID!]) {
  vacancies(asOf: $asOf, bodyIds: $ids) { body { id name } allocation { id label body { id } } vacant }
}`

type compVacanciesOut struct {
	Vacancies []struct {
		Body       struct{ ID, Name string }
		Allocation struct {
			ID, Label string
			Body      struct{ ID string }
		}
		Vacant int
	}
}

func (v compVacanciesOut) lines(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, x := range v.Vacancies {
		if x.Allocation.Body.ID != x.Body.ID {
			t.Errorf("allocation %s is not of body %s", x.Allocation.ID, x.Body.ID)
		}
		out = append(out, fmt.Sprintf("%s / %s: %d", x.Body.Name, x.Allocation.Label, x.Vacant))
	}
	return out
}

func TestVacancies(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, a *api, w compWorld, _ *store.DB) {
		for _, tc := range []struct {
			name string
			asOf string
			ids  []string
			want []string
		}{
			// By body name (not id), then position; full allocations, the
			// dissolved body and the body not yet established left out.
			{"all", compAsOf, nil, []string{
				"Arbejdsgruppe for data / Medlemmer: 2",
				"Rådet for fremtidens kompetencer / Arbejdsgiverne og -tagerne: 1",
			}},
			{"given bodies", compAsOf, compIDs(w.body, w.dissolved, w.future), []string{
				"Rådet for fremtidens kompetencer / Arbejdsgiverne og -tagerne: 1",
			}},
			{"no bodies", compAsOf, []string{}, nil},
			// The dissolved body's last day counts; the council's employer seats
			// are held by two (Chain Person, Union Member).
			{"dissolution day", "2023-12-31", compIDs(w.body, w.dissolved), []string{
				"Gammelt forum / Medlemmer: 1",
				"Rådet for fremtidens kompetencer / Arbejdsgiverne og -tagerne: 1",
			}},
			{"later", "2025-01-01", nil, []string{
				"Arbejdsgruppe for data / Medlemmer: 2",
				"Arbejdsgruppe for data / Sekretariat: 1",
				"Nyt råd / Medlemmer: 1",
				"Rådet for fremtidens kompetencer / Arbejdsgiverne og -tagerne: 1",
				"Rådet for fremtidens kompetencer / Kommunerne: 1",
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var out compVacanciesOut
				kv := []any{"asOf", tc.asOf}
				if tc.ids != nil {
					kv = append(kv, "ids", tc.ids)
				}
				a.on(t).do(compVacanciesQuery, &out, kv...)
				if out.Vacancies == nil {
					t.Fatal("vacancies is null")
				}
				if got := out.lines(t); !slices.Equal(got, tc.want) {
					t.Errorf("vacancies on %s:\n got %q\nwant %q", tc.asOf, got, tc.want)
				}
			})
		}
		many := make([]string, 101)
		for i := range many {
			many[i] = compID(w.body)
		}
		a.fails(compVacanciesQuery, "BAD_USER_INPUT", "bodyIds", "ids", many)
		// Anyone may read them.
		var out compVacanciesOut
		a.as(authz.Anonymous).do(compVacanciesQuery, &out, "asOf", compAsOf)
		if len(out.Vacancies) != 2 {
			t.Errorf("anonymous vacancies: %+v", out)
		}
	})
}

const compExpiringQuery = `query($days: Int!, $asOf: Date) { expiringAppointments(withinDays: $days, asOf: $asOf) { ` + compRefFields + ` } }`

func TestExpiringAppointments(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, a *api, w compWorld, _ *store.DB) {
		expiring := func(asOf string, days int, want ...int) {
			t.Run(fmt.Sprintf("%s+%d", asOf, days), func(t *testing.T) {
				var out struct{ ExpiringAppointments []compRef }
				a.on(t).do(compExpiringQuery, &out, "days", days, "asOf", asOf)
				wantCompIDs(t, "expiringAppointments", out.ExpiringAppointments, want...)
			})
		}
		// Ends on asOf and on asOf+15 count; the alternate ending
		// 2024-06-20 does not (it holds no seat); same day by id.
		expiring(compAsOf, 15, w.aarhus1, w.term3, w.secretary)
		expiring(compAsOf, 14, w.aarhus1)
		expiring(compAsOf, 0, w.aarhus1)
		expiring("2024-06-16", 14, w.term3, w.secretary)
		expiring("2024-06-14", 0, w.oldRanders)
		expiring("2024-07-01", 3660, w.randers1)
		expiring("2027-01-01", 3660)
		for _, days := range []int{-1, 3661} {
			a.fails(compExpiringQuery, "BAD_USER_INPUT", "withinDays", "days", days, "asOf", compAsOf)
		}
		// Without asOf: from today, so the open and long terms are not there.
		var out struct{ ExpiringAppointments []compRef }
		a.do(compExpiringQuery, &out, "days", 0)
		if out.ExpiringAppointments == nil {
			t.Error("expiringAppointments is null")
		}
	})
}

func TestRepresentation(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, a *api, w compWorld, _ *store.DB) {
		const q = `query($id: ID!, $asOf: Date) { node(id: $id) { ... on Organisation {
			representation(asOf: $asOf) { ` + compRefFields + ` seatAllocation { label } }
		} } }`
		for _, tc := range []struct {
			org  int
			asOf string
			want []int
		}{
			{w.di, compAsOf, []int{w.term3}},
			{w.di, "2024-07-01", []int{w.later}},
			{w.di, "2019-12-31", []int{w.term1}},
			{w.union, compAsOf, []int{w.union1}}, // not its alternate
			{w.aarhus, compAsOf, []int{w.aarhus1, w.group1}},
			{w.aarhus, "2024-06-16", []int{w.group1}},
			{w.aarhus, "2021-12-31", nil},
		} {
			var out struct {
				Node struct{ Representation []compRef }
			}
			a.do(q, &out, "id", compID(tc.org), "asOf", tc.asOf)
			wantCompIDs(t, fmt.Sprintf("representation of %d on %s", tc.org, tc.asOf), out.Node.Representation, tc.want...)
		}
	})
}

func TestAppointmentHistory(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, a *api, w compWorld, _ *store.DB) {
		const q = `query($id: ID!) { node(id: $id) {
			... on Organisation { appointmentHistory { ` + compRefFields + ` } }
			... on Person { appointmentHistory { ` + compRefFields + ` } }
		} }`
		for _, tc := range []struct {
			name string
			id   int
			want []int
		}{
			{"organisation", w.di, []int{w.later, w.term3, w.term2, w.term1}},
			// Alternates too; the same start newest (highest id) first.
			{"organisation with alternates", w.union, []int{w.alt, w.alt2, w.union1}},
			{"person", w.chainPerson, []int{w.term3, w.term2, w.term1}},
		} {
			var out struct {
				Node struct{ AppointmentHistory []compRef }
			}
			a.do(q, &out, "id", compID(tc.id))
			wantCompIDs(t, tc.name, out.Node.AppointmentHistory, tc.want...)
			if tc.name == "organisation with alternates" {
				h := out.Node.AppointmentHistory
				if len(h) == 3 && (!h[0].IsAlternate || !h[1].IsAlternate || h[2].IsAlternate) {
					t.Errorf("isAlternate wrong in %v", h)
				}
			}
		}
	})
}

func TestReappointmentChain(t *testing.T) {
	eachCompWorld(t, func(t *testing.T, a *api, w compWorld, _ *store.DB) {
		const q = `query($id: ID!) { node(id: $id) { ... on Appointment {
			isAlternate chain { ` + compRefFields + ` seatAllocation { label } }
		} } }`
		for _, tc := range []struct {
			name      string
			id        int
			alternate bool
			want      []int
		}{
			{"middle term", w.term2, false, []int{w.term1, w.term2, w.term3}},
			{"first term", w.term1, false, []int{w.term1, w.term2, w.term3}},
			{"last term", w.term3, false, []int{w.term1, w.term2, w.term3}},
			{"single term", w.union1, false, []int{w.union1}},
			{"alternate", w.alt, true, []int{w.alt}},
		} {
			var out struct {
				Node struct {
					IsAlternate bool
					Chain       []compRef
				}
			}
			a.do(q, &out, "id", compID(tc.id))
			wantCompIDs(t, tc.name+" chain", out.Node.Chain, tc.want...)
			if out.Node.IsAlternate != tc.alternate {
				t.Errorf("%s: isAlternate = %v, want %v", tc.name, out.Node.IsAlternate, tc.alternate)
			}
		}
	})
}

// growCompWorld adds a body with n allocations of 3 seats, each held by
// two members (one of them with an alternate).
func growCompWorld(t *testing.T, c *ent.Client, name string, n int) int {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	o := c.Organisation.Create().SetName("Org of " + name).SetKind(vocab.Municipality).SaveX(ctx)
	b := c.Body.Create().SetName(name).SetKind(vocab.Council).SaveX(ctx)
	start := dates.MustParse("2018-06-01")
	for i := range n {
		al := c.SeatAllocation.Create().SetBodyID(b.ID).SetLabel(fmt.Sprintf("%s %d", name, i)).SetSeats(3).SaveX(ctx)
		var first int
		for k := range 3 {
			p := c.Person.Create().SetName(fmt.Sprintf("%s %d.%d", name, i, k)).SaveX(ctx)
			ap := c.Appointment.Create().SetPersonID(p.ID).SetSeatAllocationID(al.ID).SetOnBehalfOfID(o.ID).SetStartsOn(start)
			if k == 0 {
				first = ap.SaveX(ctx).ID
			} else if k == 1 {
				ap.SaveX(ctx)
			} else {
				ap.SetAlternateForID(first).SaveX(ctx)
			}
		}
	}
	return b.ID
}

const compLoadQuery = `query($id: ID!) {
  node(id: $id) { ... on Body {
    vacancyCount
    compositionSummary { seats held byOrganisationKind { kind seats } byGender { gender seats } }
    composition { label seats vacant
      holders { since until person { name } organisation { name kind }
        appointment { id isAlternate seatAllocation { label } }
        alternates { id person { name } onBehalfOf { name } alternateFor { id } } }
    }
  } }
  vacancies { body { name } allocation { label } vacant }
}`

// TestCompositionIsNotNPlusOne: the statements composition, vacancyCount,
// compositionSummary and vacancies send do not grow with the number of
// allocations, holders, alternates or bodies.
func TestCompositionIsNotNPlusOne(t *testing.T) {
	var counter storetest.Counter
	storetest.EachWith(t, storetest.Options{Wrap: counter.Wrap}, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		statements := func(body, allocations, vacancies int) int {
			var out struct {
				Node struct {
					Composition []struct {
						Holders []struct {
							Person     struct{ Name string }
							Alternates []struct{ Person struct{ Name string } }
						}
					}
				}
				Vacancies []struct{ Vacant int }
			}
			counter.Reset()
			a.do(compLoadQuery, &out, "id", compID(body))
			n := counter.N()
			if len(out.Node.Composition) != allocations || len(out.Vacancies) != vacancies {
				t.Fatalf("got %d lines and %d vacancies, want %d and %d", len(out.Node.Composition), len(out.Vacancies), allocations, vacancies)
			}
			for _, l := range out.Node.Composition {
				if len(l.Holders) != 2 || len(l.Holders[0].Alternates) != 1 || l.Holders[0].Alternates[0].Person.Name == "" {
					t.Fatalf("incomplete composition line: %+v", l)
				}
			}
			return n
		}
		small := statements(growCompWorld(t, db.Client, "Small", 2), 2, 2)
		for i := range 9 {
			growCompWorld(t, db.Client, fmt.Sprintf("Other %d", i), 2)
		}
		large := statements(growCompWorld(t, db.Client, "Large", 20), 20, 2+9*2+20)
		t.Logf("%d statements at 2 allocations (1 body), %d at 20 allocations (11 bodies, 40 vacancies)", small, large)
		if small != large {
			t.Fatalf("statements grow with data: %d at 2 allocations, %d at 20 (N+1)", small, large)
		}
	})
}
