package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// council is a body with allocations of every kind the rules care about.
type council struct {
	body                          int
	chair, viceA, viceB, kommuner int // allocations
	au                            int // allocation naming Aarhus Universitet
	region, aarhus, skive, auOrg  int // organisations
	uni                           int // a university that is not AU
	people                        []int
	c                             *ent.Client
}

func newCouncil(t *testing.T, c *ent.Client, people int) council {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	org := func(name string, k vocab.OrganisationKind) int {
		return c.Organisation.Create().SetName(name).SetKind(k).SaveX(ctx).ID
	}
	w := council{c: c}
	w.region, w.aarhus, w.skive = org("Region Midtjylland", vocab.Region), org("Aarhus Kommune", vocab.Municipality), org("Skive Kommune", vocab.Municipality)
	w.auOrg, w.uni = org("Aarhus Universitet", vocab.University), org("Københavns Universitet", vocab.University)
	w.body = c.Body.Create().SetName("Rådet for fremtidens kompetencer").SetKind(vocab.Council).
		SetEstablishedOn(dates.MustParse("2018-01-01")).SaveX(ctx).ID
	alloc := func(label string, seats int, role vocab.SeatRole, kinds []vocab.OrganisationKind, named ...int) int {
		return c.SeatAllocation.Create().SetBodyID(w.body).SetLabel(label).SetSeats(seats).SetRole(role).
			SetEligibleKinds(kinds).AddEligibleOrganisationIDs(named...).SaveX(ctx).ID
	}
	w.chair = alloc("Region Midtjylland", 1, vocab.Chair, nil, w.region)
	w.viceA = alloc("Næstformand (kommunerne)", 1, vocab.ViceChair, []vocab.OrganisationKind{vocab.Municipality})
	w.viceB = alloc("Næstformand (regionen)", 1, vocab.ViceChair, []vocab.OrganisationKind{vocab.Region})
	w.kommuner = alloc("Kommunerne", 2, vocab.Member, []vocab.OrganisationKind{vocab.Municipality})
	w.au = alloc("Aarhus Universitet", 1, vocab.Member, nil, w.auOrg)
	for i := range people {
		w.people = append(w.people, c.Person.Create().SetName(fmt.Sprintf("Demo Person %d", i)).SaveX(ctx).ID)
	}
	return w
}

const appointMutation = `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id endsOn previous { id } } }`

type appointed struct {
	CreateAppointment struct {
		ID       string
		EndsOn   *string
		Previous *struct{ ID string }
	}
}

func appt(person, alloc, org int, start, end string) map[string]any {
	m := map[string]any{"personID": person, "seatAllocationID": alloc, "onBehalfOfID": org, "startsOn": start}
	if end != "" {
		m["endsOn"] = end
	}
	return m
}

func (a *api) appoint(in map[string]any) string {
	a.t.Helper()
	var out appointed
	a.do(appointMutation, &out, "in", in)
	return out.CreateAppointment.ID
}

// refuse asserts that a write is refused with code and field and changes nothing.
func (a *api) refuse(query, code, field string, kv ...any) gqlError {
	a.t.Helper()
	var e gqlError
	unchanged(a.t, a.db, func() { e = a.fails(query, code, field, kv...) })
	assertPlain(a.t, e)
	return e
}

func TestEligibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 3)
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "")) // by kind
		a.appoint(appt(w.people[1], w.au, w.auOrg, "2018-06-01", ""))        // by name
		e := a.refuse(appointMutation, "NOT_ELIGIBLE", "onBehalfOfID", "in", appt(w.people[2], w.au, w.uni, "2018-06-01", ""))
		if !strings.Contains(e.Message, `"Aarhus Universitet"`) || !strings.Contains(e.Message, "accepts Aarhus Universitet") {
			t.Errorf("message does not say what the allocation accepts: %s", e.Message)
		}
		e = a.refuse(appointMutation, "NOT_ELIGIBLE", "onBehalfOfID", "in", appt(w.people[2], w.kommuner, w.region, "2018-06-01", ""))
		if !strings.Contains(e.Message, "Kommunerne") || !strings.Contains(e.Message, "MUNICIPALITY") {
			t.Errorf("message: %s", e.Message)
		}
	})
}

func TestCapacity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 5)
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", ""))
		e := a.refuse(appointMutation, "SEAT_FULL", "seatAllocationID", "in", appt(w.people[2], w.kommuner, w.aarhus, "2019-06-01", ""))
		if e.Extensions["date"] != "2019-06-01" || e.Extensions["holders"] != float64(2) || !strings.Contains(e.Message, "Kommunerne") {
			t.Errorf("SEAT_FULL should name the allocation, the first full day and the holders: %+v", e)
		}
		// A term ending on the 31st frees its seat for one starting on the 1st.
		a.appoint(appt(w.people[2], w.kommuner, w.aarhus, "2020-01-01", ""))
		// Overflow found on the first full day even when the new term starts earlier.
		e = a.refuse(appointMutation, "SEAT_FULL", "seatAllocationID", "in", appt(w.people[3], w.kommuner, w.skive, "2018-01-02", "2018-07-01"))
		if e.Extensions["date"] != "2018-06-01" {
			t.Errorf("first overflowing day = %v, want 2018-06-01", e.Extensions["date"])
		}
		a.appoint(appt(w.people[3], w.kommuner, w.skive, "2018-01-01", "2018-05-31")) // before the others: fits

		// Lowering seats below what is held today is refused; to what is held, allowed.
		var v struct{ Node struct{ Version int } }
		a.do(fmt.Sprintf(`{ node(id: %d) { ... on SeatAllocation { version } } }`, w.kommuner), &v)
		lower := `mutation($id: ID!, $v: Int!, $n: Int!) { updateSeatAllocation(id: $id, expectedVersion: $v, input: {seats: $n}) { seats } }`
		e = a.refuse(lower, "SEAT_FULL", "seats", "id", w.kommuner, "v", v.Node.Version, "n", 1)
		if e.Extensions["holders"] != float64(2) {
			t.Errorf("lowering: %+v", e)
		}
		a.do(lower, nil, "id", w.kommuner, "v", v.Node.Version, "n", 2)
	})
}

// TestCapacityUnderConcurrency: 50 concurrent appointments of different
// people into one 2-seat allocation on the same dates: exactly 2 succeed.
func TestCapacityUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 50)
		var (
			wg              sync.WaitGroup
			mu              sync.Mutex
			ok, full, other int
			otherErrs       []string
		)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs := a.try(appointMutation, nil, "in", appt(w.people[i], w.kommuner, w.aarhus, "2018-06-01", ""))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case len(errs) == 0:
					ok++
				case errs[0].code() == "SEAT_FULL":
					full++
				default:
					other++
					otherErrs = append(otherErrs, errs[0].Message)
				}
			}()
		}
		wg.Wait()
		if ok != 2 || full != 48 || other != 0 {
			t.Fatalf("%d succeeded, %d SEAT_FULL, %d other %v; want 2 and 48", ok, full, other, otherErrs)
		}
		ctx := authz.SystemContext(context.Background())
		if n := db.Client.Appointment.Query().CountX(ctx); n != 2 {
			t.Fatalf("%d appointments stored", n)
		}
	})
}

func TestRolesAndSamePerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 4)
		a.appoint(appt(w.people[0], w.viceA, w.aarhus, "2018-06-01", "2019-12-31"))
		e := a.refuse(appointMutation, "CONFLICT", "seatAllocationID", "in", appt(w.people[1], w.viceB, w.region, "2019-01-01", ""))
		if !strings.Contains(e.Message, "vice-chair") || !strings.Contains(e.Message, "Demo Person 0") {
			t.Errorf("message: %s", e.Message)
		}
		a.appoint(appt(w.people[1], w.viceB, w.region, "2020-01-01", "")) // after the first vice-chair's term
		a.appoint(appt(w.people[2], w.chair, w.region, "2018-06-01", "")) // the chair is another role

		a.appoint(appt(w.people[3], w.kommuner, w.aarhus, "2018-06-01", "2018-12-31"))
		a.refuse(appointMutation, "CONFLICT", "personID", "in", appt(w.people[3], w.kommuner, w.skive, "2018-12-01", ""))
		a.appoint(appt(w.people[3], w.kommuner, w.skive, "2019-01-01", "")) // after the first term: fine
	})
}

func TestAlternates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 5)
		m1 := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", ""))
		alt := appt(w.people[2], w.kommuner, w.aarhus, "2018-06-01", "")
		alt["alternateForID"] = m1
		altID := a.appoint(alt) // the allocation is full, but an alternate takes no seat
		own := appt(w.people[3], w.kommuner, w.aarhus, "2018-06-01", "2019-06-30")
		own["alternateForID"] = m1
		ownID := a.appoint(own)
		bad := appt(w.people[4], w.kommuner, w.aarhus, "2018-06-01", "")
		bad["alternateForID"] = altID
		a.refuse(appointMutation, "BAD_USER_INPUT", "alternateForID", "in", bad)

		var ended struct {
			EndAppointment struct {
				EndsOn     string
				EndReason  string
				Alternates []struct {
					ID, EndsOn, EndReason string
				}
			}
		}
		a.do(`mutation($id: ID!) { endAppointment(id: $id, endsOn: "2020-12-31", reason: RESIGNED) { endsOn endReason alternates { id endsOn endReason } } }`,
			&ended, "id", m1)
		got := map[string][2]string{}
		for _, x := range ended.EndAppointment.Alternates {
			got[x.ID] = [2]string{x.EndsOn, x.EndReason}
		}
		if got[altID] != [2]string{"2020-12-31", "RESIGNED"} {
			t.Errorf("the open alternate did not end with its member: %v", got[altID])
		}
		if got[ownID][0] != "2019-06-30" {
			t.Errorf("the alternate with its own end was changed: %v", got[ownID])
		}
	})
}

func TestBodyLifetimeAndDissolution(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 4)
		a.refuse(appointMutation, "BAD_USER_INPUT", "startsOn", "in", appt(w.people[0], w.kommuner, w.aarhus, "2017-12-31", ""))
		open := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		late := a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", "2030-12-31"))
		early := a.appoint(appt(w.people[2], w.chair, w.region, "2018-06-01", "2019-12-31"))
		var v struct{ Node struct{ Version int } }
		a.do(fmt.Sprintf(`{ node(id: %d) { ... on Body { version } } }`, w.body), &v)
		dissolve := `mutation($id: ID!, $v: Int!, $d: Date!) { dissolveBody(id: $id, expectedVersion: $v, dissolvedOn: $d) { dissolvedOn } }`
		a.refuse(dissolve, "BAD_USER_INPUT", "dissolvedOn", "id", w.body, "v", v.Node.Version, "d", "2018-05-31")
		a.do(dissolve, nil, "id", w.body, "v", v.Node.Version, "d", "2024-06-30")
		var got struct {
			A, B, C struct {
				EndsOn    string
				EndReason *string
			}
		}
		a.do(fmt.Sprintf(`{ a: node(id: %s) { ... on Appointment { endsOn endReason } } b: node(id: %s) { ... on Appointment { endsOn endReason } }
			c: node(id: %s) { ... on Appointment { endsOn endReason } } }`, open, late, early), &got)
		if got.A.EndsOn != "2024-06-30" || got.A.EndReason == nil || *got.A.EndReason != "BODY_DISSOLVED" ||
			got.B.EndsOn != "2024-06-30" || got.C.EndsOn != "2019-12-31" || got.C.EndReason != nil {
			t.Fatalf("after dissolution: %+v", got)
		}
		a.refuse(appointMutation, "BAD_USER_INPUT", "startsOn", "in", appt(w.people[3], w.kommuner, w.aarhus, "2024-07-01", ""))
		a.refuse(appointMutation, "BAD_USER_INPUT", "endsOn", "in", appt(w.people[3], w.kommuner, w.aarhus, "2024-01-01", ""))
	})
}

func TestTermsAndReappointment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 2)
		ctx := authz.SystemContext(context.Background())
		db.Client.Body.UpdateOneID(w.body).SetDefaultTermMonths(48).SetMaxConsecutiveTerms(2).ExecX(ctx)
		var first appointed
		a.do(appointMutation, &first, "in", appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		if e := first.CreateAppointment.EndsOn; e == nil || *e != "2022-05-31" {
			t.Fatalf("default term end = %v, want 2022-05-31", e)
		}
		var second struct {
			Reappoint struct {
				ID, StartsOn, EndsOn string
				Previous             struct{ ID string }
			}
		}
		a.do(`mutation($id: ID!) { reappoint(id: $id) { id startsOn endsOn previous { id } } }`, &second, "id", first.CreateAppointment.ID)
		if r := second.Reappoint; r.StartsOn != "2022-06-01" || r.EndsOn != "2026-05-31" || r.Previous.ID != first.CreateAppointment.ID {
			t.Fatalf("reappointment: %+v", r)
		}
		e := a.refuse(`mutation($id: ID!) { reappoint(id: $id) { id } }`, "TERM_LIMIT", "previousID", "id", second.Reappoint.ID)
		if e.Extensions["maxConsecutiveTerms"] != float64(2) {
			t.Errorf("%+v", e)
		}
		// A plain createAppointment the day after is the same consecutive term.
		a.refuse(appointMutation, "TERM_LIMIT", "previousID", "in", appt(w.people[0], w.kommuner, w.skive, "2026-06-01", ""))
		// After a break it is a new run of terms.
		var later appointed
		a.do(appointMutation, &later, "in", appt(w.people[0], w.kommuner, w.skive, "2026-07-01", ""))
		if later.CreateAppointment.Previous != nil {
			t.Errorf("a term after a break was linked to %v", later.CreateAppointment.Previous)
		}
	})
}

func TestHistoryIsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 3)
		id := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		end := `mutation($id: ID!, $d: Date!) { endAppointment(id: $id, endsOn: $d, reason: RESIGNED) { endsOn } }`
		a.refuse(end, "BAD_USER_INPUT", "endsOn", "id", id, "d", "2018-05-31")

		var succ struct {
			ReplaceAppointment struct {
				ID, StartsOn string
				Replaces     struct {
					ID, EndsOn, EndReason string
				}
			}
		}
		a.do(`mutation($id: ID!, $p: ID!) { replaceAppointment(id: $id, input: {personID: $p, startsOn: "2020-03-01"}) {
			id startsOn replaces { id endsOn endReason } } }`, &succ, "id", id, "p", w.people[1])
		r := succ.ReplaceAppointment
		if r.Replaces.ID != id || r.Replaces.EndsOn != "2020-02-29" || r.Replaces.EndReason != "REPLACED" {
			t.Fatalf("replacement: %+v", r)
		}
		a.refuse(end, "BAD_USER_INPUT", "id", "id", id, "d", "2020-01-31") // ended already
		// A failed replacement writes nothing, not even the ending.
		a.refuse(`mutation($id: ID!, $p: ID!) { replaceAppointment(id: $id, input: {personID: $p, startsOn: "2021-01-01", onBehalfOfID: `+fmt.Sprint(w.region)+`}) { id } }`,
			"NOT_ELIGIBLE", "onBehalfOfID", "id", r.ID, "p", w.people[2])
		var still struct{ Node struct{ EndsOn *string } }
		a.do(`query($id: ID!) { node(id: $id) { ... on Appointment { endsOn } } }`, &still, "id", r.ID)
		if still.Node.EndsOn != nil {
			t.Fatalf("the refused replacement ended the appointment on %s", *still.Node.EndsOn)
		}
		// No path deletes an appointment.
		ctx := authz.SystemContext(context.Background())
		err := db.Client.Appointment.DeleteOneID(0).Exec(ctx)
		if ae, ok := apperr.As(err); !ok || ae.Code != apperr.Forbidden {
			t.Fatalf("delete: %v", err)
		}
	})
}

// TestMutationResultWithLinkedFields: a mutation's answer may ask for
// several linked records; they are read over the mutation's one
// transaction connection, which PostgreSQL cannot share between the
// fields gqlgen resolves at once (the transactioner makes them take turns).
func TestMutationResultWithLinkedFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		for i := range 5 {
			day := dates.MustParse("2018-06-01").AddDays(i).String() // one-day terms, one after another
			var out struct {
				CreateAppointment struct {
					Person         struct{ Name string }
					SeatAllocation struct {
						Label string
						Body  struct{ Name string }
					}
					OnBehalfOf struct{ Name string }
				}
			}
			a.do(`mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) {
				person { name } seatAllocation { label body { name } } onBehalfOf { name } } }`, &out,
				"in", appt(w.people[0], w.kommuner, w.aarhus, day, day))
			got := out.CreateAppointment
			if got.Person.Name == "" || got.SeatAllocation.Body.Name == "" || got.OnBehalfOf.Name != "Aarhus Kommune" {
				t.Fatalf("linked fields: %+v", got)
			}
		}
	})
}

// TestRulesHoldWhenTheirInputsChange: changes to the facts a rule judged
// (an allocation's role, a body's establishment, its mandate) and bulk
// updates cannot slip past the rules.
func TestRulesHoldWhenTheirInputsChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 4)
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		a.appoint(appt(w.people[0], w.chair, w.region, "2021-01-01", ""))
		member := a.appoint(appt(w.people[1], w.kommuner, w.aarhus, "2021-01-01", "2026-12-31"))
		version := func(id int) int {
			var v struct{ Node struct{ Version int } }
			a.do(fmt.Sprintf(`{ node(id: %d) { ... on SeatAllocation { version } ... on Body { version } } }`, id), &v)
			return v.Node.Version
		}
		// Turning the members' allocation into a second chair line.
		a.refuse(`mutation($id: ID!, $v: Int!) { updateSeatAllocation(id: $id, expectedVersion: $v, input: {role: CHAIR}) { id } }`,
			"CONFLICT", "role", "id", w.kommuner, "v", version(w.kommuner))
		// Establishing the body after its first appointments start.
		a.refuse(`mutation($id: ID!, $v: Int!) { updateBody(id: $id, expectedVersion: $v, input: {establishedOn: "2022-01-01"}) { id } }`,
			"BAD_USER_INPUT", "establishedOn", "id", w.body, "v", version(w.body))
		// Shortening a mandate below a linked task.
		c.Body.UpdateOneID(w.body).SetMandate([]string{"1", "2", "3"}).ExecX(ctx)
		ini := c.Initiative.Create().SetTitle("STEM").SaveX(ctx)
		c.MandateLink.Create().SetBodyID(w.body).SetTask(3).SetInitiativeID(ini.ID).ExecX(ctx)
		a.refuse(`mutation($id: ID!, $v: Int!) { updateBody(id: $id, expectedVersion: $v, input: {mandate: ["1", "2"]}) { id } }`,
			"BAD_USER_INPUT", "mandate", "id", w.body, "v", version(w.body))
		// Bulk updates are refused: the rules judge one row at a time.
		for name, err := range map[string]error{
			"seats":  c.SeatAllocation.Update().SetSeats(1).Exec(ctx),
			"ends":   c.Appointment.Update().SetEndsOn(dates.MustParse("2000-01-01")).Exec(ctx),
			"status": c.Partnership.Update().SetStatus("DRAFT").Exec(ctx),
			"bodies": c.Body.Update().SetDescription("x").Exec(ctx),
		} {
			if ae, ok := apperr.As(err); !ok || ae.Code != apperr.BadUserInput {
				t.Errorf("bulk update of %s: %v", name, err)
			}
		}
		// Replacing an appointment that ends before the successor starts
		// would lengthen it: refused.
		a.refuse(`mutation($id: ID!, $p: ID!) { replaceAppointment(id: $id, input: {personID: $p, startsOn: "2027-06-01"}) { id } }`,
			"BAD_USER_INPUT", "startsOn", "id", member, "p", w.people[2])
	})
}

// TestNominationIsJudgedAsItWillBeMade: nominate plans the appointment as
// confirmation will make it (here: continuing the nominee's previous
// term), so the term limit refuses it at nomination, not later.
func TestNominationIsJudgedAsItWillBeMade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		ctx := authz.SystemContext(context.Background())
		db.Client.Body.UpdateOneID(w.body).SetMaxConsecutiveTerms(1).ExecX(ctx)
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		req := db.Client.NominationRequest.Create().SetSeatAllocationID(w.kommuner).SetOrganisationID(w.aarhus).
			SetStatus(vocab.Sent).SetSentOn(dates.MustParse("2019-10-01")).SetTermStartsOn(dates.MustParse("2020-01-01")).SaveX(ctx)
		a.refuse(`mutation($id: ID!, $p: ID!) { nominate(id: $id, personID: $p, answeredOn: "2019-11-01") { status } }`,
			"TERM_LIMIT", "previousID", "id", req.ID, "p", w.people[0])
	})
}

// Ending an open-ended appointment (by endAppointment or replaceAppointment)
// is always ending earlier: the create rules are not re-run over its past
// term, which later changes to the allocation may no longer admit.
func TestEndingOpenAppointmentDoesNotRecheckRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 4)
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		b := a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", ""))
		au := a.appoint(appt(w.people[2], w.au, w.auOrg, "2018-06-01", ""))
		version := func(id int) int {
			var v struct{ Node struct{ Version int } }
			a.do(fmt.Sprintf(`{ node(id: %d) { ... on SeatAllocation { version } } }`, id), &v)
			return v.Node.Version
		}
		upd := `mutation($id: ID!, $v: Int!, $in: UpdateSeatAllocationInput!) { updateSeatAllocation(id: $id, expectedVersion: $v, input: $in) { id } }`
		// Allowed: only today and later count when lowering seats.
		a.do(upd, nil, "id", w.kommuner, "v", version(w.kommuner), "in", map[string]any{"seats": 1})
		// Allowed: the allocation now names other organisations.
		a.do(upd, nil, "id", w.au, "v", version(w.au), "in", map[string]any{"eligibleKinds": []string{"REGION"}, "removeEligibleOrganisationIDs": []int{w.auOrg}})
		replace := `mutation($id: ID!, $p: ID!) { replaceAppointment(id: $id, input: {personID: $p, startsOn: "2027-01-01"}) { id } }`
		if errs := a.try(replace, nil, "id", b, "p", w.people[3]); len(errs) > 0 {
			t.Errorf("replacing %s refused: %+v", b, errs)
		}
		end := `mutation($id: ID!) { endAppointment(id: $id, endsOn: "2026-12-31", reason: RESIGNED) { endsOn } }`
		if errs := a.try(end, nil, "id", au); len(errs) > 0 {
			t.Errorf("ending %s refused: %+v", au, errs)
		}
	})
}

// Replacing an alternate appoints an alternate of the same member: it
// takes no seat, so a full allocation does not refuse it.
func TestReplaceAlternate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 4)
		m := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", "")) // allocation full (2/2)
		alt := appt(w.people[2], w.kommuner, w.aarhus, "2018-06-01", "")
		alt["alternateForID"] = m
		altID := a.appoint(alt)
		var out struct {
			ReplaceAppointment struct {
				ID           string
				AlternateFor *struct{ ID string }
			}
		}
		a.do(`mutation($id: ID!, $p: ID!) { replaceAppointment(id: $id, input: {personID: $p, startsOn: "2020-01-01"}) { id alternateFor { id } } }`,
			&out, "id", altID, "p", w.people[3])
		if out.ReplaceAppointment.AlternateFor == nil || out.ReplaceAppointment.AlternateFor.ID != m {
			t.Fatalf("the alternate's successor is not an alternate of %s: %+v", m, out)
		}
	})
}

// The automatic link to a directly preceding term only takes a term that
// is not yet continued, the one in the same allocation first: a lawful
// appointment in another allocation is not refused by the unique link.
func TestAutoLinkTakesAnUncontinuedTerm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		first := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		a.appoint(appt(w.people[0], w.au, w.auOrg, "2018-06-01", "2019-12-31"))
		var out appointed
		a.do(appointMutation, &out, "in", appt(w.people[0], w.au, w.auOrg, "2020-01-01", ""))
		if p := out.CreateAppointment.Previous; p == nil || p.ID == first {
			t.Errorf("the AU term is not linked to the AU term before it: %+v", p)
		}
		a.do(appointMutation, &out, "in", appt(w.people[0], w.kommuner, w.aarhus, "2020-01-01", ""))
		if p := out.CreateAppointment.Previous; p == nil || p.ID != first {
			t.Errorf("the second Kommunerne term is not linked to %s: %+v", first, p)
		}
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2020-01-01", "")) // continues it
		// The same person also takes the AU seat from the same day: lawful, and it continues nothing.
		var out appointed
		a.do(appointMutation, &out, "in", appt(w.people[0], w.au, w.auOrg, "2020-01-01", ""))
		if p := out.CreateAppointment.Previous; p != nil {
			t.Errorf("the AU term is linked to an already continued term: %+v", p)
		}
	})
}

// Reappointing a term that a later term already continues is a typed
// conflict on the id argument, not the unique link's constraint.
func TestReappointTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		first := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		again := `mutation($id: ID!) { reappoint(id: $id, input: {endsOn: "2021-12-31"}) { id } }`
		a.do(again, nil, "id", first)
		later := `mutation($id: ID!) { reappoint(id: $id, input: {startsOn: "2022-01-01", endsOn: "2022-12-31"}) { id } }`
		e := a.refuse(later, "CONFLICT", "id", "id", first)
		if !strings.Contains(e.Message, "already continued") {
			t.Errorf("message does not say why: %s", e.Message)
		}
	})
}

// An alternate serves within its member's term: it cannot start after the
// member's term ends, and the member cannot be ended before an alternate
// of it that has started (which would store the alternate ending before it
// starts). One that has not started is cancelled: TestCancelAppointment.
func TestAlternateWithinMemberTerm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 3)
		ended := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		alt := appt(w.people[1], w.kommuner, w.aarhus, "2020-06-01", "")
		alt["alternateForID"] = ended
		a.refuse(appointMutation, "BAD_USER_INPUT", "startsOn", "in", alt)

		m := a.appoint(appt(w.people[2], w.kommuner, w.skive, "2018-06-01", ""))
		alt = appt(w.people[1], w.kommuner, w.skive, "2020-01-01", "")
		alt["alternateForID"] = m
		a.appoint(alt)
		end := `mutation($id: ID!) { endAppointment(id: $id, endsOn: "2019-06-30", reason: RESIGNED) { id } }`
		e := a.refuse(end, "BAD_USER_INPUT", "endsOn", "id", m)
		if !strings.Contains(e.Message, "Demo Person 1") {
			t.Errorf("message does not name the alternate: %s", e.Message)
		}
		a.do(`mutation($id: ID!) { endAppointment(id: $id, endsOn: "2020-06-30", reason: RESIGNED) { id } }`, nil, "id", m)
	})
}

// cancelled is an appointment as the cancellation tests read it.
type cancelled struct {
	ID, EndsOn string
	EndReason  *string
	Alternates []struct {
		ID, EndsOn string
		EndReason  *string
	}
}

const cancelledFields = `id endsOn endReason alternates { id endsOn endReason }`

// reason is an appointment's end reason as the API gives it, "" for none.
func reason(r *string) string {
	if r == nil {
		return ""
	}
	return *r
}

// cancelAppointment calls off an appointment that has not started: it stays
// in the history with an empty term and counts for no rule, so its seat,
// its person's place in the allocation and the previous term it continued
// are free again; its alternates are cancelled with it, and so are a
// member's alternates that would start after the member's last day.
func TestCancelAppointment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 5)
		y := dates.TodayInDenmark().Year() + 2 // every date below is in the future
		on := func(monthDay string) string { return fmt.Sprintf("%d-%s", y, monthDay) }
		cancel := `mutation($id: ID!) { cancelAppointment(id: $id) { ` + cancelledFields + ` } }`
		read := `query($id: ID!) { node(id: $id) { ... on Appointment { ` + cancelledFields + ` } } }`

		// Kommunerne has two seats: one member throughout, one until 31 March,
		// and person 2 planned from 1 April, with an alternate from 1 June.
		started := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		leaving := a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", on("03-31")))
		planned := a.appoint(appt(w.people[2], w.kommuner, w.skive, on("04-01"), ""))
		alt := appt(w.people[3], w.kommuner, w.skive, on("06-01"), "")
		alt["alternateForID"] = planned
		altID := a.appoint(alt)

		a.refuse(cancel, "BAD_USER_INPUT", "id", "id", started)
		a.refuse(`mutation($id: ID!) { endAppointment(id: $id, endsOn: "`+on("04-01")+`", reason: CANCELLED) { id } }`, "BAD_USER_INPUT", "endsOn", "id", planned)
		a.refuse(`mutation($id: ID!) { endAppointment(id: $id, endsOn: "`+on("03-30")+`", reason: RESIGNED) { id } }`, "BAD_USER_INPUT", "endsOn", "id", planned)

		var out struct{ CancelAppointment cancelled }
		a.do(cancel, &out, "id", planned)
		c := out.CancelAppointment
		if c.EndsOn != on("03-31") || reason(c.EndReason) != "CANCELLED" || len(c.Alternates) != 1 ||
			c.Alternates[0].ID != altID || c.Alternates[0].EndsOn != on("05-31") || reason(c.Alternates[0].EndReason) != "CANCELLED" {
			t.Fatalf("cancelled: %+v", c)
		}
		a.refuse(cancel, "BAD_USER_INPUT", "id", "id", planned)
		a.refuse(`mutation($id: ID!) { reappoint(id: $id, input: {startsOn: "`+on("04-01")+`"}) { id } }`, "BAD_USER_INPUT", "id", "id", planned)

		// It does not expire: only the member leaving on 31 March does.
		var exp struct{ ExpiringAppointments []struct{ ID string } }
		a.do(`query($asOf: Date) { expiringAppointments(withinDays: 60, asOf: $asOf) { id } }`, &exp, "asOf", on("03-01"))
		if len(exp.ExpiringAppointments) != 1 || exp.ExpiringAppointments[0].ID != leaving {
			t.Errorf("expiring: %+v, want only %s", exp.ExpiringAppointments, leaving)
		}

		// Person 2 is appointed from 1 April again, and the cancelled term
		// (ending 31 March) is not taken for a previous one.
		var again appointed
		a.do(appointMutation, &again, "in", appt(w.people[2], w.kommuner, w.skive, on("04-01"), ""))
		if again.CreateAppointment.Previous != nil {
			t.Errorf("a new term was linked to the cancelled one: %+v", again.CreateAppointment.Previous)
		}

		// Nor does a cancelled term count for the rules on the two days it
		// lies between: a chair from 15 April to 15 May is the only one.
		chair := a.appoint(appt(w.people[0], w.chair, w.region, on("05-01"), ""))
		a.do(cancel, nil, "id", chair)
		a.appoint(appt(w.people[1], w.chair, w.region, on("04-15"), on("05-15")))

		// A continuation that is cancelled continues nothing: the term
		// before it can be continued again. One that is continued itself
		// is cancelled after its continuation. The audit trail keeps the
		// link the cancellation removed.
		term := a.appoint(appt(w.people[4], w.au, w.auOrg, "2018-06-01", on("06-30")))
		var next, after struct{ Reappoint struct{ ID string } }
		reappoint := `mutation($id: ID!, $end: Date) { reappoint(id: $id, input: {endsOn: $end}) { id } }`
		a.do(reappoint, &next, "id", term, "end", on("12-31"))
		a.do(reappoint, &after, "id", next.Reappoint.ID, "end", fmt.Sprintf("%d-06-30", y+1))
		a.refuse(cancel, "CONFLICT", "id", "id", next.Reappoint.ID)
		a.do(cancel, nil, "id", after.Reappoint.ID)
		a.do(cancel, nil, "id", next.Reappoint.ID)
		var trail auditPage
		a.do(auditQuery, &trail, "w", map[string]any{"entityType": "Appointment", "entityID": next.Reappoint.ID})
		if e := trail.AuditEvents.Edges; len(e) == 0 || !hasChange(e[len(e)-1].Node.Changes, "previous_id", calID(t, term), nil) {
			t.Errorf("the cancellation's audit event does not show the link it removed: %+v", e)
		}
		var cont struct {
			Reappoint struct{ Previous *struct{ ID string } }
		}
		a.do(`mutation($id: ID!) { reappoint(id: $id, input: {endsOn: "`+on("09-30")+`"}) { id previous { id } } }`, &cont, "id", term)
		if p := cont.Reappoint.Previous; p == nil || p.ID != term {
			t.Errorf("the second continuation is linked to %+v, want %s", p, term)
		}
		// Only a cancellation unlinks a term, and it always empties the
		// term; links are not changed from either end, nor a reason
		// without its end, on any write path.
		sys := authz.SystemContext(context.Background())
		againID, termID := calID(t, again.CreateAppointment.ID), calID(t, term)
		for name, want := range map[string]struct {
			err   error
			field string
		}{
			"unlink a previous term":  {db.Client.Appointment.UpdateOneID(againID).ClearPreviousID().Exec(sys), "id"},
			"relink a previous term":  {db.Client.Appointment.UpdateOneID(againID).SetPreviousID(termID).Exec(sys), "id"},
			"unlink a next term":      {db.Client.Appointment.UpdateOneID(termID).ClearNext().Exec(sys), "id"},
			"link a next term":        {db.Client.Appointment.UpdateOneID(termID).SetNextID(againID).Exec(sys), "id"},
			"adopt an alternate":      {db.Client.Appointment.UpdateOneID(termID).AddAlternateIDs(againID).Exec(sys), "id"},
			"cancel without emptying": {db.Client.Appointment.UpdateOneID(againID).SetEndReason(vocab.Cancelled).Exec(sys), "endsOn"},
			"uncancel":                {db.Client.Appointment.UpdateOneID(calID(t, planned)).SetEndReason(vocab.Resigned).Exec(sys), "startsOn"}, // its term is empty
			"continue a cancelled term": {db.Client.Appointment.Create().SetPersonID(w.people[3]).SetSeatAllocationID(w.chair).SetOnBehalfOfID(w.region).
				SetStartsOn(dates.MustParse(on("06-01"))).SetEndsOn(dates.MustParse(on("06-30"))).SetPreviousID(calID(t, planned)).Exec(sys), "previousID"},
		} {
			if ae, ok := apperr.As(want.err); !ok || ae.Code != apperr.BadUserInput || ae.Field != want.field {
				t.Errorf("%s: %v", name, want.err)
			}
		}

		// Ending a member before an alternate of it starts cancels that
		// alternate: it would never serve.
		late := appt(w.people[3], w.kommuner, w.aarhus, on("09-01"), "")
		late["alternateForID"] = started
		lateID := a.appoint(late)
		var ended struct{ EndAppointment cancelled }
		a.do(`mutation($id: ID!) { endAppointment(id: $id, endsOn: "`+on("06-30")+`", reason: RESIGNED) { `+cancelledFields+` } }`, &ended, "id", started)
		if al := ended.EndAppointment.Alternates; len(al) != 1 || al[0].ID != lateID || al[0].EndsOn != on("08-31") || reason(al[0].EndReason) != "CANCELLED" {
			t.Errorf("the member's late alternate: %+v", al)
		}

		// An appointment given an end before it starts is still cancelled.
		// Cancelled appointments (one would start on 1 September) do not
		// keep the body from being dissolved on 15 July, and stay as they are.
		a.do(`mutation($id: ID!) { endAppointment(id: $id, endsOn: "`+on("05-31")+`", reason: RESIGNED) { id } }`, nil, "id", again.CreateAppointment.ID)
		a.do(cancel, nil, "id", again.CreateAppointment.ID)
		var v struct{ Node struct{ Version int } }
		a.do(fmt.Sprintf(`{ node(id: %d) { ... on Body { version } } }`, w.body), &v)
		a.do(`mutation($id: ID!, $v: Int!, $d: Date!) { dissolveBody(id: $id, expectedVersion: $v, dissolvedOn: $d) { id } }`,
			nil, "id", w.body, "v", v.Node.Version, "d", on("07-15"))
		for id, want := range map[string][2]string{lateID: {on("08-31"), "CANCELLED"}, next.Reappoint.ID: {on("06-30"), "CANCELLED"}, again.CreateAppointment.ID: {on("03-31"), "CANCELLED"}} {
			var got struct{ Node cancelled }
			a.do(read, &got, "id", id)
			if got.Node.EndsOn != want[0] || reason(got.Node.EndReason) != want[1] {
				t.Errorf("appointment %s after dissolution: ends %s (%s), want %s (%s)", id, got.Node.EndsOn, reason(got.Node.EndReason), want[0], want[1])
			}
		}
	})
}

// A cancelled appointment counts for no rule of its body either: not when
// an allocation becomes a chair's, nor when the body's establishment date
// moves past it.
func TestCancelledAppointmentsBindNoBody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 3)
		y := dates.TodayInDenmark().Year() + 2
		on := func(monthDay string) string { return fmt.Sprintf("%d-%s", y, monthDay) }
		cancel := `mutation($id: ID!) { cancelAppointment(id: $id) { id } }`
		a.appoint(appt(w.people[0], w.chair, w.region, on("06-01"), ""))
		a.do(cancel, nil, "id", a.appoint(appt(w.people[1], w.viceA, w.aarhus, on("07-01"), "")))
		a.do(cancel, nil, "id", a.appoint(appt(w.people[2], w.kommuner, w.skive, on("03-01"), "")))
		ctx := authz.SystemContext(context.Background())
		for name, err := range map[string]error{
			"role":          db.Client.SeatAllocation.UpdateOneID(w.viceA).SetRole(vocab.Chair).Exec(ctx),
			"establishedOn": db.Client.Body.UpdateOneID(w.body).SetEstablishedOn(dates.MustParse(on("05-01"))).Exec(ctx),
		} {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// A default term ends the day before the same day of the month
// defaultTermMonths later, or on that month's last day if it has none.
func TestDefaultTermEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 5)
		for i, c := range []struct {
			months      int
			start, want string
			alloc, org  int
		}{
			{12, "2018-06-01", "2019-05-31", w.chair, w.region},
			{6, "2018-08-15", "2019-02-14", w.viceA, w.aarhus},
			{6, "2018-08-31", "2019-02-28", w.kommuner, w.skive},
			{1, "2019-01-30", "2019-02-28", w.au, w.auOrg},
			// Past the last day a date can name, a term ends on that day.
			{12, "9999-06-01", "9999-12-31", w.kommuner, w.aarhus},
		} {
			db.Client.Body.UpdateOneID(w.body).SetDefaultTermMonths(c.months).ExecX(authz.SystemContext(context.Background()))
			var out appointed
			a.do(appointMutation, &out, "in", appt(w.people[i], c.alloc, c.org, c.start, ""))
			if e := out.CreateAppointment.EndsOn; e == nil || *e != c.want {
				got := "never"
				if e != nil {
					got = *e
				}
				t.Errorf("%d months from %s end %s, want %s", c.months, c.start, got, c.want)
			}
		}
	})
}

// reappoint links the new term only when it starts the day after the old
// one ends: a term after a break is not consecutive and not limited.
func TestReappointAfterBreakIsNotLinked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 1)
		db.Client.Body.UpdateOneID(w.body).SetMaxConsecutiveTerms(1).ExecX(authz.SystemContext(context.Background()))
		first := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", "2019-12-31"))
		var out struct {
			Reappoint struct{ Previous *struct{ ID string } }
		}
		a.do(`mutation($id: ID!) { reappoint(id: $id, input: {startsOn: "2022-01-01", endsOn: "2022-12-31"}) { id previous { id } } }`, &out, "id", first)
		if out.Reappoint.Previous != nil {
			t.Errorf("a term two years later is linked to %s", out.Reappoint.Previous.ID)
		}
		a.refuse(`mutation($id: ID!) { reappoint(id: $id, input: {endsOn: "2020-12-31"}) { id } }`, "TERM_LIMIT", "previousID", "id", first)

		// No day follows the last one a date can name.
		last := a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "9999-01-01", "9999-12-31"))
		a.refuse(`mutation($id: ID!) { reappoint(id: $id) { id } }`, "BAD_USER_INPUT", "startsOn", "id", last)
	})
}

// endsOn "0001-01-01" is Go's zero time, which is the zero Date (no date):
// it passed every rule as open-ended and was stored as NULL, so a third
// holder took a seat of a full allocation. It is refused as a date outside
// the years 1000–9999.
func TestAppointmentEndsOnYearOneIsRefusedNotOpenEnded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 3)
		a.appoint(appt(w.people[0], w.kommuner, w.aarhus, "2018-06-01", ""))
		a.appoint(appt(w.people[1], w.kommuner, w.skive, "2018-06-01", "")) // 2 of 2 seats held
		errs := a.try(appointMutation, nil, "in", appt(w.people[2], w.kommuner, w.aarhus, "2019-01-01", "0001-01-01"))
		ctx := authz.SystemContext(context.Background())
		n := db.Client.Appointment.Query().Where(appointment.SeatAllocationID(w.kommuner), appointment.EndsOnIsNil()).CountX(ctx)
		if len(errs) != 1 || errs[0].code() != "BAD_USER_INPUT" || n != 2 {
			t.Fatalf("endsOn 0001-01-01: errors %+v, %d open-ended holders of a 2-seat allocation; want BAD_USER_INPUT and 2", errs, n)
		}
	})
}

// startsOn in year 1 (the zero Date) or year 0 (not a PostgreSQL DATE) was
// INTERNAL; it is BAD_USER_INPUT.
func TestAppointmentStartsOnOutOfRangeIsBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := newCouncil(t, db.Client, 2)
		db.Client.Body.UpdateOneID(w.body).ClearEstablishedOn().ExecX(authz.SystemContext(context.Background()))
		for i, start := range []string{"0001-01-01", "0000-06-01"} {
			errs := a.try(appointMutation, nil, "in", appt(w.people[i], w.kommuner, w.aarhus, start, ""))
			if len(errs) != 1 || errs[0].code() != "BAD_USER_INPUT" {
				t.Errorf("startsOn %s: want BAD_USER_INPUT, got %+v", start, errs)
			}
		}
	})
}
