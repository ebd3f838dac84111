package limits_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph/limits"
)

const tooComplex, rateLimited = "QUERY_TOO_COMPLEX", "RATE_LIMITED"

func TestPageSize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db, limits.Config{})
		seedOrganisations(t, db, 3)

		var out struct{ Organisations conn }
		s.ok(`{ organisations(first: 100) { totalCount edges { node { id } } } }`, &out)
		if out.Organisations.TotalCount != 3 || len(out.Organisations.Edges) != 3 {
			t.Fatalf("first: 100 = %+v", out.Organisations)
		}
		s.ok(`{ organisations(last: 100) { edges { node { id } } } }`, nil)

		e := s.refused(`{ organisations(first: 101) { totalCount } }`, tooComplex, "first").errors[0]
		if e.Message != "first may be at most 100, got 101" {
			t.Errorf("message: %s", e.Message)
		}
		s.refused(`{ organisations(last: 101) { totalCount } }`, tooComplex, "last")
		e = s.refused(`{ organisations(first: -1) { totalCount } }`, tooComplex, "first").errors[0]
		if e.Message != "first may not be negative, got -1" {
			t.Errorf("message: %s", e.Message)
		}
		s.refused(`{ people(last: -5) { totalCount } }`, tooComplex, "last")
		// Nested connections, and sizes given as variables.
		s.refused(`{ organisations(first: 5) { edges { node { appointments(first: 500) { totalCount } } } } }`,
			tooComplex, "first")
		s.refused(`query($n: Int) { organisations(first: 5) { edges { node { appointments(last: $n) { totalCount } } } } }`,
			tooComplex, "last", client.Var("n", 500))
		s.ok(`query($n: Int) { organisations(first: $n) { totalCount } }`, nil, client.Var("n", 100))
	})
}

func TestDefaultPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db, limits.Config{})
		orgs := seedOrganisations(t, db, limits.DefaultDefaultPage+5)
		seedAppointments(t, db, orgs[0], limits.DefaultDefaultPage+5)

		page := func(name string, c conn, want int, more bool) {
			t.Helper()
			if len(c.Edges) != want || c.PageInfo.HasNextPage != more {
				t.Errorf("%s: %d edges, hasNextPage %v; want %d, %v", name, len(c.Edges), c.PageInfo.HasNextPage, want, more)
			}
		}
		var out struct{ Organisations conn }
		const top = `{ organisations { totalCount pageInfo { hasNextPage } edges { node { id } } } }`
		s.ok(top, &out)
		page("top level", out.Organisations, limits.DefaultDefaultPage, true)
		if out.Organisations.TotalCount != len(orgs) {
			t.Errorf("totalCount %d, want %d", out.Organisations.TotalCount, len(orgs))
		}

		// A nested connection without arguments: Organisation.appointments.
		s.ok(fmt.Sprintf(`{ organisations(where: {id: "%d"}) { edges { node { id
			appointments { totalCount pageInfo { hasNextPage } edges { node { id } } } } } } }`, orgs[0]), &out)
		if len(out.Organisations.Edges) != 1 {
			t.Fatalf("want the one organisation, got %+v", out.Organisations)
		}
		nested := *out.Organisations.Edges[0].Node.Appointments
		page("nested", nested, limits.DefaultDefaultPage, true)
		if nested.TotalCount != limits.DefaultDefaultPage+5 {
			t.Errorf("nested totalCount %d", nested.TotalCount)
		}

		// Inside fragments, named and inline.
		s.ok(`query { ...Orgs }
			fragment Orgs on Query { organisations { ...Page } }
			fragment Page on OrganisationConnection { pageInfo { hasNextPage } edges { node { id } } }`, &out)
		page("fragment", out.Organisations, limits.DefaultDefaultPage, true)
		s.ok(`{ ... on Query { organisations { pageInfo { hasNextPage } edges { node { id } } } } }`, &out)
		page("inline fragment", out.Organisations, limits.DefaultDefaultPage, true)

		// Pages given as null variables are default pages too, on the same
		// parsed document as pages given as numbers.
		const byVar = `query($n: Int) { organisations(first: $n) { pageInfo { hasNextPage } edges { node { id } } } }`
		for _, c := range []struct {
			name string
			opts []client.Option
			want int
		}{
			{"n = 3", []client.Option{client.Var("n", 3)}, 3},
			{"n null", []client.Option{client.Var("n", nil)}, limits.DefaultDefaultPage},
			{"n unset", nil, limits.DefaultDefaultPage},
			{"n = 4 again", []client.Option{client.Var("n", 4)}, 4},
			{"n = 100", []client.Option{client.Var("n", 100)}, len(orgs)},
		} {
			s.ok(byVar, &out, c.opts...)
			page(c.name, out.Organisations, c.want, c.want < len(orgs))
		}
		// first null but last given: last bounds the page.
		const both = `query($f: Int, $l: Int) { organisations(first: $f, last: $l) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`
		s.ok(both, &out, client.Var("f", nil), client.Var("l", 2))
		if len(out.Organisations.Edges) != 2 || !out.Organisations.PageInfo.HasPreviousPage {
			t.Errorf("last 2: %+v", out.Organisations)
		}
		s.ok(both, &out, client.Var("f", nil), client.Var("l", nil))
		page("first and last null", out.Organisations, limits.DefaultDefaultPage, true)
		s.ok(`{ organisations(first: null) { pageInfo { hasNextPage } edges { node { id } } } }`, &out)
		page("literal null", out.Organisations, limits.DefaultDefaultPage, true)
	})
}

// seedAppointments gives org n appointments.
func seedAppointments(t *testing.T, db *store.DB, org, n int) {
	t.Helper()
	c := db.Client
	body := c.Body.Create().SetName("Rådet").SetKind(vocab.Council).SaveX(system)
	alloc := c.SeatAllocation.Create().SetBodyID(body.ID).SetLabel("Kommunerne").SetSeats(n).SaveX(system)
	for i := range n {
		p := c.Person.Create().SetName(fmt.Sprintf("Person %03d", i)).SaveX(system)
		c.Appointment.Create().SetPersonID(p.ID).SetSeatAllocationID(alloc.ID).SetOnBehalfOfID(org).
			SetStartsOn(dates.MustParse("2020-01-01")).SaveX(system)
	}
}

func TestCachedDocumentIsNotChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db, limits.Config{})
		seedOrganisations(t, db, limits.DefaultDefaultPage+5)

		const q = `query Q { organisations { edges { node { id appointments { totalCount } } } } ...F }
			fragment F on Query { people { totalCount } }`
		const other = `{ organisations(first: 2) { edges { node { name } } } }`
		var out struct{ Organisations conn }
		for i, c := range []struct {
			query string
			want  int
		}{{q, limits.DefaultDefaultPage}, {other, 2}, {q, limits.DefaultDefaultPage}, {other, 2}} {
			s.ok(c.query, &out)
			if got := len(out.Organisations.Edges); got != c.want {
				t.Errorf("request %d: %d edges, want %d", i, got, c.want)
			}
		}
		doc, ok := s.cache.Get(context.Background(), q)
		if !ok {
			t.Fatal("the query is not in the query cache")
		}
		if n := countArguments(doc, "first"); n != 0 {
			t.Errorf("the cached document has %d first arguments; the limits changed it", n)
		}
	})
}

// countArguments counts the arguments called name anywhere in doc.
func countArguments(doc *ast.QueryDocument, name string) int {
	n := 0
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if s.Arguments.ForName(name) != nil {
					n++
				}
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	return n
}

func TestListLengths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db, limits.Config{})
		orgs := seedOrganisations(t, db, 2)

		e := s.refused(`{ nodes(ids: `+idList(101)+`) { id } }`, tooComplex, "ids").errors[0]
		if e.Message != "nodes takes at most 100 ids at a time, got 101" {
			t.Errorf("message: %s", e.Message)
		}
		s.refused(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, tooComplex, "ids", client.Var("ids", ids(101)))
		var nodes struct{ Nodes []struct{ ID string } }
		s.ok(fmt.Sprintf(`{ nodes(ids: ["%d", "%d"]) { id } }`, orgs[0], orgs[1]), &nodes)
		if len(nodes.Nodes) != 2 {
			t.Errorf("nodes: %+v", nodes)
		}

		// Any list argument or input field, nested or in variables.
		e = s.refused(`{ organisations(where: {idIn: `+idList(251)+`}) { totalCount } }`, tooComplex, "idIn").errors[0]
		if e.Message != "idIn may hold at most 250 items, got 251" {
			t.Errorf("message: %s", e.Message)
		}
		s.ok(`{ organisations(where: {idIn: `+idList(250)+`}) { totalCount } }`, nil)
		s.refused(`query($w: OrganisationWhereInput) { organisations(where: $w) { totalCount } }`,
			tooComplex, "idIn", client.Var("w", map[string]any{"or": []any{map[string]any{"idIn": ids(251)}}}))
		s.refused(`query($ids: [ID!]) { organisations(where: {or: [{name: "x"}, {idIn: $ids}]}) { totalCount } }`,
			tooComplex, "idIn", client.Var("ids", ids(300)))
		many := make([]any, 251)
		for i := range many {
			many[i] = map[string]any{"name": "x"}
		}
		s.refused(`query($w: OrganisationWhereInput) { organisations(where: $w) { totalCount } }`,
			tooComplex, "or", client.Var("w", map[string]any{"or": many}))

		// A refused mutation writes nothing.
		before := countOrganisations(t, db)
		s.refused(`mutation { createOrganisation(input: {name: "Ny", kind: MUNICIPALITY, memberOfIDs: `+idList(251)+`}) { id } }`,
			tooComplex, "memberOfIDs", asEditor())
		s.refused(`mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { id } }`,
			tooComplex, "memberOfIDs", asEditor(),
			client.Var("in", map[string]any{"name": "Ny", "kind": "MUNICIPALITY", "memberOfIDs": ids(251)}))
		if after := countOrganisations(t, db); after != before {
			t.Fatalf("a refused mutation wrote: %d organisations, then %d", before, after)
		}
		// The same mutation within the limits does write (so the check above means something).
		s.ok(fmt.Sprintf(`mutation { createOrganisation(input: {name: "Ny", kind: MUNICIPALITY, memberOfIDs: ["%d"]}) { id } }`, orgs[0]),
			nil, asEditor())
		if after := countOrganisations(t, db); after != before+1 {
			t.Fatalf("the allowed mutation did not write: %d organisations, then %d", before, after)
		}
	})
}

// deep selects organisations → edges → node → memberOf nested levels
// times → id: levels+4 fields deep.
func deep(levels int) string {
	return `{ organisations(first: 1) { edges { node { ` + strings.Repeat("memberOf { ", levels) + "id" +
		strings.Repeat(" }", levels) + " } } } }"
}

func TestDepth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db, limits.Config{ListFanout: 1})
		seedOrganisations(t, db, 1)

		s.ok(deep(11), nil) // 15 levels
		e := s.refused(deep(12), tooComplex, "").errors[0]
		if e.Message != "the query nests fields 16 levels deep; the limit is 15" {
			t.Errorf("message: %s", e.Message)
		}
		// Fragments are expanded: the same 16 levels through two of them.
		s.refused(`{ ...Top } fragment Top on Query { organisations(first: 1) { edges { node { ...Members } } } }
			fragment Members on Organisation { memberOf { memberOf { memberOf { memberOf { memberOf { memberOf {
				memberOf { memberOf { memberOf { memberOf { memberOf { memberOf { id } } } } } } } } } } } } }`,
			tooComplex, "")
	})
}

func TestCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db, limits.Config{MaxCost: 1000, ListFanout: 1})
		org := seedOrganisations(t, db, 3)[0]

		for _, c := range []struct {
			name  string
			query string
			cost  int
		}{
			// 1 + 10 × max(1, memberOf: 1 + 0) = 11; totalCount, pageInfo,
			// cursor and scalars are free.
			{"connection", `{ organisations(first: 10) { totalCount pageInfo { hasNextPage }
				edges { cursor node { id name memberOf { id name } } } } }`, 11},
			// Default pages: 1 + 20 × (appointments: 1 + 20 × max(1, 0)) = 421.
			{"default pages", `{ organisations { edges { node { id appointments { totalCount } } } } }`, 421},
			// a: 1 + 2 × max(1, 0) = 3; node on the Node interface: 1 + the
			// larger type: Organisation (memberOf 1 + ownedBodies 1 = 2)
			// over Person (affiliation 1) = 3; total 6.
			{"interface", `{ a: organisations(first: 2) { edges { node { name } } }
				node(id: "ORG") { id ... on Organisation { memberOf { id } ownedBodies { name } }
					... on Person { affiliation { name } } } }`, 6},
			// 1 + 3 ids × max(1, 0) = 4.
			{"nodes", `{ nodes(ids: ["ORG", "ORG", "ORG"]) { id } }`, 4},
			// Fragments count as written out. Person: affiliation (1 +
			// memberOf 1) = 2, appointments 1 + 3 × max(1, onBehalfOf 1) = 4:
			// 6 per person; people: 1 + 5 × 6 = 31.
			{"fragments", `{ ...Q } fragment Q on Query { people(first: 5) { edges { node { ...P } } } }
				fragment P on Person { affiliation { memberOf { id } }
					appointments(last: 3) { edges { node { onBehalfOf { name } } } } }`, 31},
			// @include(if: false) drops memberOf: 1 + 10 × max(1, 0) = 11.
			{"include false", `{ organisations(first: 10) { edges { node {
				memberOf @include(if: false) { memberOf { id } } } } } }`, 11},
			// With it: 1 + 10 × (1 + 1) = 21.
			{"include true", `{ organisations(first: 10) { edges { node {
				memberOf @include(if: true) { memberOf { id } } } } } }`, 21},
		} {
			r := s.ok(strings.ReplaceAll(c.query, "ORG", fmt.Sprint(org)), nil)
			if r.cost() != c.cost {
				t.Errorf("%s: extensions.cost = %d, want %d", c.name, r.cost(), c.cost)
			}
		}

		// 1 + 100 × (1 + 100 × max(1, 0)) = 10101 > 1000.
		r := s.refused(`{ organisations(first: 100) { edges { node { appointments(first: 100) { totalCount } } } } }`,
			tooComplex, "")
		e := r.errors[0]
		if !strings.Contains(e.Message, "10101") || !strings.Contains(e.Message, "1000") {
			t.Errorf("the message does not give the cost and the limit: %s", e.Message)
		}
		if e.Extensions["cost"] != float64(10101) || e.Extensions["maxCost"] != float64(1000) {
			t.Errorf("error extensions: %v", e.Extensions)
		}
		if r.cost() != 10101 {
			t.Errorf("a refused response has extensions.cost %d, want 10101", r.cost())
		}
		// Other refusals report the cost too.
		if r := s.refused(`{ organisations(first: 101) { totalCount } }`, tooComplex, "first"); r.cost() != 102 {
			t.Errorf("extensions.cost of a refused page size: %d, want 102", r.cost())
		}
	})
}

func TestRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		s := newServer(t, db, limits.Config{MaxCost: 20, RatePerSecond: 1, RateBurst: 25, Now: clk.Now, ListFanout: 1})
		seedOrganisations(t, db, 3)
		const q = `{ organisations(first: 10) { edges { node { memberOf { id } } } } }` // costs 11

		a, b := fromIP("192.0.2.1"), fromIP("192.0.2.2")
		s.ok(q, nil, a) // 25 → 14
		s.ok(q, nil, a) // 14 → 3
		r := s.refused(q, rateLimited, "", a)
		if got := r.errors[0].Extensions["retryAfter"]; got != float64(8) { // (11 - 3) / 1 per second
			t.Errorf("retryAfter = %v, want 8", got)
		}
		if r.cost() != 11 {
			t.Errorf("a rate-limited response has extensions.cost %d, want 11", r.cost())
		}
		s.ok(q, nil, b) // another address has its own bucket
		clk.Advance(7 * time.Second)
		if got := s.refused(q, rateLimited, "", a).errors[0].Extensions["retryAfter"]; got != float64(1) {
			t.Errorf("retryAfter = %v, want 1", got) // 10 of 11 points
		}
		clk.Advance(time.Second)
		s.ok(q, nil, a)

		// A rate-limited mutation does not run.
		s.ok(`{ organisations(first: 19) { edges { node { id } } } }`, nil, asEditor()) // 25 → 5
		const create = `mutation { createOrganisation(input: {name: "Ny", kind: MUNICIPALITY}) {
			id memberOf { id } members { id } affiliatedPeople { id } ownedBodies { id } eligibleFor { id } } }` // costs 6
		before := countOrganisations(t, db)
		s.refused(create, rateLimited, "", asEditor())
		if after := countOrganisations(t, db); after != before {
			t.Fatalf("a rate-limited mutation wrote: %d organisations, then %d", before, after)
		}
		clk.Advance(time.Second)
		s.ok(create, nil, asEditor())
		if after := countOrganisations(t, db); after != before+1 {
			t.Fatalf("the mutation did not write once paid for: %d, then %d", before, after)
		}
	})
}
