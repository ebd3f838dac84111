package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/trace"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/graph/opname"
)

// accessLog writes one structured line per GraphQL operation: request id,
// operation, duration, actor and role, the error codes and, when traced,
// the trace id — never the document's variables or results (they may hold
// personal data) and never a credential.
type accessLog struct {
	log *slog.Logger
}

func (accessLog) ExtensionName() string                   { return "AccessLog" }
func (accessLog) Validate(graphql.ExecutableSchema) error { return nil }
func (a accessLog) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	if resp == nil {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	op, kind := oc.OperationName, ""
	if oc.Operation != nil {
		kind = string(oc.Operation.Operation)
		if op == "" {
			op = oc.Operation.Name
		}
	}
	if op != "" && !opname.Plain(op) {
		// The operationName of a request whose document never parsed can
		// be any string the client sent, personal data included.
		op = "(not a plain name)"
	}
	var codes []string
	for _, e := range resp.Errors {
		if c, ok := e.Extensions["code"].(string); ok {
			codes = append(codes, c)
		}
	}
	logAccess(ctx, a.log, "graphql", start,
		slog.String("operation", op),
		slog.String("type", kind),
		slog.Any("error_codes", codes),
	)
	return resp
}

// logAccess writes one access-log line msg: the request id, what attrs
// say, the duration since start, and the viewer's actor and role.
func logAccess(ctx context.Context, log *slog.Logger, msg string, start time.Time, attrs ...slog.Attr) {
	v := authz.FromContext(ctx)
	all := append([]slog.Attr{slog.String("request_id", RequestID(ctx))}, attrs...)
	all = append(all,
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("actor", v.Actor),
		slog.String("role", v.Role.String()),
	)
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		all = append(all, slog.String("trace_id", sc.TraceID().String()))
	}
	log.LogAttrs(ctx, slog.LevelInfo, msg, all...)
}
