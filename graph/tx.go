package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent"
)

// transactioner runs each mutation operation in one transaction: all its
// fields commit together or nothing does. It replaces entgql.Transactioner,
// whose begin and commit failures bypass the error presenter and show the
// driver's text to the client.
type transactioner struct {
	client *ent.Client
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = transactioner{}

func (transactioner) ExtensionName() string                   { return "Transactioner" }
func (transactioner) Validate(graphql.ExecutableSchema) error { return nil }
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation != ast.Mutation {
		return next(ctx)
	}
	txCtx, tx, err := t.client.OpenTx(ctx)
	if err != nil {
		return errorResponse(ctx, fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	// gqlgen resolves a result's fields concurrently; a transaction is one
	// connection, which PostgreSQL's driver cannot share: fields of a
	// mutation take turns (see InterceptField).
	resp := next(context.WithValue(txCtx, txTurnKey{}, new(sync.Mutex)))
	if resp == nil || len(resp.Errors) > 0 {
		if rerr := tx.Rollback(); rerr != nil && resp != nil {
			graphql.AddError(ctx, fmt.Errorf("roll back: %w", rerr))
		}
		return resp
	}
	if err := tx.Commit(); err != nil {
		return errorResponse(ctx, fmt.Errorf("commit transaction: %w", err))
	}
	return resp
}

type txTurnKey struct{}

// InterceptField runs the fields of a mutation's result one at a time, so
// that they never use the transaction's connection at once.
func (transactioner) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if mu, ok := ctx.Value(txTurnKey{}).(*sync.Mutex); ok {
		mu.Lock()
		defer mu.Unlock()
	}
	return next(ctx)
}

// errorResponse answers with err, through the error presenter.
func errorResponse(ctx context.Context, err error) *graphql.Response {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	graphql.AddError(ctx, err)
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}
