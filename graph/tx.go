package graph

import (
	"context"
	"errors"
	"fmt"

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
	// A transaction is one connection, which PostgreSQL's driver cannot
	// share between goroutines. The executor never shares it: gqlgen
	// resolves a mutation's root fields one after another, and the generate
	// pipeline (graph/gqlgen.go) makes every field and list element below
	// a root resolve in the goroutine of its parent. (This used to be a
	// mutex taken by a field interceptor, which cost a context lookup on
	// every field of every query; TestExecutorIsSequentialBelowRoots
	// guards the generated code instead.)
	resp := next(txCtx)
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

// errorResponse answers with err, through the error presenter.
func errorResponse(ctx context.Context, err error) *graphql.Response {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	graphql.AddError(ctx, err)
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}
