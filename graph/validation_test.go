package graph_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
)

const createOrg = `mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { id } }`

func org(kv ...string) map[string]any {
	m := map[string]any{"name": "Favrskov Kommune", "kind": "MUNICIPALITY"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestBadInputIsRefusedAndWritesNothing: each bad input gets its typed
// code and field, and leaves every table as it was.
func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		a.do(createOrg, nil, "in", org("name", "Dansk Industri", "kind", "EMPLOYER_ORGANISATION", "cvr", "13585628"))
		appt := func(start, end string) map[string]any {
			m := map[string]any{"startsOn": start, "personID": w.person, "seatAllocationID": w.alloc, "onBehalfOfID": w.org}
			if end != "" {
				m["endsOn"] = end
			}
			return m
		}
		const createAppt = `mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`
		const createAlloc = `mutation($in: CreateSeatAllocationInput!) { createSeatAllocation(input: $in) { id } }`
		for _, tc := range []struct {
			name, query, code, field string
			vars                     []any
		}{
			{"cvr wrong check digit", createOrg, "BAD_USER_INPUT", "cvr", []any{"in", org("cvr", "13585627")}},
			{"cvr 7 digits", createOrg, "BAD_USER_INPUT", "cvr", []any{"in", org("cvr", "1358562")}},
			{"cvr letters", createOrg, "BAD_USER_INPUT", "cvr", []any{"in", org("cvr", "1358562A")}},
			{"cvr leading zero", createOrg, "BAD_USER_INPUT", "cvr", []any{"in", org("cvr", "03585628")}},
			{"duplicate cvr", createOrg, "CONFLICT", "cvr", []any{"in", org("cvr", "13585628")}},
			{"empty name", createOrg, "BAD_USER_INPUT", "name", []any{"in", org("name", "")}},
			{"blank name", createOrg, "BAD_USER_INPUT", "name", []any{"in", org("name", "   ")}},
			{"municipality code out of range", createOrg, "BAD_USER_INPUT", "municipalityCode", []any{"in", org("municipalityCode", "999")}},
			{"e-mail", createOrg, "BAD_USER_INPUT", "email", []any{"in", org("email", "not-an-address")}},
			{"unknown enum value in variables", createOrg, "BAD_USER_INPUT", "kind", []any{"in", org("kind", "PIRATE_SHIP")}},
			{"unknown enum value in the document",
				`mutation { createOrganisation(input: {name: "X", kind: PIRATE_SHIP}) { id } }`, "BAD_USER_INPUT", "", nil},
			{"dissolved before founded", createOrg, "BAD_USER_INPUT", "dissolvedOn",
				[]any{"in", org("foundedOn", "2018-01-01", "dissolvedOn", "2017-12-31")}},
			{"impossible date", createOrg, "BAD_USER_INPUT", "foundedOn", []any{"in", org("foundedOn", "2018-02-30")}},
			{"impossible appointment start", createAppt, "BAD_USER_INPUT", "startsOn", []any{"in", appt("2018-02-30", "")}},
			{"ends before it starts", createAppt, "BAD_USER_INPUT", "endsOn", []any{"in", appt("2018-06-01", "2018-05-31")}},
			{"unknown person", createAppt, "NOT_FOUND", "personID", []any{"in", func() map[string]any {
				m := appt("2018-06-01", "")
				m["personID"] = w.person + 1000
				return m
			}()}},
			{"person id where an organisation belongs", createAppt, "NOT_FOUND", "onBehalfOfID", []any{"in", func() map[string]any {
				m := appt("2018-06-01", "")
				m["onBehalfOfID"] = w.person
				return m
			}()}},
			{"malformed id", createAppt, "BAD_USER_INPUT", "personID", []any{"in", func() map[string]any {
				m := appt("2018-06-01", "")
				m["personID"] = "abc"
				return m
			}()}},
			{"zero seats", createAlloc, "BAD_USER_INPUT", "seats", []any{"in", map[string]any{"bodyID": w.body, "label": "X", "seats": 0}}},
			{"negative seats", createAlloc, "BAD_USER_INPUT", "seats", []any{"in", map[string]any{"bodyID": w.body, "label": "X", "seats": -2}}},
			{"empty label", createAlloc, "BAD_USER_INPUT", "label", []any{"in", map[string]any{"bodyID": w.body, "label": "", "seats": 1}}},
			{"allocation of an unknown body", createAlloc, "NOT_FOUND", "bodyID", []any{"in", map[string]any{"bodyID": w.org, "label": "X", "seats": 1}}},
			{"update of an unknown organisation",
				fmt.Sprintf(`mutation { updateOrganisation(id: %d, expectedVersion: 1, input: {name: "X"}) { id } }`, w.person), "NOT_FOUND", "", nil},
			{"end of an unknown appointment",
				fmt.Sprintf(`mutation { endAppointment(id: %d, endsOn: "2019-01-01") { id } }`, w.alloc), "NOT_FOUND", "", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				unchanged(t, db, func() {
					e := a.on(t).fails(tc.query, tc.code, tc.field, tc.vars...)
					assertPlain(t, e)
				})
			})
		}
	})
}

// assertPlain fails if a message leaks SQL or Go internals.
func assertPlain(t *testing.T, e gqlError) {
	t.Helper()
	lower := strings.ToLower(e.Message)
	for _, leak := range []string{"select ", "insert ", "update \"", "pq:", "sqlite", "constraint failed", "goroutine", ".go:", "ent:", "validator failed"} {
		if strings.Contains(lower, leak) {
			t.Errorf("message leaks internals (%q): %s", leak, e.Message)
		}
	}
	if e.Message == "" {
		t.Error("empty message")
	}
}

func TestEndAppointmentBeforeStartIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		var out struct{ CreateAppointment struct{ ID string } }
		a.do(`mutation($in: CreateAppointmentInput!) { createAppointment(input: $in) { id } }`, &out,
			"in", map[string]any{"startsOn": "2018-06-01", "personID": w.person, "seatAllocationID": w.alloc, "onBehalfOfID": w.org})
		end := `mutation($id: ID!, $d: Date!) { endAppointment(id: $id, endsOn: $d) { id endsOn } }`
		a.fails(end, "BAD_USER_INPUT", "endsOn", "id", out.CreateAppointment.ID, "d", "2018-05-31")
		var got struct{ Node struct{ EndsOn *string } }
		a.do(`query($id: ID!) { node(id: $id) { ... on Appointment { endsOn } } }`, &got, "id", out.CreateAppointment.ID)
		if got.Node.EndsOn != nil {
			t.Fatalf("refused end was stored: %v", *got.Node.EndsOn)
		}
		var ended struct{ EndAppointment struct{ EndsOn string } }
		a.do(end, &ended, "id", out.CreateAppointment.ID, "d", "2019-12-31")
		if ended.EndAppointment.EndsOn != "2019-12-31" {
			t.Fatalf("endsOn = %q", ended.EndAppointment.EndsOn)
		}
	})
}

func TestUpdateRefusalKeepsStoredValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		upd := `mutation($id: ID!, $in: UpdateOrganisationInput!) { updateOrganisation(id: $id, expectedVersion: 1, input: $in) { name cvr } }`
		a.fails(upd, "BAD_USER_INPUT", "cvr", "id", w.org, "in", map[string]any{"name": "Renamed", "cvr": "12345678"})
		var got struct{ Node struct{ Name string } }
		a.do(`query($id: ID!) { node(id: $id) { ... on Organisation { name } } }`, &got, "id", w.org)
		if got.Node.Name != "Aarhus Kommune" {
			t.Fatalf("a refused update changed the name to %q", got.Node.Name)
		}
	})
}

func TestNodeIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		var got struct {
			Node struct {
				Typename string `json:"__typename"`
			}
			Nodes []struct {
				Typename string `json:"__typename"`
			}
		}
		a.do(`query($a: ID!, $b: ID!, $c: ID!) { node(id: $a) { __typename } nodes(ids: [$b, $c]) { __typename } }`, &got,
			"a", w.body, "b", w.person, "c", w.alloc)
		if got.Node.Typename != "Body" || len(got.Nodes) != 2 || got.Nodes[0].Typename != "Person" || got.Nodes[1].Typename != "SeatAllocation" {
			t.Fatalf("node/nodes resolved %+v", got)
		}
		a.fails(`{ node(id: "999999") { id } }`, "NOT_FOUND", "")
		a.fails(fmt.Sprintf(`{ node(id: "%d") { id } }`, w.alloc+77), "NOT_FOUND", "")
		e := a.fails(`{ node(id: "Organisation:1") { id } }`, "BAD_USER_INPUT", "id")
		assertPlain(t, e)
		a.fails(`{ node(id: "-5") { id } }`, "BAD_USER_INPUT", "id")
	})
}

// TestRequestsThatAreNotGraphQL: the transport refuses bodies that are not
// JSON (and never echoes them), wrong media types and mutations over GET.
func TestRequestsThatAreNotGraphQL(t *testing.T) {
	db := storetest.Open(t, "sqlite3", storetest.Options{})
	h := graph.NewHandler(db.Client, graph.Config{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 1}))})
	for _, tc := range []struct {
		name, method, ctype, body, url string
		status                         int
	}{
		{"not JSON", "POST", "application/json", "{query: secret-body-text", "/graphql", 400},
		{"JSON but not an object", "POST", "application/json", `["query"]`, "/graphql", 400},
		{"two JSON values", "POST", "application/json", `{"query":"{__typename}"} {}`, "/graphql", 400},
		{"empty body", "POST", "application/json", ``, "/graphql", 400},
		{"no query", "POST", "application/json", `{"variables":{}}`, "/graphql", 400},
		{"form post", "POST", "application/x-www-form-urlencoded", `query=%7B__typename%7D`, "/graphql", 415},
		{"multipart post", "POST", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{}\r\n--x--", "/graphql", 415},
		{"text/plain post (CSRF-simple)", "POST", "text/plain", `{"query":"{__typename}"}`, "/graphql", 415},
		{"body over 1 MiB", "POST", "application/json", `{"query":"{__typename}","variables":{"x":"` + strings.Repeat("a", 1<<20) + `"}}`, "/graphql", 413},
		{"too many tokens", "POST", "application/json", `{"query":"{` + strings.Repeat(" __typename", 15001) + `}"}`, "/graphql", 200},
		{"mutation over GET", "GET", "", "", "/graphql?query=" + strings.ReplaceAll(`mutation{endAppointment(id:1,endsOn:"2019-01-01"){id}}`, " ", "%20"), 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countAll(t, db.Client)
			req := httptest.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, body)
			}
			if !strings.Contains(body, `"code":"BAD_USER_INPUT"`) || !strings.Contains(body, `"errors"`) {
				t.Fatalf("no typed code: %s", body)
			}
			if strings.Contains(body, "secret-body-text") {
				t.Fatalf("the bad body was echoed: %s", body)
			}
			if countAll(t, db.Client) != before {
				t.Fatal("data changed")
			}
		})
	}
	// A query over GET works.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query=%7Borganisations%7BtotalCount%7D%7D", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"totalCount":0`) {
		t.Fatalf("GET query: %d %s", rec.Code, rec.Body.String())
	}
}
