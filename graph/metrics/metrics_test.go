package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/metrics"
)

const (
	adminToken = "metrics-test-admin-token-0123456789"
	email      = "metrics.person@example.org"
	phone      = "+45 87 65 43 21"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// post sends a GraphQL request body to h with the admin token.
func post(t *testing.T, h http.Handler, body string) string {
	t.Helper()
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+adminToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}

// scrape reads /metrics from reg.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// TestGraphQLMetrics: after a few requests, /metrics counts them by
// operation and outcome (ok and an error code), times them, counts errors
// by code and HTTP requests by handler, shows the database pool and the
// Go runtime, and holds none of the requests' data or credentials.
func TestGraphQLMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		reg := metrics.New(metrics.Options{Logger: quiet()})
		if err := reg.AddDB(db.SQL); err != nil {
			t.Fatal(err)
		}
		h := reg.InstrumentHTTP("graphql", graph.NewHandler(db.Client, graph.Config{
			Logger: quiet(), Auth: authn.Config{AdminToken: adminToken}, Metrics: reg,
		}))
		for _, body := range []string{
			`{"query":"mutation AddPerson($in: CreatePersonInput!) { createPerson(input: $in) { id email phone } }",
			  "variables":{"in":{"name":"Metrics Person","email":"` + email + `","phone":"` + phone + `"}}}`,
			`{"query":"query ReadPeople { people { edges { node { name email phone } } } }"}`,
			`{"query":"query ReadPeople { people { totalCount } }"}`,
			`{"query":"{ people { totalCount } }"}`,
			`{"query":"mutation BadPerson($in: CreatePersonInput!) { createPerson(input: $in) { id } }",
			  "variables":{"in":{"name":"Bad Person","email":"not-an-address ` + email + `"}}}`,
			`{"query":"{ nosuchfield }", "operationName": "` + email + `"}`,
		} {
			post(t, h, body)
		}
		out := scrape(t, reg)
		for _, want := range []string{
			`pactreg_graphql_requests_total{operation="AddPerson",outcome="ok",type="mutation"} 1`,
			`pactreg_graphql_requests_total{operation="ReadPeople",outcome="ok",type="query"} 2`,
			`pactreg_graphql_requests_total{operation="anonymous",outcome="ok",type="query"} 1`,
			`pactreg_graphql_requests_total{operation="BadPerson",outcome="BAD_USER_INPUT",type="mutation"} 1`,
			`pactreg_graphql_requests_total{operation="invalid",outcome="BAD_USER_INPUT",type="unknown"} 1`,
			`pactreg_graphql_errors_total{code="BAD_USER_INPUT"} 2`,
			`pactreg_graphql_request_duration_seconds_count{operation="ReadPeople",type="query"} 2`,
			`pactreg_graphql_request_duration_seconds_bucket{operation="AddPerson",type="mutation",le="+Inf"} 1`,
			`pactreg_http_requests_total{code="200",handler="graphql",method="post"} 6`,
			`pactreg_http_request_duration_seconds_count{handler="graphql"} 6`,
			`go_sql_max_open_connections{db_name="pactreg"}`,
			`go_sql_in_use_connections{db_name="pactreg"}`,
			`go_goroutines `,
			`go_build_info{`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		for _, leak := range []string{"metrics.person", "example.org", "87 65", adminToken, "Metrics Person", "Bad Person", "not-an-address"} {
			if strings.Contains(out, leak) {
				t.Errorf("/metrics holds %q", leak)
			}
		}
		if t.Failed() {
			t.Logf("/metrics:\n%s", out)
		}
	})
}

// TestOperationNamesAreCapped: past the cap, and for names that are not
// plain GraphQL names, operations count as "other".
func TestOperationNamesAreCapped(t *testing.T) {
	db := storetest.Open(t, "sqlite3", storetest.Options{})
	reg := metrics.New(metrics.Options{MaxOperations: 2, Logger: quiet()})
	h := graph.NewHandler(db.Client, graph.Config{Logger: quiet(), Auth: authn.Config{AdminToken: adminToken}, Metrics: reg})
	for _, name := range []string{"One", "Two", "Three", "One"} {
		post(t, h, `{"query":"query `+name+` { people { totalCount } }"}`)
	}
	out := scrape(t, reg)
	for _, want := range []string{
		`pactreg_graphql_requests_total{operation="One",outcome="ok",type="query"} 2`,
		`pactreg_graphql_requests_total{operation="Two",outcome="ok",type="query"} 1`,
		`pactreg_graphql_requests_total{operation="other",outcome="ok",type="query"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s\n%s", want, out)
		}
	}
	if strings.Contains(out, `"Three"`) {
		t.Error("a name past the cap became a label")
	}
}

// TestAddGauge: gauges registered later are read at each scrape; a failing
// one is left out while the rest is served; a name is taken only once.
func TestAddGauge(t *testing.T) {
	reg := metrics.New(metrics.Options{Logger: quiet()})
	depth := 3.0
	if err := reg.AddGaugeFunc("pactreg_test_depth", "A test gauge.", func() float64 { return depth }); err != nil {
		t.Fatal(err)
	}
	fail := false
	if err := reg.AddGaugeContext("pactreg_webhook_outbox_depth", "Deliveries waiting.", func(ctx context.Context) (float64, error) {
		if fail {
			return 0, errors.New("database unavailable")
		}
		return 7, ctx.Err()
	}); err != nil {
		t.Fatal(err)
	}
	if err := reg.AddGaugeFunc("pactreg_test_depth", "Again.", func() float64 { return 0 }); err == nil {
		t.Error("a metric name was registered twice")
	}
	if err := reg.AddGaugeFunc("not a name", "Bad.", func() float64 { return 0 }); err == nil {
		t.Error("an invalid metric name was accepted")
	}
	out := scrape(t, reg)
	if !strings.Contains(out, "pactreg_test_depth 3\n") || !strings.Contains(out, "pactreg_webhook_outbox_depth 7\n") {
		t.Fatalf("gauges missing:\n%s", out)
	}
	depth, fail = 5, true
	out = scrape(t, reg)
	if !strings.Contains(out, "pactreg_test_depth 5\n") || strings.Contains(out, "pactreg_webhook_outbox_depth 7") {
		t.Fatalf("after a failing gauge:\n%s", out)
	}
}
