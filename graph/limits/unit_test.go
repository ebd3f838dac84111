package limits_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/graph/limits"
)

// The refusals carry an *apperr.Error (what pactreg's presenter reads) and
// mirror it in the gqlerror's own extensions (what any presenter shows).
func TestRefusalsAreTypedErrors(t *testing.T) {
	l := limits.New(limits.Config{})
	oc := operation(t, "{\n  organisations(first: 500) { totalCount }\n}", nil)
	gerr := l.MutateOperationContext(context.Background(), oc)
	if gerr == nil {
		t.Fatal("first: 500 was allowed")
	}
	var ae *apperr.Error
	if !errors.As(gerr, &ae) {
		t.Fatalf("%T %v does not wrap an *apperr.Error", gerr, gerr)
	}
	if ae.Code != apperr.TooComplex || ae.Field != "first" || ae.Message != "first may be at most 100, got 500" {
		t.Errorf("apperr: %+v", ae)
	}
	if gerr.Extensions["code"] != "QUERY_TOO_COMPLEX" || gerr.Extensions["field"] != "first" {
		t.Errorf("gqlerror extensions: %v", gerr.Extensions)
	}
	if len(gerr.Locations) != 1 || gerr.Locations[0].Line != 2 || gerr.Locations[0].Column != 17 {
		t.Errorf("locations: %+v (want the first argument, 2:17)", gerr.Locations)
	}

	oc = operation(t, `{ organisations(first: 100) { edges { node { appointments(first: 100) { totalCount } } } } }`, nil)
	gerr = l.MutateOperationContext(context.Background(), oc)
	if !errors.As(gerr, &ae) || ae.Code != apperr.TooComplex || ae.Extensions["cost"] != 10101 ||
		ae.Extensions["maxCost"] != limits.DefaultMaxCost {
		t.Errorf("cost refusal: %v %+v", gerr, ae)
	}

	clk := newClock()
	l = limits.New(limits.Config{MaxCost: 10, RatePerSecond: 2, RateBurst: 10, Now: clk.Now})
	q := `{ organisations(first: 9) { edges { node { id } } } }` // costs 10
	if err := l.MutateOperationContext(context.Background(), operation(t, q, nil)); err != nil {
		t.Fatalf("first request: %v", err)
	}
	gerr = l.MutateOperationContext(context.Background(), operation(t, q, nil))
	if !errors.As(gerr, &ae) || ae.Code != apperr.RateLimited || ae.Extensions["retryAfter"] != 5 ||
		gerr.Extensions["retryAfter"] != 5 {
		t.Errorf("rate limited: %v %+v (want retryAfter 5: 10 points at 2 per second)", gerr, ae)
	}
}

func TestOperationIsRewrittenNotMutated(t *testing.T) {
	l := limits.New(limits.Config{})
	const q = `query($n: Int, $m: Int) {
		organisations { edges { node { appointments(first: $n) { totalCount } } } }
		...F
	}
	fragment F on Query { people(last: $m) { totalCount } bodies(first: 3) { totalCount } }`
	oc := operation(t, q, map[string]any{"n": 5, "m": 6})
	original, before := oc.Doc, format(oc.Doc)
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
	if format(original) != before {
		t.Fatalf("the parsed document changed:\n%s\nbecame\n%s", before, format(original))
	}
	if oc.Doc == original || oc.Operation == original.Operations[0] {
		t.Fatal("the operation was not replaced by a rewritten copy")
	}
	if got := format(oc.Doc); !strings.Contains(got, "organisations(first: 20)") ||
		!strings.Contains(got, "appointments(first: $n)") || !strings.Contains(got, "people(last: $m)") {
		t.Errorf("rewritten document:\n%s", got)
	}
	rewritten := oc.Doc

	// The same document again: the memoised copy.
	oc = operation(t, q, map[string]any{"n": 1, "m": 2})
	oc.Doc, oc.Operation = original, original.Operations[0]
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
	if oc.Doc != rewritten {
		t.Error("the rewrite of a document is not memoised")
	}

	// Null variables: a copy with first: 20 for those connections only.
	oc = operation(t, q, map[string]any{"n": nil, "m": 2})
	oc.Doc, oc.Operation = original, original.Operations[0]
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
	if got := format(oc.Doc); !strings.Contains(got, "appointments(first: 20)") || !strings.Contains(got, "people(last: $m)") {
		t.Errorf("rewritten for n null:\n%s", got)
	}
	oc = operation(t, q, map[string]any{"n": 1})
	oc.Doc, oc.Operation = original, original.Operations[0]
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
	if got := format(oc.Doc); !strings.Contains(got, "appointments(first: $n)") || !strings.Contains(got, "people(last: $m, first: 20)") {
		t.Errorf("rewritten for m unset:\n%s", got)
	}
	if format(original) != before {
		t.Fatal("the parsed document changed")
	}

	// Nothing to add: the document itself.
	oc = operation(t, `{ organisations(first: 2) { totalCount } }`, nil)
	doc := oc.Doc
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
	if oc.Doc != doc {
		t.Error("a document without unbounded connections was copied")
	}
}

func format(doc *ast.QueryDocument) string {
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent(" ")).FormatQueryDocument(doc)
	return b.String()
}

func TestConfigDefaults(t *testing.T) {
	got := limits.New(limits.Config{}).Config()
	if got.MaxPage != 100 || got.DefaultPage != 20 || got.MaxIDs != 100 || got.MaxListItems != 250 ||
		got.MaxCost != 10000 || got.MaxDepth != 15 || got.RatePerSecond != 0 || got.Now == nil {
		t.Errorf("defaults: %+v", got)
	}
	got = limits.New(limits.DefaultConfig()).Config()
	if got.RatePerSecond != 200 || got.RateBurst != 20000 {
		t.Errorf("DefaultConfig: %+v", got)
	}
	got = limits.New(limits.Config{MaxPage: 10, DefaultPage: 50, RatePerSecond: 1, RateBurst: 5, MaxCost: 300}).Config()
	if got.DefaultPage != 10 || got.RateBurst != 300 {
		t.Errorf("DefaultPage is capped by MaxPage and RateBurst raised to MaxCost: %+v", got)
	}
}

// The buckets are kept for the 10,000 most recently seen keys; a key
// pushed out comes back with a full bucket.
func TestRateKeysAreBounded(t *testing.T) {
	clk := newClock()
	l := limits.New(limits.Config{MaxCost: 10, RatePerSecond: 1, RateBurst: 10, Now: clk.Now})
	q := operation(t, `{ organisations(first: 9) { totalCount } }`, nil) // costs 10
	ask := func(ip string) error {
		oc := &graphql.OperationContext{Doc: q.Doc, Operation: q.Operation, Variables: q.Variables}
		ctx := authz.NewContext(context.Background(), authz.Viewer{Kind: authz.KindAnonymous, ClientIP: ip})
		if err := l.MutateOperationContext(ctx, oc); err != nil {
			return err
		}
		return nil
	}
	if err := ask("first"); err != nil {
		t.Fatal(err)
	}
	if ask("first") == nil {
		t.Fatal("an empty bucket paid")
	}
	for i := range 10_000 {
		if err := ask(fmt.Sprint("other-", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ask("first"); err != nil {
		t.Errorf("the evicted key did not start afresh: %v", err)
	}
}

// Documents whose fragments multiply are refused without being walked to
// the end; fragments spread twice in one selection count once, as they
// execute.
func TestExpandingFragments(t *testing.T) {
	l := limits.New(limits.Config{})
	var spread, fields strings.Builder
	spread.WriteString("{ organisations(first: 1) { edges { node { ...F0 } } } }\n")
	fields.WriteString(spread.String())
	for i := range 11 {
		fmt.Fprintf(&spread, "fragment F%d on Organisation { ...F%d ...F%d ...F%d }\n", i, i+1, i+1, i+1)
		fmt.Fprintf(&fields, "fragment F%d on Organisation { a: memberOf { ...F%d } b: memberOf { ...F%d } c: memberOf { ...F%d } }\n",
			i, i+1, i+1, i+1)
	}
	spread.WriteString("fragment F11 on Organisation { id name }\n")
	fields.WriteString("fragment F11 on Organisation { id name }\n")

	start := time.Now()
	oc := operation(t, spread.String(), nil)
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Errorf("fragments spread three times a level: %v", err)
	}
	oc = operation(t, fields.String(), nil)
	var ae *apperr.Error
	if err := l.MutateOperationContext(context.Background(), oc); !errors.As(err, &ae) || ae.Code != apperr.TooComplex ||
		!strings.Contains(ae.Message, "more than 100000 fields") {
		t.Errorf("3^11 memberOf fields: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the analysis took %v", d)
	}
}

// GraphiQL's introspection query stays within the default limits.
func TestIntrospectionIsAllowed(t *testing.T) {
	const introspection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
	l := limits.New(limits.DefaultConfig())
	oc := operation(t, introspection, nil)
	if err := l.MutateOperationContext(context.Background(), oc); err != nil {
		t.Fatal(err)
	}
}

// One Limits serves concurrent requests (run with -race).
func TestConcurrentUse(t *testing.T) {
	l := limits.New(limits.Config{RatePerSecond: 1e12}) // buckets in use, never empty
	const q = `query($n: Int) { organisations(first: $n) { edges { node { id appointments { totalCount } } } } }`
	base := operation(t, q, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				vars := map[string]any{"n": int64(i % 7)}
				if (g+i)%2 == 0 {
					vars["n"] = nil
				}
				oc := &graphql.OperationContext{Doc: base.Doc, Operation: base.Operation, Variables: vars}
				ctx := authz.NewContext(context.Background(), authz.Viewer{Kind: authz.KindAnonymous, ClientIP: fmt.Sprint(g)})
				if err := l.MutateOperationContext(ctx, oc); err != nil {
					t.Error(err)
					return
				}
				want := "organisations(first: $n)"
				if vars["n"] == nil {
					want = "organisations(first: 20)"
				}
				if got := format(oc.Doc); !strings.Contains(got, want) {
					t.Errorf("n = %v: executes\n%s", vars["n"], got)
					return
				}
			}
		})
	}
	wg.Wait()
}
