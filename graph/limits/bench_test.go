package limits_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/pactreg/pactreg/graph/limits"
)

// A registry page as a client would ask for it: variables, fragments, a
// connection without first (rewritten), nested connections and lists.
const benchQuery = `query Registry($first: Int, $after: Cursor, $kinds: [OrganisationKind!], $withMembers: Boolean!) {
  organisations(first: $first, after: $after, where: {kindIn: $kinds}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        ...Org
        memberOf @include(if: $withMembers) { id name }
        appointments(first: 10) {
          totalCount
          edges { node { startsOn endsOn person { ...Person } seatAllocation { label seats body { id name kind } } } }
        }
      }
    }
  }
  people { edges { node { ...Person appointments { totalCount } } } }
}
fragment Org on Organisation { id name shortName kind cvr website }
fragment Person on Person { id name title affiliation { id name } }`

// BenchmarkLimits measures MutateOperationContext on a cached document
// (as gqlgen's query cache hands it over), rate limiting on (refilling
// fast enough never to refuse).
func BenchmarkLimits(b *testing.B) {
	cfg := limits.DefaultConfig()
	cfg.RatePerSecond = 1e12
	l := limits.New(cfg)
	parsed := operation(b, benchQuery, map[string]any{
		"first": 50, "kinds": []any{"MUNICIPALITY", "REGION"}, "withMembers": true,
	})
	oc := &graphql.OperationContext{Variables: parsed.Variables}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		oc.Doc, oc.Operation = parsed.Doc, parsed.Operation
		if err := l.MutateOperationContext(ctx, oc); err != nil {
			b.Fatal(err)
		}
	}
	// organisations: 1 + 50 × (memberOf 1 + appointments (1 + 10 × (person 1
	// + affiliation 1 + seatAllocation 1 + body 1))) = 1 + 50 × 42 = 2101;
	// people (20 by default): 1 + 20 × (affiliation 1 + appointments (1 +
	// 20 × 1)) = 441.
	resp := l.InterceptResponse(graphql.WithOperationContext(ctx, oc),
		func(context.Context) *graphql.Response { return &graphql.Response{} })
	if cost := resp.Extensions["cost"]; cost != 2101+441 {
		b.Fatalf("cost %v", cost)
	}
}
