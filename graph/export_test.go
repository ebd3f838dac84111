package graph_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
)

// exports calls the real export handler over one test database.
type exports struct {
	t  *testing.T
	db *store.DB
	h  http.Handler
}

func newExports(t *testing.T, db *store.DB) *exports {
	return &exports{t: t, db: db, h: graph.NewExportHandler(db.Client, graph.Config{
		Logger: testLogger(),
		Auth:   authn.Config{AdminToken: testAdminToken},
	})}
}

// get GETs path with the Authorization header auth (none if empty).
func (x *exports) get(path, auth string) *httptest.ResponseRecorder {
	x.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	x.h.ServeHTTP(rec, req)
	return rec
}

// as is the Authorization header of a new API token with role r, or none
// for authz.Anonymous.
func (x *exports) as(r authz.Role) string {
	if r == authz.Anonymous {
		return ""
	}
	return "Bearer " + tokenFor(x.t, x.db, r)
}

// popoloDoc is the Popolo export as these tests read it.
type popoloDoc struct {
	Persons       []popoloPersonOut
	Organizations []struct {
		ID, Name, Classification string
		ParentID                 string `json:"parent_id"`
		FoundingDate             string `json:"founding_date"`
		Identifiers              []struct{ Identifier, Scheme string }
	}
	Posts []struct {
		ID, Label, Role string
		OrganizationID  string `json:"organization_id"`
		Seats           int
	}
	Memberships []struct {
		ID, Role       string
		PersonID       string `json:"person_id"`
		OrganizationID string `json:"organization_id"`
		PostID         string `json:"post_id"`
		OnBehalfOfID   string `json:"on_behalf_of_id"`
		StartDate      string `json:"start_date"`
		EndDate        string `json:"end_date"`
	}
}

type popoloPersonOut struct {
	ID, Name, Email, Gender string
	ContactDetails          []popoloContactOut `json:"contact_details"`
}

type popoloContactOut struct{ Type, Value string }

// popolo GETs the Popolo export with query as auth, checks that it is a
// schema-valid, self-contained document, and returns it with its text.
func (x *exports) popolo(query, auth string) (popoloDoc, string) {
	x.t.Helper()
	rec := x.get("/export/popolo.json"+query, auth)
	raw := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		x.t.Fatalf("popolo%s: %d %s: %s", query, rec.Code, rec.Header().Get("Content-Type"), raw)
	}
	if err := validatePopolo(rec.Body.Bytes()); err != nil {
		x.t.Fatalf("popolo%s is not valid Popolo: %v\n%s", query, err, raw)
	}
	var doc popoloDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		x.t.Fatal(err)
	}
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range n {
			out[i] = id(i)
		}
		return out
	}
	persons := ids(len(doc.Persons), func(i int) string { return doc.Persons[i].ID })
	orgs := ids(len(doc.Organizations), func(i int) string { return doc.Organizations[i].ID })
	posts := ids(len(doc.Posts), func(i int) string { return doc.Posts[i].ID })
	for _, m := range doc.Memberships {
		if !slices.Contains(persons, m.PersonID) || !slices.Contains(orgs, m.OrganizationID) ||
			!slices.Contains(orgs, m.OnBehalfOfID) || !slices.Contains(posts, m.PostID) {
			x.t.Fatalf("membership %+v refers to a record the document lacks", m)
		}
	}
	for _, p := range doc.Posts {
		if !slices.Contains(orgs, p.OrganizationID) {
			x.t.Fatalf("post %+v: organization missing", p)
		}
	}
	return doc, raw
}

// members lists "person name/role/post label" of doc's memberships.
func (d popoloDoc) members() []string {
	name := map[string]string{}
	for _, p := range d.Persons {
		name[p.ID] = p.Name
	}
	label := map[string]string{}
	for _, p := range d.Posts {
		label[p.ID] = p.Label
	}
	var out []string
	for _, m := range d.Memberships {
		out = append(out, name[m.PersonID]+"/"+m.Role+"/"+label[m.PostID])
	}
	return out
}

// refused GETs path and checks the typed JSON error.
func (x *exports) refused(path, auth string, status int, code, field string) string {
	x.t.Helper()
	rec := x.get(path, auth)
	var out struct {
		Error struct{ Code, Message, Field string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != status ||
		out.Error.Code != code || out.Error.Field != field || out.Error.Message == "" {
		x.t.Fatalf("%s: want %d %s field %q, got %d %s", path, status, code, field, rec.Code, rec.Body)
	}
	return out.Error.Message
}

// exportWorld is seedCompWorld with contact data, identifiers, an owner
// and names that spreadsheets find hard.
type exportWorld struct {
	compWorld
	email, phone string
	// hardName is Chain Person's new name, with ; and " and æøå.
	hardName string
	// formula is Randers Member's new name, which starts like a formula.
	formula   string
	unionName string
}

func seedExportWorld(t *testing.T, db *store.DB) exportWorld {
	t.Helper()
	c := db.Client
	ctx := authz.SystemContext(context.Background())
	w := exportWorld{compWorld: seedCompWorld(t, c),
		email: "soeren@example.dk", phone: "+45 12 34 56 78",
		hardName: `Søren "Bo" Åby; Ærø`, formula: `=HYPERLINK("http://x")`,
		unionName: "Fagbevægelsen – Østjylland"}
	c.Person.UpdateOneID(w.chainPerson).SetName(w.hardName).SetEmail(w.email).SetPhone(w.phone).ExecX(ctx)
	c.Person.UpdateOneID(c.Appointment.GetX(ctx, w.randers1).PersonID).SetName(w.formula).ExecX(ctx)
	c.Organisation.UpdateOneID(w.union).SetName(w.unionName).ExecX(ctx)
	c.Organisation.UpdateOneID(w.aarhus).SetCvr("55133018").SetWebsite("https://www.aarhus.dk").ExecX(ctx)
	c.Body.UpdateOneID(w.body).SetOwnerID(w.aarhus).ExecX(ctx)
	return w
}

// TestPopoloExport: the Popolo document of one body and of all bodies is
// valid against the Popolo schemas, holds exactly the appointments in
// force on asOf, and shows contact data to READER but not to anonymous
// callers.
func TestPopoloExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedExportWorld(t, db)
		x := newExports(t, db)
		one := fmt.Sprintf("?body=%d&asOf=%s", w.body, compAsOf)

		doc, raw := x.popolo(one, x.as(authz.Anonymous))
		got := doc.members()
		want := []string{
			"Chair/member/Formand",
			"Union Member/member/Arbejdsgiverne og -tagerne", // holders in start order
			"Alternate/alternate/Arbejdsgiverne og -tagerne", // after its member
			w.hardName + "/member/Arbejdsgiverne og -tagerne",
			"Aarhus Member/member/Kommunerne", // last day: 2024-06-15
			w.formula + "/member/Kommunerne",  // first day
		}
		if !slices.Equal(got, want) {
			// Absent: Old Chair, the first two terms, Former Alternate and
			// Old Randers (left before asOf), Later Member (starts after).
			t.Fatalf("memberships on %s:\n got %q\nwant %q", compAsOf, got, want)
		}
		m := doc.Memberships[0]
		if m.ID != compID(w.chair) || m.OrganizationID != compID(w.body) || m.StartDate != "2022-01-01" || m.EndDate != "" {
			t.Errorf("chair's membership: %+v", m)
		}
		if m := doc.Memberships[3]; m.OnBehalfOfID != compID(w.di) || m.StartDate != "2024-01-01" || m.EndDate != "2024-06-30" {
			t.Errorf("chain person's membership: %+v", m)
		}
		var posts []string
		for _, p := range doc.Posts {
			posts = append(posts, fmt.Sprintf("%s %s %d", p.Label, p.Role, p.Seats))
		}
		if want := []string{"Formand chair 1", "Arbejdsgiverne og -tagerne member 3", "Kommunerne member 2"}; !slices.Equal(posts, want) {
			t.Errorf("posts: %q, want %q", posts, want)
		}
		body := doc.Organizations[0]
		if body.ID != compID(w.body) || body.Classification != "council" || body.FoundingDate != "2018-01-01" || body.ParentID != compID(w.aarhus) {
			t.Errorf("the body as organization: %+v", body)
		}
		for _, o := range doc.Organizations {
			if o.ID == compID(w.aarhus) && (o.Classification != "municipality" || len(o.Identifiers) != 1 ||
				o.Identifiers[0] != struct{ Identifier, Scheme string }{"55133018", "DK-CVR"}) {
				t.Errorf("Aarhus Kommune: %+v", o)
			}
		}
		// Anonymous: no contact data at all.
		for _, leak := range []string{w.email, w.phone, "contact_details\":[{\"type\":\"voice", "gender"} {
			if strings.Contains(raw, leak) {
				t.Errorf("anonymous export shows %q", leak)
			}
		}

		// READER: the same memberships, with contact data.
		doc, _ = x.popolo(one, x.as(authz.Reader))
		if !slices.Equal(doc.members(), want) {
			t.Fatalf("READER's memberships differ: %q", doc.members())
		}
		i := slices.IndexFunc(doc.Persons, func(p popoloPersonOut) bool { return p.ID == compID(w.chainPerson) })
		if p := doc.Persons[i]; p.Email != w.email || p.Gender != "female" ||
			!slices.Equal(p.ContactDetails, []popoloContactOut{{"email", w.email}, {"voice", w.phone}}) {
			t.Errorf("READER's view of the person: %+v", p)
		}

		// All bodies: those that exist on asOf, by name.
		all, _ := x.popolo("?asOf="+compAsOf, "")
		var names []string
		for _, o := range all.Organizations[:2] {
			names = append(names, o.Name)
		}
		if want := []string{"Arbejdsgruppe for data", "Rådet for fremtidens kompetencer"}; !slices.Equal(names, want) {
			t.Errorf("bodies on %s: %q, want %q (not the dissolved or the future one)", compAsOf, names, want)
		}
		if got := all.members(); len(got) != len(want)+2 || !slices.Contains(got, "Group Member/member/Medlemmer") {
			t.Errorf("memberships of all bodies: %q", got)
		}
		if len(all.Posts) != 5 {
			t.Errorf("posts of all bodies: %d, want 5", len(all.Posts))
		}

		// Before the body was established: a valid document with the body
		// and no posts (it had no seats yet) nor memberships; asOf
		// defaults to today.
		if early, _ := x.popolo(fmt.Sprintf("?body=%d&asOf=2017-06-01", w.body), ""); len(early.Memberships) != 0 || len(early.Posts) != 0 || len(early.Organizations) == 0 {
			t.Errorf("2017: %d memberships, %d posts", len(early.Memberships), len(early.Posts))
		}
		x.popolo(fmt.Sprintf("?body=%d", w.body), "")
		x.popolo("", "")
	})
}

// TestExportRefusals: bad parameters are typed 400s naming the
// parameter, an unknown body is 404, a bad credential 401 as on
// /graphql; no answer shows SQL.
func TestExportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		x := newExports(t, db)
		for _, path := range []string{"/export/popolo.json", "/export/composition.csv"} {
			body := fmt.Sprintf("?body=%d", w.body)
			for _, c := range []struct {
				query       string
				status      int
				code, field string
			}{
				{"?body=abc", 400, "BAD_USER_INPUT", "body"},
				{"?body=0", 400, "BAD_USER_INPUT", "body"},
				{"?body=-4", 400, "BAD_USER_INPUT", "body"},
				{"?body=1%27%20OR%201=1", 400, "BAD_USER_INPUT", "body"},
				{body + "&body=" + compID(w.body), 400, "BAD_USER_INPUT", "body"},
				{body + "&asOf=2024-02-30", 400, "BAD_USER_INPUT", "asOf"},
				{body + "&asOf=15-06-2024", 400, "BAD_USER_INPUT", "asOf"},
				{body + "&asOf=2024-6-1", 400, "BAD_USER_INPUT", "asOf"},
				{body + "&asOf=0000-06-01", 400, "BAD_USER_INPUT", "asOf"}, // no year 0 on PostgreSQL
				{body + "&asOf=0001-01-01", 400, "BAD_USER_INPUT", "asOf"}, // Go's zero time: no date
				{body + "&asOf=0999-12-31", 400, "BAD_USER_INPUT", "asOf"},
				{"?body=999999999", 404, "NOT_FOUND", "body"},
				{fmt.Sprintf("?body=%d", w.org), 404, "NOT_FOUND", "body"}, // an organisation, not a body
			} {
				msg := x.refused(path+c.query, "", c.status, c.code, c.field)
				if strings.Contains(strings.ToLower(msg), "select") || strings.Contains(msg, "sql") {
					t.Errorf("%s%s shows internals: %s", path, c.query, msg)
				}
			}
			// A bad credential is refused in the exports' own shape (it was
			// GraphQL's {"errors": […]}), with the challenge header.
			x.refused(path+body, "Bearer not-a-token", 401, "UNAUTHENTICATED", "")
			if rec := x.get(path+body, "Bearer not-a-token"); rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s with a bad token: no WWW-Authenticate", path)
			}
			if rec := x.get(path+body, "Bearer "+testAdminToken); rec.Code != http.StatusOK {
				t.Errorf("%s as admin: %d %s", path, rec.Code, rec.Body)
			}
		}
		x.refused("/export/composition.csv", "", 400, "BAD_USER_INPUT", "body")
		// Other paths and methods answer in the same shape (they were Go's
		// plain-text 404 and 405).
		x.refused("/export/popolo.csv", "", 404, "NOT_FOUND", "")
		req := httptest.NewRequest(http.MethodPost, "/export/popolo.json", nil)
		rec := httptest.NewRecorder()
		x.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") == "" || !strings.Contains(rec.Body.String(), `{"error":{"code":"BAD_USER_INPUT"`) {
			t.Errorf("POST: %d %v %s", rec.Code, rec.Header(), rec.Body)
		}
	})
}

// TestCompositionCSV: one row per seat (holders, then vacancies), in a
// file that Danish Excel opens as it is, with hard names quoted and
// formulas defused, and no contact data even for READER.
func TestCompositionCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedExportWorld(t, db)
		x := newExports(t, db)
		rec := x.get(fmt.Sprintf("/export/composition.csv?body=%d&asOf=%s", w.body, compAsOf), x.as(authz.Reader))
		raw := rec.Body.String()
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %s: %s", rec.Code, rec.Header().Get("Content-Type"), raw)
		}
		if got, want := rec.Header().Get("Content-Disposition"),
			`attachment; filename="composition-raadet-for-fremtidens-kompetencer-`+compAsOf+`.csv"`; got != want {
			t.Errorf("Content-Disposition %q, want %q", got, want)
		}
		if !strings.HasPrefix(raw, "\ufeff") {
			t.Fatalf("no byte-order mark: %q", raw[:10])
		}
		if strings.Count(raw, "\n") != strings.Count(raw, "\r\n") || !strings.HasSuffix(raw, "\r\n") {
			t.Errorf("line ends are not CRLF: %q", raw)
		}
		for _, leak := range []string{w.email, w.phone} {
			if strings.Contains(raw, leak) {
				t.Errorf("the CSV shows contact data %q", leak)
			}
		}
		// The hard name, quoted as Excel expects: in quotes, " doubled.
		if !strings.Contains(raw, `;"Søren ""Bo"" Åby; Ærø";`) {
			t.Errorf("the name with ; and \" is not quoted right:\n%s", raw)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := "line;allocation;seat;role;status;person;organisation;since;until;alternates"
		want := []string{
			header,
			"1;Formand;1;CHAIR;HELD;Chair;Region Midtjylland;2022-01-01;;",
			"2;Arbejdsgiverne og -tagerne;1;MEMBER;HELD;Union Member;" + w.unionName + ";2023-03-01;;Alternate (" + w.unionName + ")",
			"2;Arbejdsgiverne og -tagerne;2;MEMBER;HELD;" + w.hardName + ";Dansk Industri;2024-01-01;2024-06-30;",
			"2;Arbejdsgiverne og -tagerne;3;MEMBER;VACANT;;;;;",
			"3;Kommunerne;1;MEMBER;HELD;Aarhus Member;Aarhus Kommune;2022-01-01;2024-06-15;",
			"3;Kommunerne;2;MEMBER;HELD;'" + w.formula + ";Randers Kommune;2024-06-15;2026-12-31;",
		}
		var got []string
		for _, row := range rows {
			got = append(got, strings.Join(row, ";"))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("rows:\n got %q\nwant %q", got, want)
		}
		if seats := 1 + 3 + 2; len(rows)-1 != seats {
			t.Errorf("%d rows, want one per seat (%d)", len(rows)-1, seats)
		}

		// Anonymous callers get the same file.
		if anon := x.get(fmt.Sprintf("/export/composition.csv?body=%d&asOf=%s", w.body, compAsOf), ""); anon.Body.String() != raw {
			t.Errorf("anonymous CSV differs:\n%s", anon.Body)
		}
		// A body without allocations: the header alone.
		empty := db.Client.Body.Create().SetName("Tomt udvalg").SetKind(vocab.Committee).
			SaveX(authz.SystemContext(context.Background()))
		if rec := x.get(fmt.Sprintf("/export/composition.csv?body=%d", empty.ID), ""); rec.Body.String() != "\ufeff"+header+"\r\n" {
			t.Errorf("empty body: %q", rec.Body)
		}
	})
}

// TestExportIsNotNPlusOne: the Popolo export of all bodies sends as many
// statements for eleven bodies as for one.
func TestExportIsNotNPlusOne(t *testing.T) {
	var counter storetest.Counter
	storetest.EachWith(t, storetest.Options{Wrap: counter.Wrap}, func(t *testing.T, db *store.DB) {
		x := newExports(t, db)
		statements := func() int {
			counter.Reset()
			x.popolo("?asOf=2024-01-01", "")
			return counter.N()
		}
		growCompWorld(t, db.Client, "Small", 2)
		small := statements()
		for i := range 10 {
			growCompWorld(t, db.Client, fmt.Sprintf("Other %d", i), 3)
		}
		if large := statements(); large != small {
			t.Fatalf("statements grow with data: %d for 1 body, %d for 11 (N+1)", small, large)
		}
	})
}
