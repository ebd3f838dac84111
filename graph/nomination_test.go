package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

const (
	nomCreate = `mutation($in: CreateNominationRequestInput!) {
  createNominationRequest(input: $in) { id status version seatAllocationID organisationID termStartsOn note }
}`
	nomSend     = `mutation($id: ID!, $sent: Date!, $due: Date) { sendNominationRequest(id: $id, sentOn: $sent, dueOn: $due) { id status version sentOn dueOn } }`
	nomNominate = `mutation($id: ID!, $p: ID!, $on: Date) { nominate(id: $id, personID: $p, answeredOn: $on) { id status version nomineeID answeredOn nominee { name } } }`
	nomDecline  = `mutation($id: ID!, $on: Date) { declineNomination(id: $id, answeredOn: $on) { id status version answeredOn } }`
	nomWithdraw = `mutation($id: ID!) { withdrawNominationRequest(id: $id) { id status version } }`
	nomConfirm  = `mutation($id: ID!, $from: Date, $to: Date) { confirmNomination(id: $id, startsOn: $from, endsOn: $to) {
  id startsOn endsOn personID seatAllocationID onBehalfOfID nomination { id status }
} }`
	nomUpdate = `mutation($id: ID!, $v: Int!, $in: UpdateNominationRequestInput!) {
  updateNominationRequest(id: $id, expectedVersion: $v, input: $in) { id version dueOn note }
}`
	nomRead = `query($id: ID!) { node(id: $id) { ... on NominationRequest {
  id status version sentOn dueOn answeredOn termStartsOn nomineeID note overdue appointment { id }
} } }`
)

// nomState is a request as the API shows it.
type nomState struct {
	ID           string
	Status       string
	Version      int
	SentOn       *string
	DueOn        *string
	AnsweredOn   *string
	TermStartsOn *string
	NomineeID    *string
	Note         *string
	Overdue      bool
	Appointment  *struct{ ID string }
}

// nomToday is today in Europe/Copenhagen, the registry's "today".
func nomToday(t *testing.T) dates.Date {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	return dates.Today(loc)
}

// nomRequest drafts a request for w's allocation, addressed to w's
// organisation, and returns its id.
func nomRequest(a *api, w world, extra ...any) string {
	a.t.Helper()
	in := map[string]any{"seatAllocationID": w.alloc, "organisationID": w.org, "note": "ring først"}
	for i := 0; i+1 < len(extra); i += 2 {
		in[extra[i].(string)] = extra[i+1]
	}
	var out struct{ CreateNominationRequest nomState }
	a.do(nomCreate, &out, "in", in)
	return out.CreateNominationRequest.ID
}

// nomGet reads a request through the API.
func nomGet(a *api, id string) nomState {
	a.t.Helper()
	var out struct{ Node nomState }
	a.do(nomRead, &out, "id", id)
	if out.Node.ID != id {
		a.t.Fatalf("request %s not found: %+v", id, out.Node)
	}
	return out.Node
}

// nomCount is how many nomination requests there are (unchanged does not
// count them).
func nomCount(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.Client.NominationRequest.Query().Count(authz.SystemContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// nomRefused runs f, which must be refused, and checks that no table and
// no request changed (request id keeps its status, version and dates).
func nomRefused(t *testing.T, a *api, id string, f func()) {
	t.Helper()
	before, n := nomGet(a, id), nomCount(t, a.db)
	unchanged(t, a.db, f)
	b, _ := json.Marshal(before)
	after, _ := json.Marshal(nomGet(a, id))
	if string(after) != string(b) || nomCount(t, a.db) != n {
		t.Fatalf("a refused transition changed the request: before %s, after %s", b, after)
	}
}

// nomStr is *s, or "" for null.
func nomStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// nomPerson adds a person.
func nomPerson(t *testing.T, db *store.DB, name string) int {
	t.Helper()
	return db.Client.Person.Create().SetName(name).SaveX(authz.SystemContext(context.Background())).ID
}

func TestNominationHappyPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		ed := newAPI(t, db).as(authz.Editor)

		var created struct{ CreateNominationRequest nomState }
		ed.do(nomCreate, &created, "in", map[string]any{
			"seatAllocationID": w.alloc, "organisationID": w.org, "termStartsOn": "2025-01-01", "note": "ring først",
		})
		r := created.CreateNominationRequest
		if r.Status != "DRAFT" || r.Version != 1 || nomStr(r.TermStartsOn) != "2025-01-01" {
			t.Fatalf("created %+v", r)
		}

		var upd struct{ UpdateNominationRequest nomState }
		ed.do(nomUpdate, &upd, "id", r.ID, "v", 1, "in", map[string]any{"note": "ring til borgmesteren"})
		if upd.UpdateNominationRequest.Version != 2 || nomStr(upd.UpdateNominationRequest.Note) != "ring til borgmesteren" {
			t.Fatalf("updated %+v", upd.UpdateNominationRequest)
		}
		e := ed.fails(nomUpdate, "CONFLICT", "expectedVersion", "id", r.ID, "v", 1, "in", map[string]any{"note": "stale"})
		if e.Extensions["currentVersion"] != float64(2) {
			t.Errorf("conflict extensions %v", e.Extensions)
		}

		var sent struct{ SendNominationRequest nomState }
		ed.do(nomSend, &sent, "id", r.ID, "sent", "2024-11-01", "due", "2024-12-01")
		if s := sent.SendNominationRequest; s.Status != "SENT" || nomStr(s.SentOn) != "2024-11-01" || nomStr(s.DueOn) != "2024-12-01" {
			t.Fatalf("sent %+v", s)
		}

		var nominated struct {
			Nominate struct {
				nomState
				Nominee struct{ Name string }
			}
		}
		ed.do(nomNominate, &nominated, "id", r.ID, "p", w.person, "on", "2024-11-20")
		if n := nominated.Nominate; n.Status != "NOMINATED" || nomStr(n.NomineeID) != fmt.Sprint(w.person) ||
			nomStr(n.AnsweredOn) != "2024-11-20" || n.Nominee.Name != "Demo Person" {
			t.Fatalf("nominated %+v", n)
		}

		var confirmed struct {
			ConfirmNomination struct {
				ID, StartsOn, PersonID, SeatAllocationID, OnBehalfOfID string
				EndsOn                                                 *string
				Nomination                                             struct{ ID, Status string }
			}
		}
		ed.do(nomConfirm, &confirmed, "id", r.ID, "to", "2028-12-31")
		c := confirmed.ConfirmNomination
		if c.StartsOn != "2025-01-01" || nomStr(c.EndsOn) != "2028-12-31" || c.PersonID != fmt.Sprint(w.person) ||
			c.SeatAllocationID != fmt.Sprint(w.alloc) || c.OnBehalfOfID != fmt.Sprint(w.org) ||
			c.Nomination.ID != r.ID || c.Nomination.Status != "NOMINATED" {
			t.Fatalf("confirmed %+v", c)
		}

		got := nomGet(ed, r.ID)
		if got.Appointment == nil || got.Appointment.ID != c.ID || got.Status != "NOMINATED" {
			t.Fatalf("request after confirmation %+v", got)
		}
		ctx := authz.SystemContext(context.Background())
		appt, err := db.Client.Appointment.Query().WithNomination().Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if appt.PersonID != w.person || appt.SeatAllocationID != w.alloc || appt.OnBehalfOfID != w.org ||
			appt.StartsOn.String() != "2025-01-01" || appt.EndsOn == nil || appt.EndsOn.String() != "2028-12-31" ||
			appt.Edges.Nomination == nil || fmt.Sprint(appt.Edges.Nomination.ID) != r.ID {
			t.Fatalf("stored appointment %+v", appt)
		}
	})
}

// TestNominationDefaults: nominate answers today and, without a term
// start, confirm starts the appointment on the startsOn given or today;
// decline and withdraw end open requests.
func TestNominationDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		today := nomToday(t).String()

		id := nomRequest(a, w)
		a.do(nomSend, nil, "id", id, "sent", "2024-11-01")
		var n struct{ Nominate nomState }
		a.do(nomNominate, &n, "id", id, "p", w.person)
		if nomStr(n.Nominate.AnsweredOn) != today {
			t.Errorf("answeredOn %v, want today %s", nomStr(n.Nominate.AnsweredOn), today)
		}
		var c struct{ ConfirmNomination struct{ StartsOn string } }
		a.do(nomConfirm, &c, "id", id)
		if c.ConfirmNomination.StartsOn != today {
			t.Errorf("startsOn %s, want today %s", c.ConfirmNomination.StartsOn, today)
		}

		id = nomRequest(a, w)
		a.do(nomSend, nil, "id", id, "sent", "2024-11-01")
		var d struct{ DeclineNomination nomState }
		a.do(nomDecline, &d, "id", id, "on", "2024-11-15")
		if d.DeclineNomination.Status != "DECLINED" || nomStr(d.DeclineNomination.AnsweredOn) != "2024-11-15" {
			t.Errorf("declined %+v", d.DeclineNomination)
		}

		for _, sendFirst := range []bool{false, true} {
			id = nomRequest(a, w)
			if sendFirst {
				a.do(nomSend, nil, "id", id, "sent", "2024-11-01")
			}
			var wd struct{ WithdrawNominationRequest nomState }
			a.do(nomWithdraw, &wd, "id", id)
			if wd.WithdrawNominationRequest.Status != "WITHDRAWN" {
				t.Errorf("withdrawn (sent first %v) %+v", sendFirst, wd.WithdrawNominationRequest)
			}
		}
	})
}

// nomReach drafts a request and moves it to status (CONFIRMED: NOMINATED
// and confirmed).
func nomReach(a *api, w world, person int, status string) string {
	a.t.Helper()
	id := nomRequest(a, w, "termStartsOn", "2025-01-01")
	if status == "DRAFT" {
		return id
	}
	if status == "WITHDRAWN" {
		a.do(nomWithdraw, nil, "id", id)
		return id
	}
	a.do(nomSend, nil, "id", id, "sent", "2024-11-01", "due", "2024-12-01")
	switch status {
	case "DECLINED":
		a.do(nomDecline, nil, "id", id, "on", "2024-11-20")
	case "NOMINATED":
		a.do(nomNominate, nil, "id", id, "p", person, "on", "2024-11-20")
	case "CONFIRMED":
		a.do(nomNominate, nil, "id", id, "p", person, "on", "2024-11-20")
		a.do(nomConfirm, nil, "id", id)
	}
	return id
}

// A confirmed request whose appointment is cancelled before it starts can
// be withdrawn; one whose appointment stands cannot.
func TestNominationWithdrawnAfterCancellation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		start := nomToday(t).AddDate(1, 0, 0).String()
		id := nomRequest(a, w, "termStartsOn", start)
		a.do(nomSend, nil, "id", id, "sent", "2024-11-01", "due", "2024-12-01")
		a.do(nomNominate, nil, "id", id, "p", nomPerson(t, db, "Kommende Medlem"), "on", "2024-11-20")
		var confirmed struct{ ConfirmNomination struct{ ID string } }
		a.do(nomConfirm, &confirmed, "id", id)
		nomRefused(t, a, id, func() { a.fails(nomWithdraw, "BAD_USER_INPUT", "id", "id", id) })
		a.do(`mutation($id: ID!) { cancelAppointment(id: $id) { id } }`, nil, "id", confirmed.ConfirmNomination.ID)
		a.do(nomWithdraw, nil, "id", id)
		if got := nomGet(a, id); got.Status != "WITHDRAWN" || got.Appointment == nil || got.Appointment.ID != confirmed.ConfirmNomination.ID {
			t.Errorf("after withdrawal: %+v", got)
		}
	})
}

// TestNominationForbiddenTransitions: every move from a status that does
// not allow it is BAD_USER_INPUT on id, names the current status, and
// writes nothing.
func TestNominationForbiddenTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		nominee := nomPerson(t, db, "Anden Person")
		for _, tc := range []struct {
			from, query, mentions string
			vars                  []any
		}{
			{"DRAFT", nomNominate, "the request is DRAFT; only SENT requests", []any{"p", nominee}},
			{"DRAFT", nomDecline, "the request is DRAFT; only SENT requests", nil},
			{"DRAFT", nomConfirm, "the request is DRAFT; only NOMINATED requests", nil},
			{"SENT", nomSend, "the request is SENT; only DRAFT requests can be sent", []any{"sent", "2024-11-02"}},
			{"SENT", nomConfirm, "the request is SENT; only NOMINATED requests", nil},
			{"NOMINATED", nomSend, "the request is NOMINATED; only DRAFT requests can be sent", []any{"sent", "2024-11-02"}},
			{"NOMINATED", nomNominate, "the request is NOMINATED; only SENT requests", []any{"p", nominee}},
			{"NOMINATED", nomDecline, "the request is NOMINATED; only SENT requests", nil},
			{"NOMINATED", nomWithdraw, "the request is NOMINATED; only DRAFT or SENT requests can be withdrawn", nil},
			{"DECLINED", nomWithdraw, "the request is DECLINED; only DRAFT or SENT requests can be withdrawn", nil},
			{"DECLINED", nomNominate, "the request is DECLINED", []any{"p", nominee}},
			{"DECLINED", nomConfirm, "the request is DECLINED", nil},
			{"WITHDRAWN", nomSend, "the request is WITHDRAWN", []any{"sent", "2024-11-02"}},
			{"WITHDRAWN", nomWithdraw, "the request is WITHDRAWN", nil},
			{"WITHDRAWN", nomConfirm, "the request is WITHDRAWN", nil},
			{"CONFIRMED", nomConfirm, "already confirmed", nil},
			{"CONFIRMED", nomWithdraw, "the request is NOMINATED", nil},
		} {
			op, _, _ := strings.Cut(strings.TrimSpace(strings.SplitN(tc.query, "{", 2)[1]), "(")
			name := tc.from + " " + op
			t.Run(name, func(t *testing.T) {
				a := a.on(t)
				// A fresh person per nominated request: one person holds
				// one seat of the allocation at a time.
				id := nomReach(a, w, nomPerson(t, db, "Nominee "+name), tc.from)
				nomRefused(t, a, id, func() {
					e := a.fails(tc.query, "BAD_USER_INPUT", "id", append([]any{"id", id}, tc.vars...)...)
					if !strings.Contains(e.Message, tc.mentions) {
						t.Errorf("message %q does not say %q", e.Message, tc.mentions)
					}
					assertPlain(t, e)
				})
			})
		}
	})
}

// TestNominationBadDates: a due date before the sent date, and an answer
// before the request was sent, are refused on their field.
func TestNominationBadDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		id := nomRequest(a, w)
		nomRefused(t, a, id, func() {
			a.fails(nomSend, "BAD_USER_INPUT", "dueOn", "id", id, "sent", "2024-11-01", "due", "2024-10-31")
		})
		if s := nomGet(a, id); s.Status != "DRAFT" || s.SentOn != nil {
			t.Fatalf("after refused send %+v", s)
		}
		a.do(nomSend, nil, "id", id, "sent", "2024-11-01", "due", "2024-11-01")
		nomRefused(t, a, id, func() {
			a.fails(nomNominate, "BAD_USER_INPUT", "answeredOn", "id", id, "p", w.person, "on", "2024-10-31")
			a.fails(nomDecline, "BAD_USER_INPUT", "answeredOn", "id", id, "on", "2024-10-31")
			a.fails(nomNominate, "NOT_FOUND", "personID", "id", id, "p", w.org)
		})
		a.fails(nomSend, "NOT_FOUND", "", "id", w.person, "sent", "2024-11-01")
	})
}

// TestNominationOverdueAndBodyList: overdue is SENT past the due date;
// Body.nominationRequests lists in allocation order and filters.
func TestNominationOverdueAndBodyList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		today := nomToday(t)
		day := func(n int) string { return today.AddDays(n).String() }

		// second is listed before w.alloc although it was made after it.
		second := db.Client.SeatAllocation.Create().SetBodyID(w.body).SetLabel("Regionerne").SetSeats(1).SetPosition(0).
			SetEligibleKinds([]vocab.OrganisationKind{vocab.Municipality}).SaveX(ctx).ID
		wSecond := world{org: w.org, body: w.body, alloc: second, person: w.person}
		other := seedWorld(t, db.Client) // another body: never listed

		overdue := nomRequest(a, w)
		a.do(nomSend, nil, "id", overdue, "sent", day(-30), "due", day(-1))
		dueToday := nomRequest(a, wSecond)
		a.do(nomSend, nil, "id", dueToday, "sent", day(-30), "due", day(0))
		draft := nomRequest(a, wSecond, "dueOn", day(-10)) // past due but not sent
		nominated := nomRequest(a, w)
		a.do(nomSend, nil, "id", nominated, "sent", day(-30), "due", day(-10))
		a.do(nomNominate, nil, "id", nominated, "p", w.person, "on", day(-5))
		nomRequest(a, other)

		for id, want := range map[string]bool{overdue: true, dueToday: false, draft: false, nominated: false} {
			if got := nomGet(a, id).Overdue; got != want {
				t.Errorf("request %s: overdue %v, want %v", id, got, want)
			}
		}

		const list = `query($id: ID!, $st: [NominationStatus!], $od: Boolean, $asOf: Date) { node(id: $id) { ... on Body {
  nominationRequests(status: $st, overdueOnly: $od, asOf: $asOf) { id status overdue note seatAllocation { label } organisation { name } }
} } }`
		ids := func(a *api, seesNote bool, kv ...any) []string {
			t.Helper()
			var out struct {
				Node struct {
					NominationRequests []struct {
						ID             string
						Note           *string
						SeatAllocation struct{ Label string }
					}
				}
			}
			a.do(list, &out, append([]any{"id", w.body}, kv...)...)
			var got []string
			for _, r := range out.Node.NominationRequests {
				if r.SeatAllocation.Label == "" {
					t.Errorf("request %s without its allocation", r.ID)
				}
				if (r.Note != nil) != seesNote {
					t.Errorf("request %s: note %v for this viewer", r.ID, r.Note)
				}
				got = append(got, r.ID)
			}
			return got
		}
		for _, tc := range []struct {
			name string
			kv   []any
			want []string
		}{
			{"all, allocation order", nil, []string{dueToday, draft, overdue, nominated}},
			{"overdue today", []any{"od", true}, []string{overdue}},
			{"overdue in a week", []any{"od", true, "asOf", day(7)}, []string{dueToday, overdue}},
			{"overdue long ago", []any{"od", true, "asOf", "2000-01-01"}, nil},
			{"not only overdue", []any{"od", false}, []string{dueToday, draft, overdue, nominated}},
			{"status", []any{"st", []string{"DRAFT", "NOMINATED"}}, []string{draft, nominated}},
			{"status and overdue", []any{"st", []string{"SENT"}, "od", true, "asOf", day(1)}, []string{dueToday, overdue}},
			{"status matching none", []any{"st", []string{"WITHDRAWN"}}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, v := range []struct {
					a        *api
					seesNote bool
				}{{a.on(t), true}, {a.on(t).as(authz.Anonymous), false}} {
					if got := ids(v.a, v.seesNote, tc.kv...); fmt.Sprint(got) != fmt.Sprint(tc.want) {
						t.Errorf("seesNote %v: got %v, want %v", v.seesNote, got, tc.want)
					}
				}
			})
		}
	})
}

// TestNominationAnonymous: anyone may read requests (without the note);
// only editors may change them.
func TestNominationAnonymous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		anon := a.as(authz.Anonymous)
		draft := nomRequest(a, w)
		sent := nomReach(a, w, w.person, "SENT")
		nominated := nomReach(a, w, nomPerson(t, db, "Udpeget Person"), "NOMINATED")

		got := nomGet(anon, sent)
		if got.Status != "SENT" || got.Note != nil || nomStr(got.DueOn) != "2024-12-01" {
			t.Fatalf("anonymous read %+v", got)
		}
		if nomStr(nomGet(a, sent).Note) != "ring først" {
			t.Fatal("the admin does not see the note")
		}
		for _, tc := range []struct {
			name, query, id string
			vars            []any
		}{
			{"create", nomCreate, "", []any{"in", map[string]any{"seatAllocationID": w.alloc, "organisationID": w.org}}},
			{"update", nomUpdate, draft, []any{"v", 1, "in", map[string]any{"note": "x"}}},
			{"send", nomSend, draft, []any{"sent", "2024-11-01"}},
			{"withdraw", nomWithdraw, draft, nil},
			{"nominate", nomNominate, sent, []any{"p", nomPerson(t, db, "Tredje Person")}},
			{"decline", nomDecline, sent, nil},
			{"confirm", nomConfirm, nominated, nil},
			// Moves from the wrong state, and bad arguments, are FORBIDDEN
			// too: the role is judged first.
			{"send a sent request", nomSend, sent, []any{"sent", "2024-11-01"}},
			{"confirm a draft", nomConfirm, draft, nil},
			{"nominate nobody", nomNominate, sent, []any{"p", 999999}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				anon := anon.on(t)
				id := tc.id
				if id == "" {
					id = draft
				} else {
					tc.vars = append([]any{"id", id}, tc.vars...)
				}
				nomRefused(t, a.on(t), id, func() {
					anon.fails(tc.query, "FORBIDDEN", "", tc.vars...)
				})
			})
		}
	})
}

// TestNominationOfAFullSeat: the nominee must fit the allocation when
// nominated; a full allocation is SEAT_FULL then, not at confirmation. A
// seat taken between nomination and confirmation fails the confirmation.
func TestNominationOfAFullSeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client) // 2 seats
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		hold := func(p int) {
			db.Client.Appointment.Create().SetPersonID(p).SetSeatAllocationID(w.alloc).SetOnBehalfOfID(w.org).
				SetStartsOn(dates.MustParse("2024-01-01")).SaveX(ctx)
		}
		hold(w.person)
		nominated := nomReach(a, w, nomPerson(t, db, "Udpeget Person"), "NOMINATED") // term starts 2025-01-01
		hold(nomPerson(t, db, "Anden Person"))                                       // now full

		sent := nomReach(a, w, 0, "SENT")
		third := nomPerson(t, db, "Tredje Person")
		for _, tc := range []struct {
			id, query string
			vars      []any
		}{
			{sent, nomNominate, []any{"p", third, "on", "2024-11-20"}},
			{nominated, nomConfirm, nil},
		} {
			nomRefused(t, a, tc.id, func() {
				errs := a.try(tc.query, nil, append([]any{"id", tc.id}, tc.vars...)...)
				if len(errs) != 1 || errs[0].code() != "SEAT_FULL" {
					t.Fatalf("want SEAT_FULL, got %+v", errs)
				}
			})
		}
		if s := nomGet(a, sent); s.Status != "SENT" || s.NomineeID != nil {
			t.Fatalf("after refused nomination %+v", s)
		}
		if s := nomGet(a, nominated); s.Status != "NOMINATED" || s.Appointment != nil {
			t.Fatalf("after refused confirmation %+v", s)
		}
	})
}

// nomRace sends the queries on request id at once; it returns how many
// succeeded and the errors of the rest, which must be refusals (CONFLICT
// or BAD_USER_INPUT).
func nomRace(t *testing.T, a *api, id string, queries ...string) (wins int, lost []gqlError) {
	t.Helper()
	results := make([][]gqlError, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = a.try(q, nil, "id", id)
		}()
	}
	wg.Wait()
	for _, errs := range results {
		switch {
		case len(errs) == 0:
			wins++
		case len(errs) == 1 && (errs[0].code() == "CONFLICT" || errs[0].code() == "BAD_USER_INPUT"):
			lost = append(lost, errs[0])
		default:
			t.Errorf("unexpected %+v", errs)
		}
	}
	return wins, lost
}

// TestNominationConcurrentMovesOneWins: moves sent at once on one request
// cannot both succeed; the losers are refused (CONFLICT if they lost the
// race, BAD_USER_INPUT if they saw the winner's status).
func TestNominationConcurrentMovesOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		for round := range 4 {
			id := nomReach(a, w, 0, "SENT")
			wins, lost := nomRace(t, a, id, nomDecline, nomWithdraw, nomDecline, nomWithdraw)
			if wins != 1 {
				t.Fatalf("round %d: %d moves won, want 1", round, wins)
			}
			for _, e := range lost {
				if e.field() != "id" {
					t.Errorf("round %d: a lost move blames %q, not id: %s", round, e.field(), e.Message)
				}
			}
			if s := nomGet(a, id); s.Version != 3 || (s.Status != "DECLINED" && s.Status != "WITHDRAWN") {
				t.Fatalf("round %d: request after the race %+v", round, s)
			}
		}

		// Confirmations at once: one appointment, whoever wins.
		id := nomReach(a, w, w.person, "NOMINATED")
		before := countAll(t, db.Client).Appointments
		wins, _ := nomRace(t, a, id, nomConfirm, nomConfirm, nomConfirm)
		if after := countAll(t, db.Client).Appointments; wins != 1 || after != before+1 {
			t.Fatalf("confirm race: %d won, %d appointments made; want 1 and 1", wins, after-before)
		}
		if s := nomGet(a, id); s.Appointment == nil {
			t.Fatalf("confirmed request without its appointment %+v", s)
		}
	})
}

// TestNominationRequestsOfABodyAreNotNPlusOne: listing a body's requests
// with their edges costs the same statements for 2 requests as for 12.
func TestNominationRequestsOfABodyAreNotNPlusOne(t *testing.T) {
	var counter storetest.Counter
	storetest.EachWith(t, storetest.Options{Wrap: counter.Wrap}, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		a := newAPI(t, db)
		const q = `query($id: ID!) { node(id: $id) { ... on Body { nominationRequests {
  id overdue seatAllocation { label } organisation { name } nominee { name } appointment { startsOn }
} } } }`
		add := func(n int) {
			for range n {
				id := nomReach(a, w, 0, "SENT")
				a.do(nomNominate, nil, "id", id, "p", nomPerson(t, db, "Nominee "+id), "on", "2024-11-20")
			}
		}
		statements := func(want int) int {
			var out struct {
				Node struct {
					NominationRequests []struct{ Nominee *struct{ Name string } }
				}
			}
			counter.Reset()
			a.do(q, &out, "id", w.body)
			n := counter.N()
			if len(out.Node.NominationRequests) != want || out.Node.NominationRequests[want-1].Nominee == nil {
				t.Fatalf("got %+v, want %d requests with nominees", out.Node.NominationRequests, want)
			}
			return n
		}
		add(2)
		small := statements(2)
		add(10)
		if large := statements(12); large != small {
			t.Fatalf("statements grow with the requests: %d for 2, %d for 12 (N+1)", small, large)
		}
	})
}
