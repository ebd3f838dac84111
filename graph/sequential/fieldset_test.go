package sequential_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/graph/sequential"
)

// TestFieldSetWritesAsGraphQL: sequential.FieldSet writes what
// graphql.FieldSet writes, for small and large sets, with repeated aliases.
func TestFieldSetWritesAsGraphQL(t *testing.T) {
	for _, aliases := range [][]string{
		nil,
		{"id"},
		{"id", "name", "__typename", "person"},
		{"a", "b", "a", "c", "b"},
		manyAliases(40, 7),
	} {
		fields := make([]graphql.CollectedField, len(aliases))
		for i, a := range aliases {
			fields[i] = graphql.CollectedField{Field: &ast.Field{Alias: a, Name: a}}
		}
		want, got := graphql.NewFieldSet(fields), sequential.NewFieldSet(fields)
		for i := range fields {
			v := graphql.MarshalString(fmt.Sprintf("v%d", i))
			want.Values[i], got.Values[i] = v, v
		}
		want.Dispatch(context.Background())
		got.Dispatch(context.Background())
		var w, g bytes.Buffer
		want.MarshalGQL(&w)
		got.MarshalGQL(&g)
		if g.String() != w.String() {
			t.Errorf("%v:\n got %s\nwant %s", aliases, g.String(), w.String())
		}
	}
}

// manyAliases is n aliases, every k-th a repeat of an earlier one.
func manyAliases(n, k int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("f%d", i)
		if i > 0 && i%k == 0 {
			s[i] = s[i/2]
		}
	}
	return s
}
