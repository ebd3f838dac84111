// Package graph is pactreg's GraphQL layer: thin resolvers over the ent
// client, the HTTP transport, and the error presenter.
package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/graph/generated"
)

// Resolver is the root resolver. Its client is the non-transactional one;
// mutations use the transaction that the transactioner (tx.go) puts in the
// context (ent.FromContext).
type Resolver struct {
	client *ent.Client
}

// NewSchema returns the executable schema over client. The server and the
// tests use it alike.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client},
	})
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// reader is the client reads go through: inside a mutation its
// transaction (so that the mutation's answer shows its own writes and
// needs no second connection), else the root client.
func (r *Resolver) reader(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}
