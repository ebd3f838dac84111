package graph_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/graph"
)

// api is a GraphQL client on the real handler over one test database.
type api struct {
	t  *testing.T
	db *store.DB
	c  *client.Client
}

func newAPI(t *testing.T, db *store.DB) *api {
	t.Helper()
	h := graph.NewHandler(db.Client, graph.Config{
		Logger:        testLogger(),
		Introspection: true,
	})
	return &api{t: t, db: db, c: client.New(h)}
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
