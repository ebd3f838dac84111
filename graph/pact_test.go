package graph_test

// The pact and its programme through the API (graph/pact.graphqls): the
// partnership's lifecycle, derivation, signatories, decisions, initiatives
// with their themes, partners, budget, indicators and evaluations, and the
// links from a body's mandate to the initiatives that carry it out.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// pactRows is how many rows the programme's tables (and the audit trail)
// hold; a refused write must leave them as they were.
type pactRows struct {
	Partnerships, Signatories, Decisions, Themes, Initiatives, Partners, Evaluations, MandateLinks, AuditEvents int
}

func pactCount(t *testing.T, c *ent.Client) pactRows {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	var n pactRows
	for _, q := range []struct {
		dst *int
		f   func() (int, error)
	}{
		{&n.Partnerships, func() (int, error) { return c.Partnership.Query().Count(ctx) }},
		{&n.Signatories, func() (int, error) { return c.Signatory.Query().Count(ctx) }},
		{&n.Decisions, func() (int, error) { return c.Decision.Query().Count(ctx) }},
		{&n.Themes, func() (int, error) { return c.Theme.Query().Count(ctx) }},
		{&n.Initiatives, func() (int, error) { return c.Initiative.Query().Count(ctx) }},
		{&n.Partners, func() (int, error) { return c.InitiativePartner.Query().Count(ctx) }},
		{&n.Evaluations, func() (int, error) { return c.Evaluation.Query().Count(ctx) }},
		{&n.MandateLinks, func() (int, error) { return c.MandateLink.Query().Count(ctx) }},
		{&n.AuditEvents, func() (int, error) { return c.AuditEvent.Query().Count(ctx) }},
	} {
		var err error
		if *q.dst, err = q.f(); err != nil {
			t.Fatalf("count: %v", err)
		}
	}
	return n
}

// pactRefuse asserts that a write is refused with code and field, in
// plain words, and writes nothing: neither registry rows nor programme
// rows nor audit events.
func (a *api) pactRefuse(query, code, field string, kv ...any) gqlError {
	a.t.Helper()
	before := pactCount(a.t, a.db.Client)
	e := a.refuse(query, code, field, kv...)
	if after := pactCount(a.t, a.db.Client); after != before {
		a.t.Fatalf("a refused write changed the programme: before %+v, after %+v", before, after)
	}
	return e
}

// pactCreate runs a create mutation `name(input: $in) { id }` and returns the id.
func (a *api) pactCreate(name string, in map[string]any) string {
	a.t.Helper()
	var out map[string]struct{ ID string }
	a.do(fmt.Sprintf(`mutation($in: %s!) { %s(input: $in) { id } }`, pactInputType(name), name), &out, "in", in)
	if out[name].ID == "" {
		a.t.Fatalf("%s returned no id", name)
	}
	return out[name].ID
}

// pactInputType is the input type of a create mutation: createTheme → CreateThemeInput.
func pactInputType(mutation string) string {
	return strings.ToUpper(mutation[:1]) + mutation[1:] + "Input"
}

const pactPartnershipFields = `id version status approvedOn signedOn activatedOn closedOn`

type pactPartnership struct {
	ID                                          string
	Version                                     int
	Status                                      string
	ApprovedOn, SignedOn, ActivatedOn, ClosedOn *string
}

func (p pactPartnership) String() string {
	d := func(s *string) string {
		if s == nil {
			return "-"
		}
		return *s
	}
	return fmt.Sprintf("v%d %s approved %s signed %s active %s closed %s",
		p.Version, p.Status, d(p.ApprovedOn), d(p.SignedOn), d(p.ActivatedOn), d(p.ClosedOn))
}

const pactAdvance = `mutation($id: ID!, $to: PartnershipStatus!, $on: Date!, $v: Int!) {
  advancePartnership(id: $id, to: $to, on: $on, expectedVersion: $v) { ` + pactPartnershipFields + ` } }`

func (a *api) pactAdvance(id, to, on string, version int) pactPartnership {
	a.t.Helper()
	var out struct{ AdvancePartnership pactPartnership }
	a.do(pactAdvance, &out, "id", id, "to", to, "on", on, "v", version)
	return out.AdvancePartnership
}

func (a *api) pactPartnership(id string) pactPartnership {
	a.t.Helper()
	var out struct{ Node pactPartnership }
	a.do(`query($id: ID!) { node(id: $id) { ... on Partnership { `+pactPartnershipFields+` } } }`, &out, "id", id)
	return out.Node
}

// pactRefuseAdvance asserts that an advance is refused and the
// partnership is exactly as it was.
func (a *api) pactRefuseAdvance(id, to, on string, version int, code, field string) gqlError {
	a.t.Helper()
	before := a.pactPartnership(id)
	e := a.pactRefuse(pactAdvance, code, field, "id", id, "to", to, "on", on, "v", version)
	if after := a.pactPartnership(id); after.String() != before.String() {
		a.t.Fatalf("refused advance changed the partnership: %s → %s", before, after)
	}
	return e
}

func TestPartnershipLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		id := a.pactCreate("createPartnership", map[string]any{"name": "Teknologipagt i Region Midtjylland", "kind": "TECHNOLOGY_PACT"})
		if p := a.pactPartnership(id); p.String() != "v1 DRAFT approved - signed - active - closed -" {
			t.Fatalf("new partnership: %s", p)
		}

		if p := a.pactAdvance(id, "APPROVED", "2018-04-25", 1); p.String() != "v2 APPROVED approved 2018-04-25 signed - active - closed -" {
			t.Fatalf("approve: %s", p)
		}
		// SIGNED is skipped: it gets no date.
		if p := a.pactAdvance(id, "ACTIVE", "2018-05-15", 2); p.String() != "v3 ACTIVE approved 2018-04-25 signed - active 2018-05-15 closed -" {
			t.Fatalf("activate: %s", p)
		}

		e := a.pactRefuseAdvance(id, "SIGNED", "2018-06-01", 3, "BAD_USER_INPUT", "to")
		if !strings.Contains(e.Message, "is ACTIVE") || !strings.Contains(e.Message, "SIGNED") {
			t.Errorf("backwards: the message should name the current and the asked status: %s", e.Message)
		}
		e = a.pactRefuseAdvance(id, "ACTIVE", "2018-06-01", 3, "BAD_USER_INPUT", "to")
		if !strings.Contains(e.Message, "is ACTIVE") {
			t.Errorf("same status: %s", e.Message)
		}
		a.pactRefuseAdvance(id, "DRAFT", "2018-06-01", 3, "BAD_USER_INPUT", "to")
		e = a.pactRefuseAdvance(id, "CLOSED", "2018-05-14", 3, "BAD_USER_INPUT", "on")
		if !strings.Contains(e.Message, "2018-05-15") {
			t.Errorf("early date: the message should name the latest recorded day: %s", e.Message)
		}
		e = a.pactRefuseAdvance(id, "CLOSED", "2022-12-31", 2, "CONFLICT", "expectedVersion")
		if e.Extensions["currentVersion"] != float64(3) {
			t.Errorf("stale version: currentVersion %v, want 3", e.Extensions["currentVersion"])
		}
		a.pactRefuse(pactAdvance, "NOT_FOUND", "", "id", 999999, "to", "CLOSED", "on", "2022-12-31", "v", 3)

		// The day of the latest step itself is allowed.
		if p := a.pactAdvance(id, "CLOSED", "2018-05-15", 3); p.String() != "v4 CLOSED approved 2018-04-25 signed - active 2018-05-15 closed 2018-05-15" {
			t.Fatalf("close: %s", p)
		}
		a.pactRefuseAdvance(id, "CLOSED", "2023-01-01", 4, "BAD_USER_INPUT", "to")

		// A plain update cannot touch the status or its dates, and bumps the version.
		var upd struct{ UpdatePartnership pactPartnership }
		a.do(`mutation($id: ID!) { updatePartnership(id: $id, expectedVersion: 4, input: {description: "Underskrevet maj 2018"}) { `+pactPartnershipFields+` } }`, &upd, "id", id)
		if upd.UpdatePartnership.String() != "v5 CLOSED approved 2018-04-25 signed - active 2018-05-15 closed 2018-05-15" {
			t.Fatalf("update: %s", upd.UpdatePartnership)
		}
		a.pactRefuse(`mutation($id: ID!) { updatePartnership(id: $id, expectedVersion: 4, input: {name: "x"}) { id } }`,
			"CONFLICT", "expectedVersion", "id", id)
	})
}

// pactRace sends n requests at once and returns how many succeeded; each
// of the others must be a CONFLICT on field.
func pactRace(t *testing.T, n int, field string, send func(i int) []gqlError) (wins int) {
	t.Helper()
	results := make([][]gqlError, n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = send(i)
		}()
	}
	wg.Wait()
	for _, errs := range results {
		switch {
		case len(errs) == 0:
			wins++
		case len(errs) != 1 || errs[0].code() != "CONFLICT" || errs[0].field() != field:
			t.Errorf("a request that lost the race should be CONFLICT on %s: %+v", field, errs)
		}
	}
	return wins
}

// TestAdvancePartnershipConcurrently: moves sent at once from the same
// version cannot both succeed; the losers are CONFLICT and the winner's
// step is the only one recorded.
func TestAdvancePartnershipConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		id := a.pactCreate("createPartnership", map[string]any{"name": "Teknologipagt", "kind": "TECHNOLOGY_PACT"})
		moves := []struct{ to, on string }{{"APPROVED", "2018-04-25"}, {"SIGNED", "2018-05-15"}, {"ACTIVE", "2018-06-01"}, {"CLOSED", "2030-12-31"}}
		wins := pactRace(t, len(moves)*3, "expectedVersion", func(i int) []gqlError {
			m := moves[i%len(moves)]
			return a.try(pactAdvance, nil, "id", id, "to", m.to, "on", m.on, "v", 1)
		})
		p := a.pactPartnership(id)
		if wins != 1 || p.Version != 2 {
			t.Fatalf("%d moves won, partnership %s; want exactly one at version 2", wins, p)
		}
		dated := 0
		for _, d := range []*string{p.ApprovedOn, p.SignedOn, p.ActivatedOn, p.ClosedOn} {
			if d != nil {
				dated++
			}
		}
		if dated != 1 {
			t.Fatalf("only the winning step has a day: %s", p)
		}
	})
}

// TestPartnershipDerivedFrom: the regional pact derives from the national
// one, seen from both sides.
func TestPartnershipDerivedFrom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		national := a.pactCreate("createPartnership", map[string]any{"name": "Teknologipagten", "kind": "NATIONAL_PACT"})
		regional := a.pactCreate("createPartnership", map[string]any{"name": "Teknologipagt i Region Midtjylland", "kind": "TECHNOLOGY_PACT", "derivedFromID": national})
		growth := a.pactCreate("createPartnership", map[string]any{"name": "Vækstpartnerskabsaftale", "kind": "GROWTH_PARTNERSHIP_AGREEMENT"})
		a.do(`mutation($id: ID!, $from: ID!) { updatePartnership(id: $id, expectedVersion: 1, input: {derivedFromID: $from}) { id } }`, nil,
			"id", growth, "from", national)

		const q = `query($id: ID!) { node(id: $id) { ... on Partnership { name derivedFromID derivedFrom { name } derivatives { name } } } }`
		type named struct{ Name string }
		var out struct {
			Node struct {
				Name          string
				DerivedFromID *string
				DerivedFrom   *named
				Derivatives   []named
			}
		}
		a.do(q, &out, "id", regional)
		if out.Node.DerivedFrom == nil || out.Node.DerivedFrom.Name != "Teknologipagten" || pactStr(out.Node.DerivedFromID) != national {
			t.Fatalf("regional pact: %+v", out.Node)
		}
		out.Node.DerivedFrom, out.Node.Derivatives = nil, nil
		a.as(authz.Anonymous).do(q, &out, "id", national)
		if out.Node.DerivedFrom != nil || fmt.Sprint(out.Node.Derivatives) != "[{Teknologipagt i Region Midtjylland} {Vækstpartnerskabsaftale}]" {
			t.Fatalf("national pact: %+v", out.Node)
		}
		a.pactRefuse(`mutation { createPartnership(input: {name: "x", kind: OTHER, derivedFromID: 999999}) { id } }`, "NOT_FOUND", "derivedFromID")
		a.pactRefuse(`mutation { createPartnership(input: {name: "  ", kind: OTHER}) { id } }`, "BAD_USER_INPUT", "name")
	})
}

func pactStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestSignatoriesAndDecisions: who signed the pact, and what bodies decided
// about it and its initiatives, in the order decided.
func TestSignatoriesAndDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		pact := a.pactCreate("createPartnership", map[string]any{"name": "Teknologipagt i Region Midtjylland", "kind": "TECHNOLOGY_PACT", "bodyIDs": []int{w.body}})
		ini := a.pactCreate("createInitiative", map[string]any{"title": "Flere unge i STEM", "partnershipID": pact})
		a.pactCreate("createSignatory", map[string]any{"partnershipID": pact, "organisationID": w.org, "personID": w.person, "signedOn": "2018-05-15"})
		a.pactRefuse(`mutation($in: CreateSignatoryInput!) { createSignatory(input: $in) { id } }`, "NOT_FOUND", "personID",
			"in", map[string]any{"partnershipID": pact, "organisationID": w.org, "personID": 999999})

		decide := func(on, title, outcome string, links ...any) string {
			in := map[string]any{"bodyID": w.body, "decidedOn": on, "title": title, "outcome": outcome}
			for i := 0; i+1 < len(links); i += 2 {
				in[links[i].(string)] = links[i+1]
			}
			return a.pactCreate("createDecision", in)
		}
		decide("2018-04-25", "Godkendelse af teknologipagten", "APPROVED", "partnershipID", pact)
		decide("2017-09-12", "Mandat til forprojektgruppen", "APPROVED")
		later := decide("2018-09-26", "Første ansøgningsrunde", "POSTPONED", "partnershipID", pact, "initiativeID", ini)
		a.pactRefuse(`mutation($in: CreateDecisionInput!) { createDecision(input: $in) { id } }`, "BAD_USER_INPUT", "outcome",
			"in", map[string]any{"bodyID": w.body, "decidedOn": "2018-01-01", "title": "x", "outcome": "MAYBE"})
		a.pactRefuse(`mutation($in: CreateDecisionInput!) { createDecision(input: $in) { id } }`, "BAD_USER_INPUT", "decidedOn",
			"in", map[string]any{"bodyID": w.body, "decidedOn": "2018-02-30", "title": "x", "outcome": "NOTED"})

		var upd struct{ UpdateDecision struct{ Outcome string } }
		a.do(`mutation($id: ID!) { updateDecision(id: $id, expectedVersion: 1, input: {outcome: APPROVED}) { outcome } }`, &upd, "id", later)
		if upd.UpdateDecision.Outcome != "APPROVED" {
			t.Fatalf("update decision: %+v", upd)
		}
		a.pactRefuse(`mutation($id: ID!) { updateDecision(id: $id, expectedVersion: 1, input: {outcome: REJECTED}) { id } }`,
			"CONFLICT", "expectedVersion", "id", later)

		anon := a.as(authz.Anonymous)
		var dec struct {
			Decisions struct {
				Edges []struct {
					Node struct {
						DecidedOn, Title, Outcome string
						Body                      struct{ Name string }
						Partnership               *struct{ Name string }
						Initiative                *struct{ Title string }
					}
				}
			}
		}
		anon.do(`query($b: ID!) { decisions(where: {bodyID: $b}, orderBy: {field: DECIDED_ON}) { edges { node {
  decidedOn title outcome body { name } partnership { name } initiative { title } } } } }`, &dec, "b", w.body)
		var got []string
		for _, e := range dec.Decisions.Edges {
			n := e.Node
			line := fmt.Sprintf("%s %s %s by %s", n.DecidedOn, n.Outcome, n.Title, n.Body.Name)
			if n.Partnership != nil {
				line += " on " + n.Partnership.Name
			}
			if n.Initiative != nil {
				line += " for " + n.Initiative.Title
			}
			got = append(got, line)
		}
		want := []string{
			"2017-09-12 APPROVED Mandat til forprojektgruppen by Rådet for fremtidens kompetencer",
			"2018-04-25 APPROVED Godkendelse af teknologipagten by Rådet for fremtidens kompetencer on Teknologipagt i Region Midtjylland",
			"2018-09-26 APPROVED Første ansøgningsrunde by Rådet for fremtidens kompetencer on Teknologipagt i Region Midtjylland for Flere unge i STEM",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("decisions by date:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		var p struct {
			Node struct {
				Bodies      []struct{ Name string }
				Signatories []struct {
					SignedOn     string
					Organisation struct{ Name string }
					Person       *struct{ Name string }
				}
				Decisions   []struct{ Title string }
				Initiatives []struct{ Decisions []struct{ Title string } }
			}
		}
		anon.do(`query($id: ID!) { node(id: $id) { ... on Partnership {
  bodies { name } signatories { signedOn organisation { name } person { name } }
  decisions { title } initiatives { decisions { title } } } } }`, &p, "id", pact)
		s := p.Node.Signatories
		if len(s) != 1 || s[0].SignedOn != "2018-05-15" || s[0].Organisation.Name != "Aarhus Kommune" || s[0].Person == nil || s[0].Person.Name != "Demo Person" {
			t.Fatalf("signatories: %+v", s)
		}
		if len(p.Node.Bodies) != 1 || len(p.Node.Decisions) != 2 || len(p.Node.Initiatives) != 1 ||
			fmt.Sprint(p.Node.Initiatives[0].Decisions) != "[{Første ansøgningsrunde}]" {
			t.Fatalf("the pact's bodies, decisions and initiatives: %+v", p.Node)
		}
	})
}

const pactInitiativeFields = `title status startsOn endsOn budget version
  partnership { name } leadOrganisation { name }
  themes { name } indicators { code } partners { role organisation { name } }
  evaluations { evaluatedOn evaluator rating }`

// pactScalars are what the tests' mutations select: no edges. Edges
// resolved at once inside a mutation's transaction break PostgreSQL's
// connection (reported; the reads that follow check the edges).
const pactScalars = `version`

func (a *api) pactInitiative(id string) pactInitiative {
	a.t.Helper()
	var out struct{ Node pactInitiative }
	a.do(`query($id: ID!) { node(id: $id) { ... on Initiative { `+pactInitiativeFields+` } } }`, &out, "id", id)
	return out.Node
}

type pactInitiative struct {
	Title, Status    string
	StartsOn, EndsOn *string
	Budget           *string
	Version          int
	Partnership      *struct{ Name string }
	LeadOrganisation *struct{ Name string }
	Themes           []struct{ Name string }
	Indicators       []struct{ Code string }
	Partners         []struct {
		Role         string
		Organisation struct{ Name string }
	}
	Evaluations []struct {
		EvaluatedOn, Evaluator string
		Rating                 *int
	}
}

// TestInitiatives: an initiative with its themes, lead, partners, period,
// exact budget, indicators and evaluations.
func TestInitiatives(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		indicator := db.Client.Indicator.Create().SetCode("STEM-1").SetName("Andel med en STEM-uddannelse").SetUnit("PERCENT").
			SetBaselineValue(decimal.RequireFromString("20.5")).SaveX(ctx).ID
		via := db.Client.Organisation.Create().SetName("VIA University College").SetKind("UNIVERSITY_COLLEGE").SaveX(ctx).ID
		pact := a.pactCreate("createPartnership", map[string]any{"name": "Teknologipagt i Region Midtjylland", "kind": "TECHNOLOGY_PACT"})
		stem := a.pactCreate("createTheme", map[string]any{"name": "STEM"})
		youth := a.pactCreate("createTheme", map[string]any{"name": "Ungdomsuddannelser", "description": "Sammenhæng i ungdomsuddannelsesindsatsen"})

		// Mutations select no edges: see pactScalars.
		const create = `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { id ` + pactScalars + ` } }`
		var created struct{ CreateInitiative struct{ ID string } }
		a.do(create, &created, "in", map[string]any{
			"title": "Flere unge i STEM", "status": "APPROVED", "partnershipID": pact, "leadOrganisationID": w.org,
			"themeIDs": []string{stem, youth}, "indicatorIDs": []int{indicator},
			"startsOn": "2018-08-01", "endsOn": "2021-07-31", "budget": "1250000.50",
		})
		id := created.CreateInitiative.ID
		ini := a.pactInitiative(id)
		pactAmount(t, ini.Budget, "1250000.50")
		if ini.Status != "APPROVED" || pactStr(ini.StartsOn) != "2018-08-01" || pactStr(ini.EndsOn) != "2021-07-31" ||
			ini.Partnership == nil || ini.LeadOrganisation == nil || ini.LeadOrganisation.Name != "Aarhus Kommune" ||
			len(ini.Themes) != 2 || fmt.Sprint(ini.Indicators) != "[{STEM-1}]" {
			t.Fatalf("created initiative: %+v", ini)
		}
		a.pactRefuse(create, "BAD_USER_INPUT", "endsOn", "in", map[string]any{"title": "Baglæns", "startsOn": "2018-08-01", "endsOn": "2018-07-31"})
		a.pactRefuse(create, "BAD_USER_INPUT", "budget", "in", map[string]any{"title": "Dansk komma", "budget": "1250000,50"})
		a.pactRefuse(create, "NOT_FOUND", "themeIDs", "in", map[string]any{"title": "Uden tema", "themeIDs": []int{999999}})

		partner := func(org int, role string) {
			in := map[string]any{"initiativeID": id, "organisationID": org}
			if role != "" {
				in["role"] = role
			}
			a.pactCreate("createInitiativePartner", in)
		}
		partner(w.org, "LEAD")
		partner(via, "")
		a.pactRefuse(`mutation($in: CreateInitiativePartnerInput!) { createInitiativePartner(input: $in) { id } }`, "BAD_USER_INPUT", "role",
			"in", map[string]any{"initiativeID": id, "organisationID": via, "role": "SPONSOR"})

		const evaluate = `mutation($in: CreateEvaluationInput!) { createEvaluation(input: $in) { id } }`
		evaluation := func(rating int) map[string]any {
			return map[string]any{"initiativeID": id, "evaluatedOn": "2019-06-30", "evaluator": "Rambøll", "rating": rating}
		}
		a.do(evaluate, nil, "in", evaluation(5))
		a.do(evaluate, nil, "in", evaluation(1))
		for _, bad := range []int{6, 0} {
			e := a.pactRefuse(evaluate, "BAD_USER_INPUT", "rating", "in", evaluation(bad))
			if !strings.Contains(e.Message, "rating") {
				t.Errorf("rating %d: %s", bad, e.Message)
			}
		}
		in := evaluation(3)
		in["link"] = "ftp://example.org/rapport.pdf"
		a.pactRefuse(evaluate, "BAD_USER_INPUT", "link", "in", in)

		const update = `mutation($id: ID!, $v: Int!, $in: UpdateInitiativeInput!) { updateInitiative(id: $id, expectedVersion: $v, input: $in) { ` + pactScalars + ` } }`
		a.pactRefuse(update, "BAD_USER_INPUT", "endsOn", "id", id, "v", 1, "in", map[string]any{"endsOn": "2018-07-01"})
		a.pactRefuse(update, "BAD_USER_INPUT", "startsOn", "id", id, "v", 1, "in", map[string]any{"startsOn": "2021-08-01"})
		a.do(update, nil, "id", id, "v", 1, "in", map[string]any{"status": "RUNNING", "removeThemeIDs": []string{youth}, "budget": "1300000.00"})
		u := a.pactInitiative(id)
		if u.Status != "RUNNING" || u.Version != 2 || fmt.Sprint(u.Themes) != "[{STEM}]" || !pactSameAmount(u.Budget, "1300000") {
			t.Fatalf("updated initiative: %+v", u)
		}
		a.pactRefuse(update, "CONFLICT", "expectedVersion", "id", id, "v", 1, "in", map[string]any{"status": "CANCELLED"})

		got := a.as(authz.Anonymous).pactInitiative(id)
		var lines []string
		for _, p := range got.Partners {
			lines = append(lines, p.Role+" "+p.Organisation.Name)
		}
		for _, e := range got.Evaluations {
			lines = append(lines, fmt.Sprintf("evaluated %s by %s: %d", e.EvaluatedOn, e.Evaluator, *e.Rating))
		}
		if strings.Join(lines, "; ") != "LEAD Aarhus Kommune; PARTNER VIA University College; evaluated 2019-06-30 by Rambøll: 5; evaluated 2019-06-30 by Rambøll: 1" {
			t.Fatalf("partners and evaluations: %s", strings.Join(lines, "; "))
		}
		if !pactSameAmount(got.Budget, "1300000") || pactStr(got.EndsOn) != "2021-07-31" {
			t.Fatalf("stored initiative: %+v", got)
		}

		// The themes and indicators see the initiative from their side.
		var back struct {
			Theme     struct{ Initiatives []struct{ Title string } }
			Indicator struct{ Initiatives []struct{ Title string } }
		}
		a.do(`query($t: ID!, $i: ID!) { theme: node(id: $t) { ... on Theme { initiatives { title } } }
  indicator: node(id: $i) { ... on Indicator { initiatives { title } } } }`, &back, "t", stem, "i", indicator)
		if fmt.Sprint(back) != "{{[{Flere unge i STEM}]} {[{Flere unge i STEM}]}}" {
			t.Fatalf("theme and indicator: %+v", back)
		}
	})
}

// pactSameAmount: got is the amount want (as a number: 1250000.5 is 1250000.50).
func pactSameAmount(got *string, want string) bool {
	if got == nil {
		return false
	}
	d, err := decimal.NewFromString(*got)
	return err == nil && d.Equal(decimal.RequireFromString(want))
}

func pactAmount(t *testing.T, got *string, want string) {
	t.Helper()
	if !pactSameAmount(got, want) {
		t.Errorf("amount %q, want %s", pactStr(got), want)
	}
}

// TestInitiativeBudgetIsExact: a budget comes back exactly as written,
// trailing zeros included, on every read path and both databases.
func TestInitiativeBudgetIsExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		for _, budget := range []string{"1250000.50", "1250000", "0.10", "0.3", "12345678901234567890.0123456789"} {
			var out struct {
				CreateInitiative struct {
					ID     string
					Budget *string
				}
			}
			a.do(`mutation($b: Decimal!) { createInitiative(input: {title: "Indsats", budget: $b}) { id budget } }`, &out, "b", budget)
			var read struct{ Node struct{ Budget *string } }
			a.do(`query($id: ID!) { node(id: $id) { ... on Initiative { budget } } }`, &read, "id", out.CreateInitiative.ID)
			if pactStr(out.CreateInitiative.Budget) != budget || pactStr(read.Node.Budget) != budget {
				t.Errorf("budget %s came back as %q (create) and %q (read)", budget, pactStr(out.CreateInitiative.Budget), pactStr(read.Node.Budget))
			}
		}
	})
}

const pactLink = `mutation($in: CreateMandateLinkInput!) { createMandateLink(input: $in) { id task } }`

const pactTasksQuery = `query($id: ID!) { node(id: $id) { ... on Body { mandateTasks { number text initiatives { title } } } } }`

type pactTasks struct {
	Node struct {
		MandateTasks []struct {
			Number      int
			Text        string
			Initiatives []struct{ Title string }
		}
	}
}

func (p pactTasks) String() string {
	var lines []string
	for _, task := range p.Node.MandateTasks {
		var titles []string
		for _, i := range task.Initiatives {
			titles = append(titles, i.Title)
		}
		lines = append(lines, fmt.Sprintf("%d: [%s]", task.Number, strings.Join(titles, ", ")))
	}
	return strings.Join(lines, "\n")
}

// pactMandate is the council's mandate (kommissorium), in short.
var pactMandate = []string{
	"Rådgive regionen og Vækstforum",
	"Styrke sammenhængen i ungdomsuddannelsesindsatsen",
	"Igangsætte initiativer for arbejdsmarkedets kvalifikationsbehov",
	"Igangsætte analyser af fremtidens kompetencebehov",
	"Koordinere virksomhedskontakten",
	"Udvikle det regionale erhvervskonsulentkorps",
	"Videreudvikle MEA",
	"Sikre fremdrift i den regionale teknologipagt",
}

// pactWorld is seedWorld with the council's mandate recorded.
func pactWorld(t *testing.T, db *store.DB) world {
	t.Helper()
	w := seedWorld(t, db.Client)
	db.Client.Body.UpdateOneID(w.body).SetMandate(pactMandate).ExecX(authz.SystemContext(context.Background()))
	return w
}

// TestMandateLinks: initiatives linked to the numbered tasks of a body's
// mandate; a task the mandate lacks and a link made twice are refused.
func TestMandateLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := pactWorld(t, db)
		ctx := authz.SystemContext(context.Background())
		bare := db.Client.Body.Create().SetName("Forprojektgruppen").SetKind("PROJECT_GROUP").SaveX(ctx).ID
		first := a.pactCreate("createInitiative", map[string]any{"title": "STEM-barometer"})
		second := a.pactCreate("createInitiative", map[string]any{"title": "Uddannelsespuljen"})
		link := func(body any, task int, initiative string) map[string]any {
			return map[string]any{"bodyID": body, "task": task, "initiativeID": initiative}
		}
		var made struct{ CreateMandateLink struct{ ID string } }
		a.do(pactLink, &made, "in", link(w.body, 3, second))
		var m struct {
			Node struct {
				Task       int
				Body       struct{ Name string }
				Initiative struct{ Title string }
			}
		}
		a.do(`query($id: ID!) { node(id: $id) { ... on MandateLink { task body { name } initiative { title } } } }`, &m, "id", made.CreateMandateLink.ID)
		if m.Node.Task != 3 || m.Node.Body.Name != "Rådet for fremtidens kompetencer" || m.Node.Initiative.Title != "Uddannelsespuljen" {
			t.Fatalf("link: %+v", m.Node)
		}
		a.do(pactLink, nil, "in", link(w.body, 3, first)) // listed before the second: by initiative id
		a.do(pactLink, nil, "in", link(w.body, 8, first))

		e := a.pactRefuse(pactLink, "BAD_USER_INPUT", "task", "in", link(w.body, 9, first))
		if !strings.Contains(e.Message, "8 task(s)") {
			t.Errorf("the message should say how many tasks the body has: %s", e.Message)
		}
		a.pactRefuse(pactLink, "BAD_USER_INPUT", "task", "in", link(w.body, 0, first))
		a.pactRefuse(pactLink, "BAD_USER_INPUT", "task", "in", link(w.body, -1, first))
		e = a.pactRefuse(pactLink, "BAD_USER_INPUT", "task", "in", link(bare, 1, first))
		if !strings.Contains(e.Message, "no tasks") {
			t.Errorf("a body without a mandate: %s", e.Message)
		}
		a.pactRefuse(pactLink, "CONFLICT", "task", "in", link(w.body, 3, second))
		a.pactRefuse(pactLink, "NOT_FOUND", "bodyID", "in", link(999999, 1, first))
		a.pactRefuse(pactLink, "NOT_FOUND", "initiativeID", "in", link(w.body, 1, "999999"))

		var tasks pactTasks
		a.as(authz.Anonymous).do(pactTasksQuery, &tasks, "id", w.body)
		want := "1: []\n2: []\n3: [STEM-barometer, Uddannelsespuljen]\n4: []\n5: []\n6: []\n7: []\n8: [STEM-barometer]"
		if tasks.String() != want {
			t.Fatalf("mandate tasks:\n%s\nwant\n%s", tasks, want)
		}
		for i, task := range tasks.Node.MandateTasks {
			if task.Text != pactMandate[i] {
				t.Errorf("task %d reads %q, want %q", task.Number, task.Text, pactMandate[i])
			}
		}
		if tasks.Node.MandateTasks[0].Initiatives == nil {
			t.Error("a task without initiatives lists none ([]), not null")
		}
		tasks = pactTasks{}
		a.do(pactTasksQuery, &tasks, "id", bare)
		if tasks.Node.MandateTasks == nil || len(tasks.Node.MandateTasks) != 0 {
			t.Fatalf("a body without a mandate has no tasks: %+v", tasks)
		}
	})
}

// TestMandateLinkConcurrently: the same link sent at once is made once.
func TestMandateLinkConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := pactWorld(t, db)
		ini := a.pactCreate("createInitiative", map[string]any{"title": "STEM-barometer"})
		wins := pactRace(t, 8, "task", func(int) []gqlError {
			return a.try(pactLink, nil, "in", map[string]any{"bodyID": w.body, "task": 1, "initiativeID": ini})
		})
		if n := pactCount(t, db.Client).MandateLinks; wins != 1 || n != 1 {
			t.Fatalf("%d links made, %d stored; want 1", wins, n)
		}
	})
}

// TestMandateTasksAreNotNPlusOne: the statements behind mandateTasks do not
// grow with the tasks, links or initiatives.
func TestMandateTasksAreNotNPlusOne(t *testing.T) {
	var counter storetest.Counter
	storetest.EachWith(t, storetest.Options{Wrap: counter.Wrap}, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := pactWorld(t, db)
		ctx := authz.SystemContext(context.Background())
		add := func(n int) {
			for i := range n {
				ini := db.Client.Initiative.Create().SetTitle(fmt.Sprintf("Indsats %d", i)).SaveX(ctx)
				db.Client.MandateLink.Create().SetBodyID(w.body).SetTask(i%len(pactMandate) + 1).SetInitiative(ini).ExecX(ctx)
			}
		}
		statements := func(links int) int {
			var out pactTasks
			counter.Reset()
			a.do(pactTasksQuery, &out, "id", w.body)
			n := counter.N()
			got := 0
			for _, task := range out.Node.MandateTasks {
				got += len(task.Initiatives)
			}
			if got != links {
				t.Fatalf("%d initiatives listed, want %d", got, links)
			}
			return n
		}
		add(2)
		small := statements(2)
		add(20)
		if large := statements(22); large != small {
			t.Fatalf("statements grow with the links: %d for 2, %d for 22 (N+1)", small, large)
		}
	})
}

// TestPactAnonymous: anyone reads the programme; no mutation of the pact
// is allowed below EDITOR, and a refused one writes nothing.
func TestPactAnonymous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := pactWorld(t, db)
		ctx := authz.SystemContext(context.Background())
		p := seedProgramme(t, db.Client, w)
		db.Client.Body.UpdateOneID(w.body).SetMandate(pactMandate).ExecX(ctx) // whatever mandate the fixture gave it
		decision := db.Client.Decision.Query().FirstIDX(ctx)

		var read struct {
			Partnerships struct {
				Edges []struct {
					Node struct {
						Name        string
						Signatories []struct{ Person *struct{ Name string } }
						Decisions   []struct{ Title string }
						Bodies      []struct {
							MandateTasks []struct{ Initiatives []struct{ Title string } }
						}
						Initiatives []struct {
							Budget      string
							Themes      []struct{ Name string }
							Partners    []struct{ Role string }
							Evaluations []struct{ Evaluator string }
							Indicators  []struct{ Code string }
						}
					}
				}
			}
		}
		anon := a.as(authz.Anonymous)
		anon.do(`{ partnerships { edges { node { name signatories { person { name } } decisions { title }
  bodies { mandateTasks { initiatives { title } } }
  initiatives { budget themes { name } partners { role } evaluations { evaluator } indicators { code } } } } } }`, &read)
		if len(read.Partnerships.Edges) != 1 {
			t.Fatalf("anonymous read: %+v", read)
		}
		n := read.Partnerships.Edges[0].Node
		if len(n.Signatories) != 1 || n.Signatories[0].Person == nil || len(n.Decisions) != 1 || len(n.Bodies) != 1 ||
			len(n.Bodies[0].MandateTasks) == 0 || len(n.Bodies[0].MandateTasks[0].Initiatives) != 1 || len(n.Initiatives) != 1 {
			t.Fatalf("anonymous read: %+v", n)
		}
		if i := n.Initiatives[0]; !pactSameAmount(&i.Budget, "1250000.5") || len(i.Themes) != 1 || len(i.Partners) != 1 || len(i.Evaluations) != 1 || len(i.Indicators) != 1 {
			t.Fatalf("anonymous read of the initiative: %+v", i)
		}

		mutations := []struct{ name, m string }{
			{"createPartnership", `createPartnership(input: {name: "x", kind: OTHER}) { id }`},
			{"advancePartnership", fmt.Sprintf(`advancePartnership(id: %d, to: APPROVED, on: "2018-04-25", expectedVersion: 1) { id }`, p.partnership)},
			{"updatePartnership", fmt.Sprintf(`updatePartnership(id: %d, expectedVersion: 2, input: {name: "x"}) { id }`, p.partnership)},
			{"createSignatory", fmt.Sprintf(`createSignatory(input: {partnershipID: %d, organisationID: %d}) { id }`, p.partnership, w.org)},
			{"createDecision", fmt.Sprintf(`createDecision(input: {bodyID: %d, decidedOn: "2018-01-01", title: "x", outcome: NOTED}) { id }`, w.body)},
			{"updateDecision", fmt.Sprintf(`updateDecision(id: %d, expectedVersion: 1, input: {title: "x"}) { id }`, decision)},
			{"createTheme", `createTheme(input: {name: "x"}) { id }`},
			{"createInitiative", `createInitiative(input: {title: "x"}) { id }`},
			{"updateInitiative", fmt.Sprintf(`updateInitiative(id: %d, expectedVersion: 1, input: {title: "x"}) { id }`, p.initiative)},
			{"createInitiativePartner", fmt.Sprintf(`createInitiativePartner(input: {initiativeID: %d, organisationID: %d}) { id }`, p.initiative, w.org)},
			{"createEvaluation", fmt.Sprintf(`createEvaluation(input: {initiativeID: %d, evaluatedOn: "2020-01-01", evaluator: "x"}) { id }`, p.initiative)},
			{"createMandateLink", fmt.Sprintf(`createMandateLink(input: {bodyID: %d, task: 2, initiativeID: %d}) { id }`, w.body, p.initiative)},
			// Refused for the role before the move's own rules are looked at.
			{"advancePartnership backwards", fmt.Sprintf(`advancePartnership(id: %d, to: DRAFT, on: "2018-04-25", expectedVersion: 1) { id }`, p.partnership)},
			{"createMandateLink to a missing task", fmt.Sprintf(`createMandateLink(input: {bodyID: %d, task: 99, initiativeID: %d}) { id }`, w.body, p.initiative)},
		}
		pact := strconv.Itoa(p.partnership)
		before := a.pactPartnership(pact)
		for _, role := range []authz.Role{authz.Anonymous, authz.Reader} {
			c := a.as(role)
			for _, m := range mutations {
				t.Run(fmt.Sprintf("%s as %s", m.name, role), func(t *testing.T) {
					c.on(t).pactRefuse("mutation { "+m.m+" }", "FORBIDDEN", "")
				})
			}
		}
		if after := a.pactPartnership(pact); after.String() != before.String() {
			t.Fatalf("refused mutations changed the pact: %s → %s", before, after)
		}
		// An EDITOR may make them (so the refusals above were about the role).
		editor := a.as(authz.Editor)
		for _, m := range mutations[:12] {
			t.Run(m.name+" as EDITOR", func(t *testing.T) { editor.on(t).do("mutation { "+m.m+" }", nil) })
		}
	})
}

// TestPartnershipStatusOnEveryPath: the forward-only status is a hook, so
// a write that bypasses advancePartnership obeys it too.
func TestPartnershipStatusOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		p := db.Client.Partnership.Create().SetName("Pagt").SetKind("TECHNOLOGY_PACT").SetStatus("SIGNED").SaveX(ctx)
		err := db.Client.Partnership.UpdateOne(p).SetStatus("APPROVED").Exec(ctx)
		if ae, ok := apperr.As(err); !ok || ae.Code != apperr.BadUserInput {
			t.Fatalf("backwards through ent: %v", err)
		}
		db.Client.Partnership.UpdateOne(p).SetStatus("ACTIVE").ExecX(ctx)
	})
}

// A partnership cannot derive from itself, directly or through a cycle
// (A → B → A): BAD_USER_INPUT on derivedFromID, and nothing changes.
func TestPartnershipCannotDeriveFromItself(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		const update = `mutation($id: ID!, $v: Int!, $from: ID!) { updatePartnership(id: $id, expectedVersion: $v, input: {derivedFromID: $from}) { id version } }`
		national := a.pactCreate("createPartnership", map[string]any{"name": "National pagt", "kind": "TECHNOLOGY_PACT"})
		regional := a.pactCreate("createPartnership", map[string]any{"name": "Regional pagt", "kind": "TECHNOLOGY_PACT", "derivedFromID": national})
		local := a.pactCreate("createPartnership", map[string]any{"name": "Lokal pagt", "kind": "TECHNOLOGY_PACT", "derivedFromID": regional})
		a.pactRefuse(update, "BAD_USER_INPUT", "derivedFromID", "id", national, "v", 1, "from", national)
		a.pactRefuse(update, "BAD_USER_INPUT", "derivedFromID", "id", national, "v", 1, "from", regional) // A → B → A
		a.pactRefuse(update, "BAD_USER_INPUT", "derivedFromID", "id", national, "v", 1, "from", local)    // three steps
		// Deriving from a pact outside the chain is allowed.
		other := a.pactCreate("createPartnership", map[string]any{"name": "Anden pagt", "kind": "TECHNOLOGY_PACT"})
		a.do(update, nil, "id", local, "v", 1, "from", other)
	})
}
