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
	"bytes"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalSlice is graphql.MarshalSliceConcurrently without the goroutines:
// element i is marshalled by marshal with a field context whose Index is i
// (so errors carry the element's path), one element after another. A panic
// in one element becomes that element's error and null, as in gqlgen.
//
// The elements share one field context, its Index moved along: each is done
// with it before the next starts (nothing below a root is deferred or runs
// concurrently, and an error copies its path when it is added), so a
// context per element (a field context and a context value, about 180
// bytes) would only be garbage: 6,000 of them for the large nested query.
func MarshalSlice(ctx context.Context, n int, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	if n == 0 {
		return ret
	}
	var i int
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	ctx = context.WithValue(ctx, collectedKey{}, new(collected)) // see CollectFields
	for i = 0; i < n; i++ {
		ret[i] = element(ctx, i, marshal)
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

// maxPooledBuffer is the largest buffer kept for another reply.
const maxPooledBuffer = 1 << 20

var buffers sync.Pool // *bytes.Buffer

// NewBuffer returns an empty buffer for a query's reply: one that an
// earlier reply used and gave back with ReleaseBuffer, when there is one.
func NewBuffer() *bytes.Buffer {
	if b, ok := buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// ReleaseBuffer gives data, a reply's bytes that nothing reads any more,
// back for another reply (when it is at most 1 MiB).
func ReleaseBuffer(data []byte) {
	if c := cap(data); c > 0 && c <= maxPooledBuffer {
		buffers.Put(bytes.NewBuffer(data[:0]))
	}
}
