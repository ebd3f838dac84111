package graph_test

import (
	"github.com/99designs/gqlgen/client"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/limits"
)

// TestLimitsThroughTheServer: the limits as a client meets them through
// the real handler: typed codes, extensions.cost on every response, and a
// spent rate budget as HTTP 429 with Retry-After.
func TestLimitsThroughTheServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedWorld(t, db.Client)
		a := newAPI(t, db)
		resp, err := a.c.RawPost(`{ organisations(first: 5) { edges { node { name } } } }`)
		if err != nil || resp.Errors != nil {
			t.Fatalf("%v %s", err, resp.Errors)
		}
		if cost, ok := resp.Extensions["cost"].(float64); !ok || cost != 6 {
			t.Fatalf("extensions.cost = %v, want 1 + 5×1 = 6", resp.Extensions["cost"])
		}
		// Plain lists are charged 10 items each, at least 1 apiece: nested
		// lists cannot multiply work for free. 1 + 30 × (1 + (1 + 10 × (1 +
		// (1 + 10 × (1 + (1 + 10 × 1)))))) = 36661.
		strict := limits.DefaultConfig()
		strict.RatePerSecond = 0
		sc := &api{t: t, db: db, c: client.New(graph.NewHandler(db.Client, graph.Config{Logger: testLogger(), Limits: &strict}))}
		e := sc.fails(`{ appointments(first: 30) { edges { node { seatAllocation { appointments {
			seatAllocation { appointments { seatAllocation { appointments { id } } } } } } } } } }`, "QUERY_TOO_COMPLEX", "")
		if e.Extensions["cost"] != float64(36661) {
			t.Errorf("nested lists cost %v, want 36661", e.Extensions["cost"])
		}
		unchanged(t, db, func() {
			e := a.fails(`{ organisations(first: 101) { totalCount } }`, "QUERY_TOO_COMPLEX", "first")
			assertPlain(t, e)
			a.fails(`mutation { createOrganisation(input: {name: "X", kind: COMPANY, memberIDs: [`+strings.Repeat("1,", 250)+`1]}) { id } }`,
				"QUERY_TOO_COMPLEX", "memberIDs")
		})

		// Rate limit: a tiny budget, a fixed clock.
		now := time.Unix(1_800_000_000, 0)
		cfg := limits.DefaultConfig()
		cfg.RatePerSecond, cfg.RateBurst, cfg.MaxCost = 1, 10, 10
		cfg.Now = func() time.Time { return now }
		h := graph.NewHandler(db.Client, graph.Config{Logger: testLogger(), Limits: &cfg, Auth: authn.Config{AdminToken: testAdminToken}})
		post := func() *httptest.ResponseRecorder {
			req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ organisations(first: 5) { edges { node { name } } } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = "192.0.2.7:5555"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		if rec := post(); rec.Code != 200 {
			t.Fatalf("first request: %d %s", rec.Code, rec.Body)
		}
		rec := post()
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
			!strings.Contains(rec.Body.String(), `"code":"RATE_LIMITED"`) || !strings.Contains(rec.Body.String(), `"cost"`) {
			t.Fatalf("second request: %d %v %s", rec.Code, rec.Header(), rec.Body)
		}
		now = now.Add(10 * time.Second)
		if rec := post(); rec.Code != 200 {
			t.Fatalf("after refill: %d %s", rec.Code, rec.Body)
		}
	})
}
