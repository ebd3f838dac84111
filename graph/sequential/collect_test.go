package sequential

import (
	"context"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestCollectFields: within a list, each object's fields are what
// graphql.CollectFields collects (aliases, fragments, @include with a
// variable), the list keeps the last four selections, and outside a list
// it asks graphql.CollectFields.
func TestCollectFields(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { a: A }
		type A { x: Int y: Int z: Int b1: A b2: A b3: A b4: A b5: A }`})
	doc := gqlparser.MustLoadQuery(schema, `query ($on: Boolean!) { a {
		x k: y ...F @include(if: $on)
		b1 { x } b2 { y } b3 { z } b4 { x y } b5 { ...F } } }
		fragment F on A { z }`)
	op := &graphql.OperationContext{Doc: doc, Variables: map[string]any{"on": true}}
	a := doc.Operations[0].SelectionSet[0].(*ast.Field)
	sels := []ast.SelectionSet{a.SelectionSet}
	for _, s := range a.SelectionSet[3:] {
		sels = append(sels, s.(*ast.Field).SelectionSet)
	}
	satisfies := []string{"A"}

	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil)
	MarshalSlice(ctx, 3, func(ctx context.Context, _ int) graphql.Marshaler {
		for round := range 2 {
			for i, sel := range sels {
				got := CollectFields(ctx, op, sel, satisfies)
				if want := graphql.CollectFields(op, sel, satisfies); !reflect.DeepEqual(got, want) {
					t.Fatalf("round %d, selection %d: collected %v, want %v", round, i, got, want)
				}
			}
		}
		m := ctx.Value(collectedKey{}).(*collected)
		if m.n != len(m.entries) {
			t.Fatalf("%d selections kept, want %d", m.n, len(m.entries))
		}
		last := sels[len(sels)-len(m.entries):]
		for _, e := range m.entries {
			found := false
			for _, sel := range last {
				found = found || &e.sel[0] == &sel[0]
			}
			if !found {
				t.Fatalf("the list keeps a selection that is not among the last %d", len(m.entries))
			}
		}
		return graphql.Null
	})
	if names := fieldNames(CollectFields(ctx, op, sels[0], satisfies)); !reflect.DeepEqual(names, []string{"x", "k", "z", "b1", "b2", "b3", "b4", "b5"}) {
		t.Fatalf("outside a list: %v", names)
	}
}

func fieldNames(fields []graphql.CollectedField) (names []string) {
	for _, f := range fields {
		names = append(names, f.Alias)
	}
	return names
}
