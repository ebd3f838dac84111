// Package sequential marshals GraphQL lists in the calling goroutine.
//
// gqlgen's generated code marshals every list of objects with
// graphql.MarshalSliceConcurrently: one goroutine per element, whatever the
// element's fields do. pactreg's lists hold entities whose edges ent has
// already eager-loaded, so those goroutines only cost (their creation, stack
// growth through the deep marshal chains, and scheduling): a profile of the
// benchmark's nested query put half the server's CPU there. The generate
// pipeline (graph/gqlgen.go, run by go generate ./ent) rewrites the
// generated calls to MarshalSlice, and turns off gqlgen's concurrent
// resolution of the fields of non-root objects. Root fields still resolve
// concurrently.
package sequential

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalSlice is graphql.MarshalSliceConcurrently without the goroutines:
// element i is marshalled by marshal with a field context whose Index is i
// (so errors carry the element's path), one element after another. A panic
// in one element becomes that element's error and null, as in gqlgen.
func MarshalSlice(ctx context.Context, n int, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	if n == 0 {
		return ret
	}
	// One allocation for all the elements' field contexts and indices.
	fcs := make([]graphql.FieldContext, n)
	idx := make([]int, n)
	for i := range n {
		idx[i] = i
		fcs[i].Index = &idx[i]
		ret[i] = element(graphql.WithFieldContext(ctx, &fcs[i]), i, marshal)
	}
	return ret
}

func element(ctx context.Context, i int, marshal func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshal(ctx, i)
}
