package sequential_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/pactreg/pactreg/graph/sequential"
)

// TestExecutorIsSequentialBelowRoots guards what the transactioner (graph/tx.go)
// relies on: in the generated executor, only root fields may resolve
// concurrently, so a mutation's fields never use its transaction's
// connection at once. go generate ./ent (graph/gqlgen.go) produces this.
func TestExecutorIsSequentialBelowRoots(t *testing.T) {
	src, err := os.ReadFile("../generated/generated.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{"MarshalSliceConcurrently(", ".ResolveConcurrently(", ".Concurrently(", "go func("} {
		if n := bytes.Count(src, []byte(call)); n > 0 {
			t.Errorf("generated.go calls %s %d times: run go generate ./ent (graph/gqlgen.go)", call, n)
		}
	}
	if !bytes.Contains(src, []byte("sequential.MarshalSlice(")) {
		t.Error("generated.go does not use sequential.MarshalSlice")
	}
	// Plain struct fields are written without a field context (the last
	// step of graph/gqlgen.go); the nested query's person name is one.
	direct := "return ec.marshalNString2string(ctx, field.Selections, obj.Name) // a plain field"
	if !bytes.Contains(src, []byte(direct)) {
		t.Errorf("generated.go does not write Person.name directly (%q): run go generate ./ent", direct)
	}
}

// TestMarshalSlice: elements in order, each with its index on the path;
// a panic nulls its element only and becomes an error.
func TestMarshalSlice(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter,
		func(ctx context.Context, v any) error { return errors.New("panic: " + v.(string)) })
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{}})
	var paths []string
	ret := sequential.MarshalSlice(ctx, 3, func(ctx context.Context, i int) graphql.Marshaler {
		paths = append(paths, graphql.GetPath(ctx).String())
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	var buf bytes.Buffer
	ret.MarshalGQL(&buf)
	if got := buf.String(); got != "[0,null,2]" {
		t.Errorf("marshalled %s, want [0,null,2]", got)
	}
	if strings.Join(paths, " ") != "[0] [1] [2]" {
		t.Errorf("paths %q", paths)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "boom") || errs[0].Path.String() != "[1]" {
		t.Errorf("errors %v", errs)
	}
	if got := sequential.MarshalSlice(ctx, 0, nil); len(got) != 0 {
		t.Errorf("empty list: %v", got)
	}
}

// TestBufferReuse: a released reply's buffer comes back empty, and one
// too large to keep does not come back.
func TestBufferReuse(t *testing.T) {
	b := sequential.NewBuffer()
	b.WriteString(`{"a":1}`)
	sequential.ReleaseBuffer(b.Bytes())
	for range 10 { // the pool may drop items; some Get gets it back or a new one
		n := sequential.NewBuffer()
		if n.Len() != 0 {
			t.Fatalf("reused buffer holds %q", n.String())
		}
	}
	big := make([]byte, 0, 2<<20)
	sequential.ReleaseBuffer(big) // kept: no
	for range 10 {
		if n := sequential.NewBuffer(); n.Cap() >= 2<<20 {
			t.Fatal("a buffer over 1 MiB was kept")
		}
	}
}
