// Package graph is pactreg's GraphQL layer: thin resolvers over the ent
// client, the HTTP transport, and the error presenter.
package graph

import (
	"context"
	"log/slog"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/graph/direct"
	"github.com/pactreg/pactreg/graph/generated"
	"github.com/pactreg/pactreg/graph/sequential"
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
	// direct answers the queries it knows (nil: none).
	direct *direct.Reader
}

// NewSchema returns the executable schema over client. The server and the
// tests use it alike (through NewHandler).
func NewSchema(client *ent.Client, opts ...SchemaOption) graphql.ExecutableSchema {
	r := &Resolver{client: client, log: slog.Default()}
	for _, o := range opts {
		o(r)
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: r})
	if r.direct == nil {
		return es
	}
	return directSchema{ExecutableSchema: es, reader: r.direct}
}

// WithDirectReads answers the queries the direct read path knows over drv,
// the client's driver (nil: none; see package direct).
func WithDirectReads(drv dialect.Driver) SchemaOption {
	return func(r *Resolver) {
		if drv != nil {
			r.direct = direct.New(r.client, drv)
		}
	}
}

// directSchema is the executable schema with the direct read path in
// front: a query it answers never reaches gqlgen's executor; any other
// operation, and a query it gives up on, runs there as always.
type directSchema struct {
	graphql.ExecutableSchema
	reader *direct.Reader
}

func (s directSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return s.ExecutableSchema.Exec(ctx)
	}
	execCtx := ctx
	var fallback graphql.ResponseHandler
	answered := false
	// The reading happens when the response is asked for, inside the
	// response interceptors (admission, limits, the access log), as the
	// executor's does.
	return func(ctx context.Context) *graphql.Response {
		if fallback != nil {
			return fallback(ctx)
		}
		if answered {
			return nil
		}
		answered = true
		buf := sequential.NewBuffer()
		if s.reader.Answer(ctx, oc, buf) {
			oc.Stats.SetExtension(direct.Answered, true)
			return &graphql.Response{Data: buf.Bytes()}
		}
		sequential.ReleaseBuffer(buf.Bytes())
		fallback = s.ExecutableSchema.Exec(execCtx)
		return fallback(ctx)
	}
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
