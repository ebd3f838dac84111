package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/direct"
	"github.com/pactreg/pactreg/graph/limits"
	"github.com/pactreg/pactreg/graph/metrics"
)

// seedDirect fills a registry with a value of every kind the direct path
// writes, null and not: text that needs escaping, unset optional columns,
// a body without seats, allocations whose position order is not their id
// order, appointments starting on one day (ordered by id) and before
// older ones, alternates, a reappointment and a replacement.
func seedDirect(t *testing.T, a *api) {
	t.Helper()
	c, ctx := a.db.Client, authz.SystemContext(context.Background())
	region := c.Organisation.Create().SetName("Region \"Midt\" \\ Øst\n\tfane\x01\x7f\u2028 ☃ <&>").SetShortName("RM").
		SetKind(vocab.Region).SetWebsite("https://rm.dk").SetEmail("rm@rm.dk").
		SetFoundedOn(dates.MustParse("2007-01-01")).SaveX(ctx)
	kommune := c.Organisation.Create().SetName("Aarhus Kommune").SetKind(vocab.Municipality).SetMunicipalityCode("751").SaveX(ctx)
	plain := c.Organisation.Create().SetName("3F").SetKind(vocab.TradeUnion).SaveX(ctx)
	council := c.Body.Create().SetName("Rådet for fremtidens kompetencer").SetShortName("RFK").SetDescription("Rådgiver <regionen> & \"pagten\"").
		SetKind(vocab.Council).SetOwnerID(region.ID).SetEstablishedOn(dates.MustParse("2018-04-25")).
		SetDefaultTermMonths(48).SetMaxConsecutiveTerms(2).SaveX(ctx)
	c.Body.Create().SetName("Tomt udvalg").SetKind(vocab.Committee).SaveX(ctx)
	later := c.SeatAllocation.Create().SetBodyID(council.ID).SetLabel("Kommunerne").SetSeats(3).SetPosition(2).
		SetNominatingOrganisationID(kommune.ID).SaveX(ctx)
	first := c.SeatAllocation.Create().SetBodyID(council.ID).SetLabel("Formand").SetSeats(1).SetRole(vocab.Chair).SetPosition(1).SaveX(ctx)
	ada := c.Person.Create().SetName("Ada Ø. Lovelace").SetTitle("Direktør").SetEmail("ada@example.dk").SetPhone("+45 12 34 56 78").
		SetGender(vocab.Female).SetAffiliationID(kommune.ID).SaveX(ctx)
	bo := c.Person.Create().SetName("Bo").SaveX(ctx)
	dee := c.Person.Create().SetName("Dee").SetAffiliationID(plain.ID).SaveX(ctx)
	cy := c.Person.Create().SetName("Cy \"C\" Ø").SetGender(vocab.NotStated).SaveX(ctx)
	chair := c.Appointment.Create().SetPersonID(ada.ID).SetSeatAllocationID(first.ID).SetOnBehalfOfID(region.ID).
		SetStartsOn(dates.MustParse("2020-01-01")).SetEndsOn(dates.MustParse("2021-12-31")).SetNote("Aftalt \"mundtligt\"").SaveX(ctx)
	late := c.Appointment.Create().SetPersonID(bo.ID).SetSeatAllocationID(later.ID).SetOnBehalfOfID(kommune.ID).
		SetStartsOn(dates.MustParse("2020-06-01")).SetEndsOn(dates.MustParse("2030-05-31")).SaveX(ctx)
	early := c.Appointment.Create().SetPersonID(cy.ID).SetSeatAllocationID(later.ID).SetOnBehalfOfID(kommune.ID).
		SetStartsOn(dates.MustParse("2019-06-01")).SetEndsOn(dates.MustParse("2030-05-31")).SaveX(ctx)
	c.Appointment.Create().SetPersonID(ada.ID).SetSeatAllocationID(later.ID).SetOnBehalfOfID(kommune.ID).
		SetStartsOn(dates.MustParse("2019-06-01")).SetEndsOn(dates.MustParse("2030-05-31")).SetAlternateForID(early.ID).SaveX(ctx)
	a.do(`mutation($id: ID!) { reappoint(id: $id) { id } }`, nil, "id", chair.ID)
	a.do(`mutation($id: ID!, $p: ID!) { replaceAppointment(id: $id, input: {personID: $p, startsOn: "2024-01-01"}) { id } }`, nil,
		"id", late.ID, "p", dee.ID)
}

// selectAll is every field of typ that the direct path answers, edges
// depth levels deep, and __typename.
func selectAll(types map[string]direct.Type, typ string, depth int) string {
	ty := types[typ]
	var b strings.Builder
	b.WriteString("{ __typename ")
	for _, f := range ty.Fields {
		b.WriteString(f + " ")
	}
	if depth > 0 {
		edges := make([]string, 0, len(ty.Edges))
		for e := range ty.Edges {
			edges = append(edges, e)
		}
		slices.Sort(edges)
		for _, e := range edges {
			b.WriteString(e + " " + selectAll(types, ty.Edges[e], depth-1) + " ")
		}
	}
	b.WriteString("}")
	return b.String()
}

// directPair is the same registry behind two handlers, one with the
// direct read path and one without, and a metrics registry that counts
// the direct path's answers.
type directPair struct {
	t          *testing.T
	direct, en http.Handler
	reg        *metrics.Registry
	tokens     map[authz.Role]string
}

func newDirectPair(t *testing.T, db *store.DB) *directPair {
	lim := limits.DefaultConfig()
	lim.RatePerSecond = 0
	lim.MaxCost = 1_000_000
	cfg := graph.Config{Logger: testLogger(), Auth: authn.Config{AdminToken: testAdminToken}, Limits: &lim}
	p := &directPair{t: t, en: graph.NewHandler(db.Client, cfg), reg: metrics.New(metrics.Options{}), tokens: map[authz.Role]string{}}
	cfg.Driver, cfg.Metrics = db.Driver, p.reg
	p.direct = graph.NewHandler(db.Client, cfg)
	for _, r := range []authz.Role{authz.Reader, authz.Editor, authz.Admin} {
		p.tokens[r] = tokenFor(t, db, r)
	}
	return p
}

// answered is how many queries the direct path has answered.
func (p *directPair) answered() float64 {
	p.t.Helper()
	fams, err := p.reg.Gatherer().Gather()
	if err != nil {
		p.t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == "pactreg_graphql_direct_total" {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	p.t.Fatal("no pactreg_graphql_direct_total")
	return 0
}

// compare sends query as role to both handlers and fails unless their
// replies are the same bytes; it returns the reply and whether the
// direct path answered it.
func (p *directPair) compare(role authz.Role, query string, variables map[string]any) ([]byte, bool) {
	p.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		p.t.Fatal(err)
	}
	send := func(h http.Handler) []byte {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if role != authz.Anonymous {
			req.Header.Set("Authorization", "Bearer "+p.tokens[role])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out, _ := io.ReadAll(rec.Result().Body)
		return out
	}
	before := p.answered()
	got := send(p.direct)
	answered := p.answered() > before
	want := send(p.en)
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		p.t.Fatalf("as %s, the direct path (answered: %v) differs from ent at byte %d:\ndirect: …%.400s\n   ent: …%.400s\nquery: %s",
			role, answered, i, got[max(0, i-120):], want[max(0, i-120):], query)
	}
	return got, answered
}

// TestDirectMatchesEnt: every field and edge the direct path answers, at
// every root, page by page, for every role, is answered byte for byte as
// the ent path answers it; queries it does not know go to ent.
func TestDirectMatchesEnt(t *testing.T) {
	types := map[string]direct.Type{}
	for _, ty := range direct.Types() {
		types[ty.Name] = ty
	}
	roles := []authz.Role{authz.Anonymous, authz.Reader, authz.Editor, authz.Admin}
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend, storetest.Options{})
			seedDirect(t, newAPI(t, db))
			p := newDirectPair(t, db)
			mustAnswer := func(role authz.Role, query string, variables map[string]any) []byte {
				t.Helper()
				out, answered := p.compare(role, query, variables)
				if !answered {
					t.Fatalf("as %s, the direct path did not answer %s: %s", role, query, out)
				}
				if bytes.Contains(out, []byte(`"errors"`)) {
					t.Fatalf("as %s: %s", role, out)
				}
				return out
			}
			for _, role := range roles {
				for _, ty := range direct.Types() {
					// Every field two edges deep, page by page (2 rows a page).
					query := fmt.Sprintf(`query($after: Cursor) { %s(first: 2, after: $after) { __typename totalCount
						pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
						edges { __typename cursor node %s } } }`, ty.Root, selectAll(types, ty.Name, 2))
					var after any
					for pages := 0; ; pages++ {
						out := mustAnswer(role, query, map[string]any{"after": after})
						var page struct {
							Data map[string]struct {
								PageInfo struct {
									HasNextPage bool
									EndCursor   *string
								}
							}
						}
						if err := json.Unmarshal(out, &page); err != nil {
							t.Fatal(err)
						}
						info := page.Data[ty.Root].PageInfo
						if !info.HasNextPage {
							if pages == 0 && ty.Root != "bodies" && ty.Root != "seatAllocations" {
								t.Fatalf("%s has one page only: the seed is too small to page", ty.Root)
							}
							break
						}
						after = *info.EndCursor
					}
				}
				// A to-one edge under two aliases, and lists of the same name
				// inside them, two levels deep (ent/entc.go: sharedEdges).
				out := mustAnswer(role, `{ bodies(first: 5) { edges { node { owner { name } o2: owner { id } } } }
					appointments(first: 10) { edges { node { person { name email } p2: person { id }
						seatAllocation { appointments { endsOn person { name } } body { seatAllocations { label } } }
						s2: seatAllocation { appointments { startsOn person { title } } body { seatAllocations { id } } } } } } }`, nil)
				for _, want := range []string{`"owner":{"name":"Region`, `"endsOn":"2021-12-31","person":{"name":"Ada`, `"seatAllocations":[{"label":"Formand"}`} {
					if !bytes.Contains(out, []byte(want)) {
						t.Fatalf("the first alias lost %s: %s", want, out)
					}
				}
				// The benchmark's shape, four levels deep.
				mustAnswer(role, `{ bodies(first: 20) { edges { node { id name seatAllocations { id role
					nominatingOrganisation { name } appointments { id person { name affiliation { name } } } } } } } }`, nil)
				// Aliases, fragments, @skip and @include, a field asked twice.
				mustAnswer(role, `query($yes: Boolean!) { b: bodies(first: 5) { totalCount edges { node {
					...B ... on Node { id } x: name @include(if: $yes) y: name @skip(if: $yes)
					seatAllocations { ... on SeatAllocation { label } appointments @include(if: $yes) { person { ...P } } } } } }
					o: organisations(first: 1) { edges { cursor } } people(first: 1) { pageInfo { more: hasNextPage endCursor } totalCount } }
					fragment B on Body { name name kind owner { name } }
					fragment P on Person { email phone gender name }`, map[string]any{"yes": true})
			}
			// What the direct path leaves to ent: the same answers, not its.
			for _, q := range []string{
				`{ bodies(first: 2, orderBy: {field: NAME}) { edges { node { name } } } }`,
				`{ bodies(first: 2, where: {nameContains: "Råd"}) { edges { node { name } } } }`,
				`{ bodies(last: 2) { edges { node { name } } } }`,
				`{ bodies(first: 0) { totalCount pageInfo { hasNextPage } edges { node { name } } } }`,
				`{ bodies(first: 2) { edges { node { name vacancyCount } } } }`,
				`{ bodies(first: 2) { edges { node { name mandate } } } }`,
				`{ organisations(first: 2) { edges { node { name appointments(first: 1) { totalCount } } } } }`,
				`{ bodies(first: 2) { edges { node { name } } } node(id: 1) { id } }`,
				`{ bodies(first: 2) { edges { node { name ... @defer { kind } } } } }`,
				// entgql reads a connection's members by response key, so
				// aliases there change its answer.
				`{ bodies(first: 5) { e: edges { node { id } } } }`,
				`{ bodies(first: 1) { n: totalCount edges { cursor } } }`,
				`{ bodies(first: 1) { edges: totalCount } }`,
				`{ bodies(first: 5) { p: pageInfo { hasNextPage } } }`,
				`{ bodies(first: 1) { pageInfo { hasNextPage endCursor } e: edges { cursor } } }`,
				`{ bodies(first: 1) { edges { n: node { id } } } }`,
				`mutation { createOrganisation(input: {name: "x", kind: REGION}) { id } }`,
			} {
				for _, role := range roles {
					if _, answered := p.compare(role, q, nil); answered {
						t.Errorf("the direct path answered %s, which it does not know", q)
					}
					if strings.HasPrefix(q, "mutation") {
						break
					}
				}
			}
		})
	}
}
