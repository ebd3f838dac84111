package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/pactreg/pactreg/ent/apitoken"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/limits"
)

// api is a GraphQL client on the real handler over one test database.
type api struct {
	t  *testing.T
	db *store.DB
	c  *client.Client
}

// testAdminToken is the bootstrap admin secret of test handlers.
const testAdminToken = "test-admin-token-0123456789"

// newAPI is a client with the ADMIN role (the bootstrap admin token).
func newAPI(t *testing.T, db *store.DB) *api {
	t.Helper()
	return &api{t: t, db: db, c: client.New(newHandler(db), client.AddHeader("Authorization", "Bearer "+testAdminToken))}
}

// newHandler is the real handler with the default limits but no rate
// limit (all test requests come from one address) and a high cost limit;
// both have tests of their own.
func newHandler(db *store.DB) http.Handler {
	lim := limits.DefaultConfig()
	lim.RatePerSecond = 0
	lim.MaxCost = 1_000_000 // the walks of whole schemas go deep; the cost limit has tests of its own
	return graph.NewHandler(db.Client, graph.Config{
		Logger:        testLogger(),
		Introspection: true,
		Auth:          authn.Config{AdminToken: testAdminToken},
		Limits:        &lim,
		Changed:       db.Changed,
		Driver:        db.Driver,
	})
}

// as returns a client with role r (an API token made for it), or an
// anonymous one for authz.Anonymous.
func (a *api) as(r authz.Role) *api {
	a.t.Helper()
	h := newHandler(a.db)
	if r == authz.Anonymous {
		return &api{t: a.t, db: a.db, c: client.New(h)}
	}
	return &api{t: a.t, db: a.db, c: client.New(h, client.AddHeader("Authorization", "Bearer "+tokenFor(a.t, a.db, r)))}
}

// tokenFor is the secret of a new API token with role r.
func tokenFor(t *testing.T, db *store.DB, r authz.Role) string {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	_, secret, err := authn.CreateToken(ctx, db.Client, fmt.Sprintf("test-%s-%d", r, time.Now().UnixNano()),
		apitoken.Role(r.String()), "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// gqlError is an error as the client sees it.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string  { s, _ := e.Extensions["code"].(string); return s }
func (e gqlError) field() string { s, _ := e.Extensions["field"].(string); return s }

// vars turns name, value pairs into client options.
func vars(kv ...any) []client.Option {
	var opts []client.Option
	for i := 0; i+1 < len(kv); i += 2 {
		opts = append(opts, client.Var(kv[i].(string), kv[i+1]))
	}
	return opts
}

// do runs query and decodes data into out; it fails the test on any error.
func (a *api) do(query string, out any, kv ...any) {
	a.t.Helper()
	if errs := a.try(query, out, kv...); len(errs) > 0 {
		a.t.Fatalf("unexpected errors: %+v\nquery: %s", errs, query)
	}
}

// try runs query, decodes data into out (if not nil) and returns the errors.
func (a *api) try(query string, out any, kv ...any) []gqlError {
	a.t.Helper()
	resp, err := a.c.RawPost(query, vars(kv...)...)
	if err != nil {
		a.t.Fatalf("post: %v", err)
	}
	var errs []gqlError
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &errs); err != nil {
			a.t.Fatalf("decode errors %s: %v", resp.Errors, err)
		}
	}
	if out != nil && resp.Data != nil {
		b, _ := json.Marshal(resp.Data)
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("decode data %s: %v", b, err)
		}
	}
	return errs
}

// fails runs query and asserts exactly one error with code (and field,
// if not empty); it returns that error.
func (a *api) fails(query, code, field string, kv ...any) gqlError {
	a.t.Helper()
	errs := a.try(query, nil, kv...)
	if len(errs) != 1 {
		a.t.Fatalf("want 1 error %s, got %d: %+v", code, len(errs), errs)
	}
	e := errs[0]
	if e.code() != code || e.field() != field {
		a.t.Fatalf("want code %s field %q, got %s %q: %s", code, field, e.code(), e.field(), e.Message)
	}
	return e
}

// testLogger discards logs unless PACTREG_TEST_LOG=1.
func testLogger() *slog.Logger {
	if os.Getenv("PACTREG_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// on returns a with its assertions reported on t (a subtest).
func (a *api) on(t *testing.T) *api {
	b := *a
	b.t = t
	return &b
}
