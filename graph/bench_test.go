package graph_test

import (
	"context"
	"os"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/limits"
)

// BenchmarkOperationContext measures what every request pays before any
// resolver runs: the query cache lookup (parsing and validation happen
// once, on the first request), variable coercion and the limits (depth,
// cost, page size), for the benchmark harness's two queries. The whole
// request, database included, is bench/load's BenchmarkQuery.
func BenchmarkOperationContext(b *testing.B) {
	db := storetest.Open(b, dialect.SQLite, storetest.Options{})
	exec := executor.New(graph.NewSchema(db.Client))
	exec.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	lim := limits.DefaultConfig()
	lim.RatePerSecond = 0
	exec.Use(limits.New(lim))
	for _, name := range []string{"nested", "flat"} {
		q, err := os.ReadFile("../bench/query-" + name + ".graphql")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			ctx := graphql.StartOperationTrace(context.Background())
			b.ReportAllocs()
			for b.Loop() {
				params := &graphql.RawParams{Query: string(q), ReadTime: graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}}
				if _, errs := exec.CreateOperationContext(ctx, params); errs != nil {
					b.Fatal(errs)
				}
			}
		})
	}
}
