package graph_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

type orgConn struct {
	Organisations struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		Edges []struct {
			Cursor string
			Node   struct{ Name string }
		}
	}
}

func (c orgConn) names() []string {
	var out []string
	for _, e := range c.Organisations.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

const orgPage = `query($first: Int, $after: Cursor, $last: Int, $before: Cursor, $order: OrganisationOrder, $where: OrganisationWhereInput) {
  organisations(first: $first, after: $after, last: $last, before: $before, orderBy: $order, where: $where) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name } }
  }
}`

// TestDanishCaseFolding: name search folds æ/ø/å on both databases (SQLite's
// own lower() folds only ASCII).
func TestDanishCaseFolding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		for _, n := range []string{"Ringkøbing-Skjern Kommune", "Århus Erhvervsakademi", "Ærø Kommune", "Aarhus Kommune"} {
			db.Client.Organisation.Create().SetName(n).SetKind(vocab.Municipality).SaveX(ctx)
		}
		for _, tc := range []struct {
			search string
			want   []string
		}{
			{"RINGKØBING", []string{"Ringkøbing-Skjern Kommune"}},
			{"ringkøbing", []string{"Ringkøbing-Skjern Kommune"}},
			{"århus", []string{"Århus Erhvervsakademi"}},
			{"ÅRHUS", []string{"Århus Erhvervsakademi"}},
			{"ÆRØ", []string{"Ærø Kommune"}},
			{"aarhus", []string{"Aarhus Kommune"}},
			{"KOMMUNE", []string{"Aarhus Kommune", "Ringkøbing-Skjern Kommune", "Ærø Kommune"}},
		} {
			var out orgConn
			a.do(orgPage, &out, "where", map[string]any{"nameContainsFold": tc.search}, "order", map[string]any{"field": "NAME"})
			got := out.names()
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("nameContainsFold %q = %v, want %v", tc.search, got, tc.want)
			}
		}
	})
}

// TestPaginationAndOrder walks the organisations forwards and backwards in
// several orders and checks every page against the full list.
func TestPaginationAndOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		names := []string{"Viborg", "Aarhus", "Herning", "Odder", "Skive", "Lemvig", "Randers"}
		for i, n := range names {
			db.Client.Organisation.Create().SetName(n + " Kommune").SetKind(vocab.Municipality).
				SetFoundedOn(dates.Of(2007, 1, 1).AddDays(i)).SaveX(ctx)
		}
		db.Client.Organisation.Create().SetName("Region Midtjylland").SetKind(vocab.Region).SaveX(ctx)

		// Full list by name, descending.
		var all orgConn
		a.do(orgPage, &all, "order", map[string]any{"field": "NAME", "direction": "DESC"}, "where", map[string]any{"kind": "MUNICIPALITY"})
		want := make([]string, len(names))
		for i, n := range names {
			want[i] = n + " Kommune"
		}
		slices.Sort(want)
		slices.Reverse(want)
		if !slices.Equal(all.names(), want) || all.Organisations.TotalCount != 7 {
			t.Fatalf("DESC by name = %v (total %d), want %v", all.names(), all.Organisations.TotalCount, want)
		}

		// Forward in pages of 3.
		var got []string
		var after any
		for page := 0; ; page++ {
			var p orgConn
			a.do(orgPage, &p, "first", 3, "after", after, "order", map[string]any{"field": "NAME", "direction": "DESC"},
				"where", map[string]any{"kind": "MUNICIPALITY"})
			if p.Organisations.TotalCount != 7 {
				t.Fatalf("totalCount on page %d = %d", page, p.Organisations.TotalCount)
			}
			got = append(got, p.names()...)
			if !p.Organisations.PageInfo.HasNextPage {
				break
			}
			after = *p.Organisations.PageInfo.EndCursor
			if page > 5 {
				t.Fatal("pagination does not end")
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("forward pages = %v, want %v", got, want)
		}

		// Backward: the last 2 before the 6th.
		var back orgConn
		a.do(orgPage, &back, "last", 2, "before", all.Organisations.Edges[5].Cursor,
			"order", map[string]any{"field": "NAME", "direction": "DESC"}, "where", map[string]any{"kind": "MUNICIPALITY"})
		if !slices.Equal(back.names(), want[3:5]) || !back.Organisations.PageInfo.HasPreviousPage {
			t.Fatalf("last 2 before #6 = %v (%+v), want %v", back.names(), back.Organisations.PageInfo, want[3:5])
		}

		// By date, with a date range filter.
		var dated orgConn
		a.do(orgPage, &dated, "order", map[string]any{"field": "FOUNDED_ON"},
			"where", map[string]any{"foundedOnGTE": "2007-01-03", "foundedOnLT": "2007-01-06"})
		if !slices.Equal(dated.names(), []string{"Herning Kommune", "Odder Kommune", "Skive Kommune"}) {
			t.Fatalf("founded 3–5 Jan 2007 = %v", dated.names())
		}

		// Created / updated order exist and agree with insertion order.
		var created orgConn
		a.do(orgPage, &created, "first", 2, "order", map[string]any{"field": "CREATED_AT"})
		if !slices.Equal(created.names(), []string{"Viborg Kommune", "Aarhus Kommune"}) {
			t.Fatalf("by CREATED_AT = %v", created.names())
		}
		a.do(orgPage, &created, "first", 1, "order", map[string]any{"field": "UPDATED_AT", "direction": "DESC"})
		if created.Organisations.TotalCount != 8 {
			t.Fatalf("UPDATED_AT order total = %d", created.Organisations.TotalCount)
		}

		// A cursor that is not one.
		a.fails(orgPage, "BAD_USER_INPUT", "after", "first", 2, "after", "not-a-cursor")
	})
}

// TestEdgesBothWays follows every relation from both ends.
func TestEdgesBothWays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		region := c.Organisation.Create().SetName("Region Midtjylland").SetKind(vocab.Region).SaveX(ctx)
		aarhus := c.Organisation.Create().SetName("Aarhus Kommune").SetKind(vocab.Municipality).SaveX(ctx)
		bra := c.Organisation.Create().SetName("Business Region Aarhus").SetKind(vocab.BusinessRegion).AddMembers(aarhus).SaveX(ctx)
		old := c.Body.Create().SetName("Kompetencerådet").SetKind(vocab.Council).SaveX(ctx)
		vf := c.Body.Create().SetName("Vækstforum").SetKind(vocab.Forum).SaveX(ctx)
		council := c.Body.Create().SetName("Rådet for fremtidens kompetencer").SetKind(vocab.Council).
			SetOwner(region).AddReplaces(old).AddAdvises(vf).SetMandate([]string{"Rådgive", "Sikre fremdrift"}).SaveX(ctx)
		// Created out of order: position decides.
		second := c.SeatAllocation.Create().SetBody(council).SetLabel("Kommunerne").SetSeats(3).SetPosition(2).
			SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx)
		first := c.SeatAllocation.Create().SetBody(council).SetLabel("Region Midtjylland").SetSeats(1).SetRole(vocab.Chair).
			SetPosition(1).AddEligibleOrganisations(region).SetNominatingOrganisation(region).SaveX(ctx)
		third := c.SeatAllocation.Create().SetBody(council).SetLabel("Business Regions").SetSeats(2).SaveX(ctx) // no position: goes last
		p := c.Person.Create().SetName("Demo Person").SetAffiliation(aarhus).SaveX(ctx)
		c.Appointment.Create().SetPerson(p).SetSeatAllocation(second).SetOnBehalfOf(aarhus).SetStartsOn(dates.MustParse("2018-06-01")).SaveX(ctx)
		_ = first

		var out struct {
			Node struct {
				Name       string
				Mandate    []string
				Owner      struct{ Name string }
				Replaces   []struct{ Name string }
				Advises    []struct{ Name string }
				SeatAllocs []struct {
					Label, Role            string
					Position               int
					EligibleKinds          []string
					EligibleOrganisations  []struct{ Name string }
					NominatingOrganisation *struct{ Name string }
					Body                   struct{ Name string }
					Appointments           []struct {
						Person struct {
							Name        string
							Affiliation struct{ Name string }
						}
						OnBehalfOf struct {
							Name     string
							MemberOf []struct{ Name string }
						}
					}
				} `json:"seatAllocations"`
			}
		}
		a.do(`query($id: ID!) { node(id: $id) { ... on Body {
			name mandate owner { name } replaces { name } advises { name }
			seatAllocations { label role position eligibleKinds eligibleOrganisations { name } nominatingOrganisation { name } body { name }
				appointments { person { name affiliation { name } } onBehalfOf { name memberOf { name } } } }
		} } }`, &out, "id", council.ID)
		n := out.Node
		var labels []string
		for _, s := range n.SeatAllocs {
			labels = append(labels, s.Label)
		}
		if !slices.Equal(labels, []string{"Region Midtjylland", "Kommunerne", "Business Regions"}) {
			t.Fatalf("seat allocations not in position order: %v", labels)
		}
		if n.SeatAllocs[2].Position != 3 {
			t.Errorf("allocation without position got %d, want 3 (after the last)", n.SeatAllocs[2].Position)
		}
		if n.Owner.Name != "Region Midtjylland" || len(n.Replaces) != 1 || n.Replaces[0].Name != "Kompetencerådet" ||
			len(n.Advises) != 1 || n.Advises[0].Name != "Vækstforum" || !slices.Equal(n.Mandate, []string{"Rådgive", "Sikre fremdrift"}) {
			t.Errorf("body fields: %+v", n)
		}
		s0, s1 := n.SeatAllocs[0], n.SeatAllocs[1]
		if s0.Role != "CHAIR" || s0.EligibleOrganisations[0].Name != "Region Midtjylland" || s0.NominatingOrganisation == nil ||
			!slices.Equal(s1.EligibleKinds, []string{"MUNICIPALITY"}) || s1.Body.Name != n.Name {
			t.Errorf("allocation fields: %+v / %+v", s0, s1)
		}
		ap := s1.Appointments[0]
		if ap.Person.Name != "Demo Person" || ap.Person.Affiliation.Name != "Aarhus Kommune" ||
			len(ap.OnBehalfOf.MemberOf) != 1 || ap.OnBehalfOf.MemberOf[0].Name != "Business Region Aarhus" {
			t.Errorf("appointment: %+v", ap)
		}

		// The other direction.
		var back struct {
			Old    struct{ ReplacedBy []struct{ Name string } }
			VF     struct{ AdvisedBy []struct{ Name string } }
			Region struct {
				OwnedBodies              []struct{ Name string }
				NominatedSeatAllocations []struct{ Label string }
				EligibleFor              []struct{ Label string }
			}
			Aarhus struct {
				Appointments struct {
					TotalCount int
					Edges      []struct {
						Node struct{ SeatAllocation struct{ Label string } }
					}
				}
				AffiliatedPeople []struct{ Name string }
			}
			BRA    struct{ Members []struct{ Name string } }
			Person struct {
				Appointments struct{ TotalCount int }
			}
		}
		a.do(fmt.Sprintf(`{
			old: node(id: %d) { ... on Body { replacedBy { name } } }
			vf: node(id: %d) { ... on Body { advisedBy { name } } }
			region: node(id: %d) { ... on Organisation { ownedBodies { name } nominatedSeatAllocations { label } eligibleFor { label } } }
			aarhus: node(id: %d) { ... on Organisation {
				appointments(first: 10, orderBy: {field: STARTS_ON}) { totalCount edges { node { seatAllocation { label } } } }
				affiliatedPeople { name } } }
			bra: node(id: %d) { ... on Organisation { members { name } } }
			person: node(id: %d) { ... on Person { appointments { totalCount } } }
		}`, old.ID, vf.ID, region.ID, aarhus.ID, bra.ID, p.ID), &back)
		if len(back.Old.ReplacedBy) != 1 || len(back.VF.AdvisedBy) != 1 || len(back.Region.OwnedBodies) != 1 ||
			len(back.Region.NominatedSeatAllocations) != 1 || len(back.Region.EligibleFor) != 1 ||
			back.Aarhus.Appointments.TotalCount != 1 || back.Aarhus.Appointments.Edges[0].Node.SeatAllocation.Label != "Kommunerne" ||
			len(back.Aarhus.AffiliatedPeople) != 1 || len(back.BRA.Members) != 1 || back.Person.Appointments.TotalCount != 1 {
			t.Errorf("reverse edges: %+v", back)
		}
		_ = third

		// Filters across edges.
		var filtered struct {
			SeatAllocations struct {
				Edges []struct{ Node struct{ Label string } }
			}
		}
		a.do(`{ seatAllocations(where: {hasAppointmentsWith: {hasOnBehalfOfWith: {kind: MUNICIPALITY}}}) { edges { node { label } } } }`, &filtered)
		if len(filtered.SeatAllocations.Edges) != 1 || filtered.SeatAllocations.Edges[0].Node.Label != "Kommunerne" {
			t.Errorf("hasAppointmentsWith filter: %+v", filtered)
		}
	})
}

// TestDeferResolvesInline: pactreg's transports send one response, and
// nothing below a root resolves concurrently (graph/gqlgen.go), so a
// fragment marked @defer comes in that response like any other.
func TestDeferResolvesInline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		var out struct {
			Node struct {
				Label string
				Body  struct{ Name string }
			}
		}
		a.do(fmt.Sprintf(`{ node(id: %d) { ... on SeatAllocation { label ... @defer { body { name } } } } }`, w.kommuner), &out)
		if out.Node.Label == "" || out.Node.Body.Name == "" {
			t.Errorf("deferred fields missing: %+v", out)
		}
	})
}
