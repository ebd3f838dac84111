// Package graph is pactreg's GraphQL layer: thin resolvers over the ent
// client, the HTTP transport, and the error presenter.
package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/graph/generated"
)

// Resolver is the root resolver. Its client is the non-transactional one;
// mutations use the transaction that the transactioner (tx.go) puts in the
// context (ent.FromContext).
type Resolver struct {
	client *ent.Client
	// notify returns the channel of the next commit (store.DB.Changed);
	// nil means subscriptions poll.
	notify func() (<-chan struct{}, error)
	log    *slog.Logger
}

// NewSchema returns the executable schema over client. The server and the
// tests use it alike (through NewHandler).
func NewSchema(client *ent.Client, opts ...SchemaOption) graphql.ExecutableSchema {
	r := &Resolver{client: client, log: slog.Default()}
	for _, o := range opts {
		o(r)
	}
	return generated.NewExecutableSchema(generated.Config{Resolvers: r})
}

// SchemaOption configures NewSchema.
type SchemaOption func(*Resolver)

// WithChanges wakes subscriptions at each commit (store.DB.Changed).
func WithChanges(next func() (<-chan struct{}, error)) SchemaOption {
	return func(r *Resolver) { r.notify = next }
}

// WithLogger sets where resolvers log what they cannot return.
func WithLogger(l *slog.Logger) SchemaOption {
	return func(r *Resolver) { r.log = l }
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
