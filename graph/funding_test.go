package graph_test

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
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/grantapplication"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

const (
	fundCreatePool  = `mutation($in: CreateFundingPoolInput!) { createFundingPool(input: $in) { id name } }`
	fundCreateRound = `mutation($in: CreateFundingRoundInput!) {
  createFundingRound(input: $in) { id version deadline decisionOn budget totals { requested granted remaining } } }`
	fundUpdateRound = `mutation($id: ID!, $v: Int!, $in: UpdateFundingRoundInput!) {
  updateFundingRound(id: $id, expectedVersion: $v, input: $in) { id version deadline budget totals { requested granted remaining } } }`
	fundCreateApp = `mutation($in: CreateGrantApplicationInput!) {
  createGrantApplication(input: $in) { id version status submittedOn amountRequested amountGranted } }`
	fundUpdateApp = `mutation($id: ID!, $v: Int!, $in: UpdateGrantApplicationInput!) {
  updateGrantApplication(id: $id, expectedVersion: $v, input: $in) { id version status amountRequested amountGranted round { totals { granted } } } }`
	fundRoundQuery = `query($id: ID!) { node(id: $id) { ... on FundingRound { name budget deadline
  totals { requested granted remaining } applications { id status } } } }`
)

// fundApp is an application as the API returns it.
type fundApp struct {
	ID              string
	Version         int
	Status          string
	SubmittedOn     string
	AmountRequested string
	AmountGranted   *string
}

// fundTotals is FundingTotals as the API returns it.
type fundTotals struct{ Requested, Granted, Remaining string }

// fundWorld is seedWorld with the education pool and its first round,
// made through the API: deadline 15 August 2018, decided by Regionsrådet
// on 26 September 2018.
type fundWorld struct {
	w                     world
	regionsraadet         int
	pool, round           string
	ctx                   context.Context
	applicant, applicant2 int
}

func fundSetup(t *testing.T, a *api, db *store.DB, budget string) fundWorld {
	t.Helper()
	f := fundWorld{w: seedWorld(t, db.Client), ctx: authz.SystemContext(context.Background())}
	f.regionsraadet = db.Client.Body.Create().SetName("Regionsrådet").SetKind(vocab.PoliticalBody).SaveX(f.ctx).ID
	f.applicant = f.w.org
	f.applicant2 = db.Client.Organisation.Create().SetName("VIA University College").SetKind(vocab.UniversityCollege).SaveX(f.ctx).ID
	var pool struct{ CreateFundingPool struct{ ID, Name string } }
	a.do(fundCreatePool, &pool, "in", map[string]any{"name": "Uddannelsespuljen", "ownerID": f.w.org})
	f.pool = pool.CreateFundingPool.ID
	var round struct {
		CreateFundingRound struct {
			ID, Deadline, DecisionOn, Budget string
			Totals                           fundTotals
		}
	}
	a.do(fundCreateRound, &round, "in", map[string]any{
		"poolID": f.pool, "name": "Første ansøgningsrunde", "opensOn": "2018-06-01", "deadline": "2018-08-15",
		"decisionOn": "2018-09-26", "decidingBodyID": f.regionsraadet, "budget": budget,
	})
	r := round.CreateFundingRound
	if r.Deadline != "2018-08-15" || r.DecisionOn != "2018-09-26" || !fundEq(r.Budget, budget) {
		t.Fatalf("created round: %+v", r)
	}
	fundTotalsAre(t, r.Totals, "0", "0", budget)
	f.round = r.ID
	return f
}

// app creates an application through the API.
func (f fundWorld) app(a *api, title, submitted, requested string, more ...any) fundApp {
	a.t.Helper()
	var out struct{ CreateGrantApplication fundApp }
	a.do(fundCreateApp, &out, "in", f.appIn(title, submitted, requested, more...))
	return out.CreateGrantApplication
}

// appIn is the input of createGrantApplication in f's round.
func (f fundWorld) appIn(title, submitted, requested string, more ...any) map[string]any {
	in := map[string]any{"roundID": f.round, "applicantID": f.applicant, "title": title,
		"submittedOn": submitted, "amountRequested": requested}
	for i := 0; i+1 < len(more); i += 2 {
		in[more[i].(string)] = more[i+1]
	}
	return in
}

// update changes an application at its current version and returns it.
func fundUpdate(a *api, app fundApp, in map[string]any) fundApp {
	a.t.Helper()
	var out struct{ UpdateGrantApplication fundApp }
	a.do(fundUpdateApp, &out, "id", app.ID, "v", app.Version, "in", in)
	return out.UpdateGrantApplication
}

type fundRound struct {
	Name, Budget, Deadline string
	Totals                 fundTotals
	Applications           []struct{ ID, Status string }
}

func (f fundWorld) read(a *api) fundRound {
	a.t.Helper()
	var out struct{ Node fundRound }
	a.do(fundRoundQuery, &out, "id", f.round)
	return out.Node
}

func (f fundWorld) roundVersion(t *testing.T, db *store.DB) int {
	t.Helper()
	return db.Client.FundingRound.GetX(f.ctx, fundID(t, f.round)).Version
}

func fundID(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

// fundEq compares two decimals exactly, whatever their trailing zeros.
func fundEq(got, want string) bool {
	g, err := decimal.NewFromString(got)
	return err == nil && g.Equal(decimal.RequireFromString(want))
}

func fundTotalsAre(t *testing.T, got fundTotals, requested, granted, remaining string) {
	t.Helper()
	if !fundEq(got.Requested, requested) || !fundEq(got.Granted, granted) || !fundEq(got.Remaining, remaining) {
		t.Fatalf("totals %+v, want requested %s granted %s remaining %s", got, requested, granted, remaining)
	}
}

// fundState is every pool, round and application with its values, and
// the number of audit events: a refused write must change none of them.
func fundState(t *testing.T, c *ent.Client) string {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	var b strings.Builder
	fmt.Fprintf(&b, "pools %d audit %d\n", c.FundingPool.Query().CountX(ctx), c.AuditEvent.Query().CountX(ctx))
	for _, r := range c.FundingRound.Query().Order(ent.Asc("id")).AllX(ctx) {
		fmt.Fprintf(&b, "round %d v%d %s %s %s\n", r.ID, r.Version, r.Name, r.Deadline, r.Budget)
	}
	for _, x := range c.GrantApplication.Query().Order(ent.Asc("id")).AllX(ctx) {
		fmt.Fprintf(&b, "app %d v%d %s %s %s %v %s\n", x.ID, x.Version, x.Status, x.SubmittedOn, x.AmountRequested, x.AmountGranted, x.Title)
	}
	return b.String()
}

// fundRefuse asserts that a write is refused with code and field, in
// plain words, and writes nothing at all.
func (a *api) fundRefuse(query, code, field string, kv ...any) gqlError {
	a.t.Helper()
	before := fundState(a.t, a.db.Client)
	e := a.refuse(query, code, field, kv...)
	if after := fundState(a.t, a.db.Client); after != before {
		a.t.Fatalf("a refused write changed the education pool:\nbefore %s\nafter  %s", before, after)
	}
	return e
}

func TestFundingDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "5000000.00")
		early := f.app(a, "STEM-camp", "2018-08-01", "250000")
		onTheDay := f.app(a, "Teknologiforståelse i grundskolen", "2018-08-15", "400000.50")
		if early.Status != "SUBMITTED" || onTheDay.SubmittedOn != "2018-08-15" {
			t.Fatalf("applications: %+v %+v", early, onTheDay)
		}
		e := a.fundRefuse(fundCreateApp, "DEADLINE_PASSED", "submittedOn", "in", f.appIn("For sent", "2018-08-16", "100000"))
		if !strings.Contains(e.Message, "2018-08-15") || e.Extensions["deadline"] != "2018-08-15" {
			t.Errorf("DEADLINE_PASSED should name the deadline: %+v", e)
		}
		// Moving an application's submission past the deadline is refused too.
		a.fundRefuse(fundUpdateApp, "DEADLINE_PASSED", "submittedOn",
			"id", early.ID, "v", early.Version, "in", map[string]any{"submittedOn": "2018-09-01"})
		fundUpdate(a, early, map[string]any{"submittedOn": "2018-08-14"})

		// The deadline cannot be moved before an application already in.
		v := f.roundVersion(t, db)
		e = a.fundRefuse(fundUpdateRound, "BAD_USER_INPUT", "deadline",
			"id", f.round, "v", v, "in", map[string]any{"deadline": "2018-08-14"})
		if !strings.Contains(e.Message, "2018-08-15") {
			t.Errorf("message should name the late application's day: %s", e.Message)
		}
		var moved struct{ UpdateFundingRound struct{ Deadline string } }
		a.do(fundUpdateRound, &moved, "id", f.round, "v", v, "in", map[string]any{"deadline": "2018-08-31"})
		if moved.UpdateFundingRound.Deadline != "2018-08-31" {
			t.Errorf("deadline: %+v", moved)
		}
		f.app(a, "Nu rettidig", "2018-08-16", "100000")
	})
}

func TestFundingAmounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "5000000.00")
		a.fundRefuse(fundCreateApp, "BAD_USER_INPUT", "amountRequested", "in", f.appIn("Negativ", "2018-08-01", "-0.01"))
		a.fundRefuse(fundCreateApp, "BAD_USER_INPUT", "amountGranted", "in",
			f.appIn("Negativ bevilling", "2018-08-01", "100", "amountGranted", "-1"))
		a.fundRefuse(fundCreateApp, "BAD_USER_INPUT", "amountGranted", "in",
			f.appIn("Mere end søgt", "2018-08-01", "100000", "amountGranted", "100000.01"))
		a.fundRefuse(fundCreateRound, "BAD_USER_INPUT", "budget", "in", map[string]any{
			"poolID": f.pool, "name": "Negativ runde", "deadline": "2019-08-15", "budget": "-1"})
		a.fundRefuse(fundUpdateRound, "BAD_USER_INPUT", "budget",
			"id", f.round, "v", f.roundVersion(t, db), "in", map[string]any{"budget": "-0.01"})

		app := f.app(a, "STEM-camp", "2018-08-01", "250000")
		app = fundUpdate(a, app, map[string]any{"status": "ELIGIBLE"})
		for _, c := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"amountRequested": "-250000"}, "amountRequested"},
			{map[string]any{"amountGranted": "-1"}, "amountGranted"},
			// granted against the stored amount requested
			{map[string]any{"amountGranted": "250000.01"}, "amountGranted"},
			{map[string]any{"amountGranted": "300000", "amountRequested": "299999.99"}, "amountGranted"},
			// GRANTED needs an amount
			{map[string]any{"status": "GRANTED"}, "amountGranted"},
		} {
			a.fundRefuse(fundUpdateApp, "BAD_USER_INPUT", c.field, "id", app.ID, "v", app.Version, "in", c.in)
		}
		app = fundUpdate(a, app, map[string]any{"amountGranted": "200000"}) // a proposal while ELIGIBLE
		// Lowering the amount requested below the stored grant is refused,
		// at the field the input set.
		a.fundRefuse(fundUpdateApp, "BAD_USER_INPUT", "amountRequested",
			"id", app.ID, "v", app.Version, "in", map[string]any{"amountRequested": "199999.99"})
		app = fundUpdate(a, app, map[string]any{"status": "GRANTED"})
		if app.Status != "GRANTED" || !fundEq(*app.AmountGranted, "200000") {
			t.Fatalf("granted: %+v", app)
		}
		// A GRANTED application keeps its amount.
		a.fundRefuse(fundUpdateApp, "BAD_USER_INPUT", "amountGranted",
			"id", app.ID, "v", app.Version, "in", map[string]any{"clearAmountGranted": true})
		app = fundUpdate(a, app, map[string]any{"amountGranted": "250000", "amountRequested": "250000"})
		if !fundEq(*app.AmountGranted, app.AmountRequested) {
			t.Fatalf("granted all requested: %+v", app)
		}
	})
}

func TestFundingBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "1000000.00")
		x := f.app(a, "STEM-camp", "2018-08-01", "700000", "status", "ELIGIBLE")
		y := f.app(a, "Teknologiforståelse", "2018-08-02", "500000", "status", "ELIGIBLE")
		x = fundUpdate(a, x, map[string]any{"status": "GRANTED", "amountGranted": "600000"})

		e := a.fundRefuse(fundUpdateApp, "BUDGET_EXCEEDED", "amountGranted",
			"id", y.ID, "v", y.Version, "in", map[string]any{"status": "GRANTED", "amountGranted": "400000.01"})
		for k, want := range map[string]string{"budget": "1000000", "granted": "600000", "remaining": "400000"} {
			got, _ := e.Extensions[k].(string)
			if !fundEq(got, want) || !strings.Contains(e.Message, want) {
				t.Errorf("BUDGET_EXCEEDED %s = %q, want %s in extensions and message: %+v", k, got, want, e)
			}
		}
		// A proposal on an application that is not GRANTED does not count.
		y = fundUpdate(a, y, map[string]any{"amountGranted": "500000"})
		// Nor may a new application arrive GRANTED over the budget.
		a.fundRefuse(fundCreateApp, "BUDGET_EXCEEDED", "amountGranted", "in",
			f.appIn("Direkte bevilget", "2018-08-03", "500000", "status", "GRANTED", "amountGranted", "400000.01"))
		// Exactly the budget is fine.
		fundUpdate(a, y, map[string]any{"status": "GRANTED", "amountGranted": "400000.00"})
		fundTotalsAre(t, f.read(a).Totals, "1200000", "1000000", "0")
		// Raising a grant is checked against what the others have granted.
		e = a.fundRefuse(fundUpdateApp, "BUDGET_EXCEEDED", "amountGranted",
			"id", x.ID, "v", x.Version, "in", map[string]any{"amountGranted": "600000.01"})
		if !fundEq(e.Extensions["granted"].(string), "400000") || !fundEq(e.Extensions["remaining"].(string), "600000") {
			t.Errorf("BUDGET_EXCEEDED raising a grant: %+v", e)
		}

		// The budget cannot go below what is granted; exactly that is fine.
		v := f.roundVersion(t, db)
		e = a.fundRefuse(fundUpdateRound, "BUDGET_EXCEEDED", "budget",
			"id", f.round, "v", v, "in", map[string]any{"budget": "999999.99"})
		if !strings.Contains(e.Message, "1000000") || !fundEq(e.Extensions["granted"].(string), "1000000") {
			t.Errorf("BUDGET_EXCEEDED on budget: %+v", e)
		}
		var round struct{ UpdateFundingRound struct{ Totals fundTotals } }
		a.do(fundUpdateRound, &round, "id", f.round, "v", v, "in", map[string]any{"budget": "1000000"})
		a.do(fundUpdateRound, &round, "id", f.round, "v", v+1, "in", map[string]any{"budget": "1500000.50"})
		fundTotalsAre(t, round.UpdateFundingRound.Totals, "1200000", "1000000", "500000.50")

		// Lowering a grant frees budget, and the mutation's answer sees its own write.
		var lowered struct {
			UpdateGrantApplication struct {
				Round struct{ Totals fundTotals }
			}
		}
		a.do(fundUpdateApp, &lowered, "id", x.ID, "v", x.Version, "in", map[string]any{"amountGranted": "100000"})
		if got := lowered.UpdateGrantApplication.Round.Totals.Granted; !fundEq(got, "500000") {
			t.Errorf("granted after lowering = %s, want 500000", got)
		}
	})
}

func TestFundingTotalsAreExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "5000000.00")
		p := f.app(a, "STEM-camp", "2018-08-01", "1234567.89", "status", "ELIGIBLE")
		q := f.app(a, "Øre", "2018-08-02", "0.11", "status", "ELIGIBLE")
		fundTotalsAre(t, f.read(a).Totals, "1234568.00", "0", "5000000")
		fundUpdate(a, p, map[string]any{"status": "GRANTED", "amountGranted": "1234567.89"})
		fundUpdate(a, q, map[string]any{"status": "GRANTED", "amountGranted": "0.11"})
		// Three tenths and two tenths, as a float would not add them.
		for _, amt := range []string{"0.1", "0.2"} {
			x := f.app(a, "Tiendedele "+amt, "2018-08-03", amt, "status", "ELIGIBLE")
			fundUpdate(a, x, map[string]any{"status": "GRANTED", "amountGranted": amt})
		}
		// Withdrawn and rejected applications are not requested; an
		// ELIGIBLE one with a proposed amount is requested but not granted.
		w := f.app(a, "Trukket", "2018-08-04", "1000")
		fundUpdate(a, w, map[string]any{"status": "WITHDRAWN"})
		r := f.app(a, "Afvist", "2018-08-05", "2000")
		fundUpdate(a, r, map[string]any{"status": "REJECTED"})
		f.app(a, "Indstillet", "2018-08-06", "3000", "status", "ELIGIBLE", "amountGranted", "3000")
		got := f.read(a).Totals
		fundTotalsAre(t, got, "1237568.30", "1234568.30", "3765431.70")
		anon := f.read(a.as(authz.Anonymous)).Totals
		if anon != got {
			t.Errorf("anonymous totals %+v, admin %+v", anon, got)
		}
	})
}

func TestFundingStatusMovesForwardOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "5000000.00")
		move := func(app fundApp, to string) fundApp {
			t.Helper()
			return fundUpdate(a, app, map[string]any{"status": to})
		}
		refuse := func(app fundApp, to string) {
			t.Helper()
			in := map[string]any{"status": to}
			if to == "GRANTED" {
				in["amountGranted"] = "1"
			}
			e := a.fundRefuse(fundUpdateApp, "BAD_USER_INPUT", "status", "id", app.ID, "v", app.Version, "in", in)
			if !strings.Contains(e.Message, to) {
				t.Errorf("message should name the status refused: %s", e.Message)
			}
		}
		s := f.app(a, "Ansøgning", "2018-08-01", "100000")
		refuse(s, "GRANTED") // not assessed eligible yet
		s = move(s, "SUBMITTED")
		el := move(s, "ELIGIBLE")
		refuse(el, "SUBMITTED")
		g := fundUpdate(a, el, map[string]any{"status": "GRANTED", "amountGranted": "100000"})
		for _, to := range []string{"SUBMITTED", "ELIGIBLE", "REJECTED", "WITHDRAWN"} {
			refuse(g, to)
		}
		rej := move(f.app(a, "Ikke støtteberettiget", "2018-08-01", "1000"), "REJECTED")
		for _, to := range []string{"SUBMITTED", "ELIGIBLE", "GRANTED", "WITHDRAWN"} {
			refuse(rej, to)
		}
		wd := move(move(f.app(a, "Trækkes", "2018-08-01", "1000"), "ELIGIBLE"), "WITHDRAWN")
		for _, to := range []string{"SUBMITTED", "ELIGIBLE", "GRANTED", "REJECTED"} {
			refuse(wd, to)
		}
		move(f.app(a, "Trækkes straks", "2018-08-01", "1000"), "WITHDRAWN")
		move(move(f.app(a, "Afvises", "2018-08-01", "1000"), "ELIGIBLE"), "REJECTED")
	})
}

// TestFundingStaleUpdateIsAConflict: an update judged against a newer
// version than the one its author read is CONFLICT, even when a rule
// would also refuse it.
func TestFundingStaleUpdateIsAConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "5000000.00")
		app := f.app(a, "STEM-camp", "2018-08-01", "100000", "status", "ELIGIBLE")
		fundUpdate(a, app, map[string]any{"status": "GRANTED", "amountGranted": "100000"})
		e := a.fundRefuse(fundUpdateApp, "CONFLICT", "expectedVersion",
			"id", app.ID, "v", app.Version, "in", map[string]any{"status": "REJECTED"})
		if e.Extensions["currentVersion"] != float64(app.Version+1) {
			t.Errorf("CONFLICT: %+v", e)
		}
	})
}

// TestFundingGrantsUnderConcurrency: 20 concurrent grants of 300000 on
// different applications of a round with a budget of 1000000: exactly 3
// succeed, 17 are BUDGET_EXCEEDED. The race runs in several rounds, so
// that without the round lock it fails reliably, not just now and then.
func TestFundingGrantsUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "1000000")
		for i := range 5 {
			r := f
			if i > 0 {
				r.round = strconv.Itoa(db.Client.FundingRound.Create().SetPoolID(fundID(t, f.pool)).
					SetName(fmt.Sprintf("Runde %d", i+1)).SetDeadline(dates.MustParse("2018-08-15")).
					SetBudget(decimal.RequireFromString("1000000")).SaveX(f.ctx).ID)
			}
			ok, exceeded, other := fundRace(t, a, r, 20, "300000")
			if ok != 3 || exceeded != 17 || len(other) != 0 {
				t.Fatalf("round %d: %d succeeded, %d BUDGET_EXCEEDED, other %v; want 3 and 17", i+1, ok, exceeded, other)
			}
			n := db.Client.GrantApplication.Query().Where(grantapplication.RoundID(fundID(t, r.round)),
				grantapplication.StatusEQ(grantapplication.StatusGRANTED)).CountX(f.ctx)
			if n != 3 {
				t.Fatalf("round %d: %d applications stored GRANTED", i+1, n)
			}
			fundTotalsAre(t, r.read(a).Totals, "6000000", "900000", "100000")
		}
	})
}

// fundRace makes n ELIGIBLE applications in f's round and grants each
// amount at once, concurrently, through the API.
func fundRace(t *testing.T, a *api, f fundWorld, n int, amount string) (ok, exceeded int, other []string) {
	t.Helper()
	var apps []int
	for i := range n {
		apps = append(apps, a.db.Client.GrantApplication.Create().SetRoundID(fundID(t, f.round)).SetApplicantID(f.applicant2).
			SetTitle(fmt.Sprintf("Ansøgning %d", i)).SetSubmittedOn(dates.MustParse("2018-08-10")).
			SetAmountRequested(decimal.RequireFromString(amount)).SetStatus(grantapplication.StatusELIGIBLE).SaveX(f.ctx).ID)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
	)
	for _, id := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // all at once, for the most overlap
			errs := a.try(fundUpdateApp, nil, "id", id, "v", 1,
				"in", map[string]any{"status": "GRANTED", "amountGranted": amount})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case len(errs) == 0:
				ok++
			case errs[0].code() == string(apperr.BudgetExceeded) && errs[0].field() == "amountGranted":
				exceeded++
			default:
				other = append(other, errs[0].code()+": "+errs[0].Message)
			}
		}()
	}
	close(start)
	wg.Wait()
	return ok, exceeded, other
}

// TestFundingRulesOnEveryWritePath: the rules are hooks, so a write
// through the ent client (an import, a script) keeps them as well.
func TestFundingRulesOnEveryWritePath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "1000000")
		round := fundID(t, f.round)
		c := db.Client
		create := func(submitted string) *ent.GrantApplicationCreate {
			return c.GrantApplication.Create().SetRoundID(round).SetApplicantID(f.applicant).SetTitle("Import").
				SetSubmittedOn(dates.MustParse(submitted)).SetAmountRequested(decimal.RequireFromString("600000")).
				SetStatus(grantapplication.StatusELIGIBLE).SetAmountGranted(decimal.RequireFromString("600000"))
		}
		before := fundState(t, c)
		wantCode := func(err error, code apperr.Code, field string) {
			t.Helper()
			e, ok := apperr.As(err)
			if !ok || e.Code != code || e.Field != field {
				t.Fatalf("want %s %s, got %v", code, field, err)
			}
		}
		_, err := create("2018-08-16").Save(f.ctx)
		wantCode(err, apperr.DeadlinePassed, "submittedOn")
		create("2018-08-01").ExecX(f.ctx)
		create("2018-08-02").ExecX(f.ctx)
		// A bulk update granting both would grant 1200000 of 1000000.
		_, err = c.GrantApplication.Update().Where(grantapplication.RoundID(round)).
			SetStatus(grantapplication.StatusGRANTED).Save(f.ctx)
		wantCode(err, apperr.BudgetExceeded, "amountGranted")
		_, err = c.GrantApplication.Update().Where(grantapplication.RoundID(round)).
			SetStatus(grantapplication.StatusSUBMITTED).Save(f.ctx)
		wantCode(err, apperr.BadUserInput, "status")
		_, err = c.FundingRound.Update().SetBudget(decimal.RequireFromString("-1")).Save(f.ctx)
		wantCode(err, apperr.BadUserInput, "budget")
		n := c.GrantApplication.Update().Where(grantapplication.RoundID(round), grantapplication.SubmittedOn(dates.MustParse("2018-08-01"))).
			SetStatus(grantapplication.StatusGRANTED).SaveX(f.ctx)
		if n != 1 {
			t.Fatalf("bulk grant changed %d applications", n)
		}
		_, err = c.FundingRound.Update().SetBudget(decimal.RequireFromString("599999")).Save(f.ctx)
		wantCode(err, apperr.BudgetExceeded, "budget")
		// A bulk create runs every row's hooks before it inserts any row:
		// each of two grants of 300000 fits the 400000 left, both do not.
		// (In a transaction, as every GraphQL mutation is, nothing stays.)
		tx, err := c.Tx(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		grant := func(c *ent.Client, submitted string) *ent.GrantApplicationCreate {
			return c.GrantApplication.Create().SetRoundID(round).SetApplicantID(f.applicant).SetTitle("Bulk").
				SetSubmittedOn(dates.MustParse(submitted)).SetAmountRequested(decimal.RequireFromString("300000")).
				SetStatus(grantapplication.StatusGRANTED).SetAmountGranted(decimal.RequireFromString("300000"))
		}
		_, err = tx.Client().GrantApplication.CreateBulk(grant(tx.Client(), "2018-08-03"), grant(tx.Client(), "2018-08-04")).Save(f.ctx)
		wantCode(err, apperr.BudgetExceeded, "amountGranted")
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		// Dates: a bulk update of a round's dates is refused (each row's
		// order would need its own check); an application cannot precede
		// its round's opening, nor a round open after one.
		_, err = c.FundingRound.Update().SetOpensOn(dates.MustParse("2018-09-01")).Save(f.ctx)
		wantCode(err, apperr.BadUserInput, "deadline")
		_, err = create("2018-05-31").Save(f.ctx)
		wantCode(err, apperr.BadUserInput, "submittedOn")
		_, err = c.FundingRound.UpdateOneID(round).SetOpensOn(dates.MustParse("2018-08-02")).Save(f.ctx)
		wantCode(err, apperr.BadUserInput, "opensOn")
		_, err = c.FundingRound.UpdateOneID(round).SetDecisionOn(dates.MustParse("2018-08-14")).Save(f.ctx)
		wantCode(err, apperr.BadUserInput, "decisionOn")
		if after := fundState(t, c); strings.Count(after, "GRANTED") != 1 || strings.Count(after, "round ") != strings.Count(before, "round ") {
			t.Fatalf("state after the refused writes:\n%s", after)
		}
	})
}

func TestFundingAnonymousReadsButCannotWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		f := fundSetup(t, a, db, "5000000.00")
		app := f.app(a, "STEM-camp", "2018-08-01", "250000", "status", "ELIGIBLE")
		app = fundUpdate(a, app, map[string]any{"status": "GRANTED", "amountGranted": "200000.50"})
		anon := a.as(authz.Anonymous)
		r := f.read(anon)
		if r.Name != "Første ansøgningsrunde" || len(r.Applications) != 1 {
			t.Fatalf("anonymous read: %+v", r)
		}
		fundTotalsAre(t, r.Totals, "250000", "200000.50", "4799999.50")
		var list struct {
			FundingRounds struct {
				Edges []struct{ Node struct{ Totals fundTotals } }
			}
		}
		anon.do(`{ fundingRounds(first: 10) { edges { node { totals { requested granted remaining } } } } }`, &list)
		if len(list.FundingRounds.Edges) != 1 || list.FundingRounds.Edges[0].Node.Totals != r.Totals {
			t.Fatalf("anonymous list: %+v", list)
		}
		for _, c := range []*api{anon, a.as(authz.Reader)} {
			c.fundRefuse(fundCreatePool, "FORBIDDEN", "", "in", map[string]any{"name": "Anden pulje"})
			c.fundRefuse(fundCreateRound, "FORBIDDEN", "", "in", map[string]any{
				"poolID": f.pool, "name": "Anden runde", "deadline": "2019-08-15", "budget": "1"})
			c.fundRefuse(fundUpdateRound, "FORBIDDEN", "",
				"id", f.round, "v", f.roundVersion(t, db), "in", map[string]any{"budget": "1"})
			c.fundRefuse(fundCreateApp, "FORBIDDEN", "", "in", f.appIn("Anonym", "2018-08-01", "1"))
			c.fundRefuse(fundUpdateApp, "FORBIDDEN", "",
				"id", app.ID, "v", app.Version, "in", map[string]any{"amountGranted": "1"})
			c.fundRefuse(fundUpdatePool, "FORBIDDEN", "", "id", f.pool, "v", 1, "in", map[string]any{"name": "X"})
		}
		// An editor renames the pool (there was no way to), at the version read.
		var pool struct{ UpdateFundingPool struct{ Name string } }
		a.do(fundUpdatePool, &pool, "id", f.pool, "v", 1, "in", map[string]any{"name": "Uddannelsespuljen 2019"})
		if pool.UpdateFundingPool.Name != "Uddannelsespuljen 2019" {
			t.Errorf("pool after update: %+v", pool)
		}
		a.fundRefuse(fundUpdatePool, "CONFLICT", "expectedVersion", "id", f.pool, "v", 1, "in", map[string]any{"name": "X"})
	})
}

const fundUpdatePool = `mutation($id: ID!, $v: Int!, $in: UpdateFundingPoolInput!) { updateFundingPool(id: $id, expectedVersion: $v, input: $in) { id name version } }`
