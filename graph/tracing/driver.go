package tracing

import (
	"context"
	"database/sql"
	"strings"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxQueryText bounds db.query.text.
const maxQueryText = 2048

// WrapDriver returns drv with a client span per statement, transaction
// begin, commit and rollback, named after the statement's first keyword
// ("SELECT", "INSERT", …). db.query.text is the statement as ent built it,
// with placeholders: the arguments are never recorded.
//
// It wraps ent's driver (store.Config.Wrap) rather than database/sql's:
// one span per statement ent sends, on both databases alike, with no
// connection or row-iteration spans, and no change to how store opens
// its drivers.
func WrapDriver(drv dialect.Driver, tp trace.TracerProvider) dialect.Driver {
	system := semconv.DBSystemNameSQLite
	if drv.Dialect() == dialect.Postgres {
		system = semconv.DBSystemNamePostgreSQL
	}
	return &tracedDriver{Driver: drv, s: spanner{tracer: tp.Tracer(InstrumentationName), system: system}}
}

type spanner struct {
	tracer trace.Tracer
	system attribute.KeyValue
}

// run makes a span around f.
func (s spanner) run(ctx context.Context, query string, f func(context.Context) error) error {
	op := query
	if i := strings.IndexAny(op, " \t\n("); i > 0 {
		op = op[:i]
	}
	op = strings.ToUpper(op)
	text := query
	if len(text) > maxQueryText {
		text = text[:maxQueryText]
	}
	ctx, span := s.tracer.Start(ctx, op, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		s.system, semconv.DBOperationName(op), semconv.DBQueryText(text)))
	defer span.End()
	err := f(ctx)
	if err != nil {
		// The driver's message may quote a value: say only that it failed.
		span.SetStatus(codes.Error, "statement failed")
	}
	return err
}

type tracedDriver struct {
	dialect.Driver
	s spanner
}

func (d *tracedDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.s.run(ctx, query, func(ctx context.Context) error { return d.Driver.Exec(ctx, query, args, v) })
}

func (d *tracedDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.s.run(ctx, query, func(ctx context.Context) error { return d.Driver.Query(ctx, query, args, v) })
}

func (d *tracedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	var tx dialect.Tx
	err := d.s.run(ctx, "BEGIN", func(ctx context.Context) (err error) {
		tx, err = d.Driver.Tx(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, s: d.s, ctx: ctx}, nil
}

// BeginTx is Tx with options, for drivers that have it (ent's client
// looks for it).
func (d *tracedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	var tx dialect.Tx
	err := d.s.run(ctx, "BEGIN", func(ctx context.Context) (err error) {
		tx, err = b.BeginTx(ctx, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, s: d.s, ctx: ctx}, nil
}

type tracedTx struct {
	dialect.Tx
	s   spanner
	ctx context.Context // where the transaction began: parent of commit and rollback
}

func (t *tracedTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.s.run(ctx, query, func(ctx context.Context) error { return t.Tx.Exec(ctx, query, args, v) })
}

func (t *tracedTx) Query(ctx context.Context, query string, args, v any) error {
	return t.s.run(ctx, query, func(ctx context.Context) error { return t.Tx.Query(ctx, query, args, v) })
}

func (t *tracedTx) Commit() error {
	return t.s.run(t.ctx, "COMMIT", func(context.Context) error { return t.Tx.Commit() })
}

func (t *tracedTx) Rollback() error {
	return t.s.run(t.ctx, "ROLLBACK", func(context.Context) error { return t.Tx.Rollback() })
}
