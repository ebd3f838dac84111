package limits_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/limits"
)

// server is the real schema behind gqlgen's POST transport, a query cache
// and the limits, with gqlgen's default error presenter.
type server struct {
	t     *testing.T
	db    *store.DB
	c     *client.Client
	cache *lru.LRU[*ast.QueryDocument]
}

func newServer(t *testing.T, db *store.DB, cfg limits.Config) *server {
	t.Helper()
	srv := handler.New(graph.NewSchema(db.Client))
	srv.AddTransport(transport.POST{})
	cache := lru.New[*ast.QueryDocument](100)
	srv.SetQueryCache(cache)
	srv.Use(entgql.Transactioner{TxOpener: db.Client})
	srv.Use(limits.New(cfg))
	return &server{t: t, db: db, c: client.New(withViewer(srv)), cache: cache}
}

// withViewer puts the caller in the context as the HTTP layer would: an
// anonymous caller from the X-Test-IP address, or an editor's API token
// with X-Test-Editor.
func withViewer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := authz.Viewer{Role: authz.Anonymous, Actor: "anonymous", Kind: authz.KindAnonymous, ClientIP: r.Header.Get("X-Test-IP")}
		if name := r.Header.Get("X-Test-Editor"); name != "" {
			v = authz.Viewer{Role: authz.Editor, Actor: name, Kind: authz.KindAPIToken}
		}
		h.ServeHTTP(w, r.WithContext(authz.NewContext(r.Context(), v)))
	})
}

func fromIP(ip string) client.Option { return client.AddHeader("X-Test-IP", ip) }

func asEditor() client.Option { return client.AddHeader("X-Test-Editor", "test-editor") }

// gqlError is an error as the client sees it.
type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string  { s, _ := e.Extensions["code"].(string); return s }
func (e gqlError) field() string { s, _ := e.Extensions["field"].(string); return s }

// response is a decoded GraphQL response.
type response struct {
	data       json.RawMessage
	errors     []gqlError
	extensions map[string]any
}

// cost is extensions.cost (-1 if absent).
func (r response) cost() int {
	f, ok := r.extensions["cost"].(float64)
	if !ok {
		return -1
	}
	return int(f)
}

func (s *server) post(query string, opts ...client.Option) response {
	s.t.Helper()
	resp, err := s.c.RawPost(query, opts...)
	if err != nil {
		s.t.Fatalf("post: %v", err)
	}
	out := response{extensions: resp.Extensions}
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &out.errors); err != nil {
			s.t.Fatalf("decode errors %s: %v", resp.Errors, err)
		}
	}
	if resp.Data != nil {
		out.data, _ = json.Marshal(resp.Data)
	}
	return out
}

// ok posts query, fails on any error, decodes data into out (if not nil)
// and returns the response.
func (s *server) ok(query string, out any, opts ...client.Option) response {
	s.t.Helper()
	r := s.post(query, opts...)
	if len(r.errors) > 0 {
		s.t.Fatalf("unexpected errors: %+v\nquery: %s", r.errors, query)
	}
	if out != nil {
		if err := json.Unmarshal(r.data, out); err != nil {
			s.t.Fatalf("decode data %s: %v", r.data, err)
		}
	}
	return r
}

// refused posts query and asserts it was refused with exactly one error
// of code (and field) and no data; it returns the response.
func (s *server) refused(query, code, field string, opts ...client.Option) response {
	s.t.Helper()
	r := s.post(query, opts...)
	if len(r.errors) != 1 {
		s.t.Fatalf("want 1 error %s, got %d: %+v\nquery: %.300s", code, len(r.errors), r.errors, query)
	}
	if e := r.errors[0]; e.code() != code || e.field() != field {
		s.t.Fatalf("want code %s field %q, got %s %q: %s", code, field, e.code(), e.field(), e.Message)
	}
	if len(r.data) > 0 && string(r.data) != "null" {
		s.t.Fatalf("a refused request returned data: %s", r.data)
	}
	return r
}

// conn is the part of a connection the tests read.
type conn struct {
	TotalCount int
	PageInfo   struct{ HasNextPage, HasPreviousPage bool }
	Edges      []struct {
		Node struct {
			ID           string
			Name         string
			Appointments *conn
		}
	}
}

var system = authz.SystemContext(context.Background())

// seedOrganisations creates n organisations and returns their ids.
func seedOrganisations(t *testing.T, db *store.DB, n int) []int {
	t.Helper()
	ids := make([]int, n)
	for i := range ids {
		ids[i] = db.Client.Organisation.Create().SetName(fmt.Sprintf("Organisation %03d", i)).
			SetKind(vocab.Municipality).SaveX(system).ID
	}
	return ids
}

func countOrganisations(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.Client.Organisation.Query().Count(system)
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

// idList is n made-up ids as a GraphQL list literal.
func idList(n int) string {
	b := []byte{'['}
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `"%d"`, i+1)
	}
	return string(append(b, ']'))
}

// ids is n made-up ids as a variable value.
func ids(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprint(i + 1)
	}
	return out
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// schema is the real GraphQL schema (no database behind it).
var schema = graph.NewSchema(nil).Schema()

// operation parses and validates query against the real schema and
// returns an operation context as gqlgen would hand it to the limits.
func operation(t testing.TB, query string, vars map[string]any) *graphql.OperationContext {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, query)
	if len(errs) > 0 {
		t.Fatalf("invalid query: %v", errs)
	}
	op := doc.Operations.ForName("")
	coerced, err := validator.VariableValues(schema, op, vars)
	if err != nil {
		t.Fatalf("variables: %v", err)
	}
	return &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: op, Variables: coerced}
}
