package metrics

import (
	"context"
	"regexp"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/pactreg/pactreg/graph/direct"
)

// GraphQL returns the gqlgen extension that records each operation:
// pactreg_graphql_requests_total, pactreg_graphql_request_duration_seconds,
// pactreg_graphql_errors_total and pactreg_graphql_direct_total.
func (r *Registry) GraphQL() graphql.HandlerExtension { return graphQL{r} }

type graphQL struct{ r *Registry }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = graphQL{}

func (graphQL) ExtensionName() string                   { return "Metrics" }
func (graphQL) Validate(graphql.ExecutableSchema) error { return nil }

func (g graphQL) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	if resp == nil {
		// The request's context ended; the transport answers TIMEOUT
		// through the interceptors again, and that answer is counted.
		return resp
	}
	kind, op := "unknown", Invalid
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		kind, op = string(oc.Operation.Operation), g.r.ops.label(oc.Operation.Name)
		if oc.Stats.GetExtension(direct.Answered) != nil {
			g.r.direct.Inc()
		}
	}
	outcome := "ok"
	for i, e := range resp.Errors {
		code := errorCode(e.Extensions)
		if i == 0 {
			outcome = code
		}
		g.r.errors.WithLabelValues(code).Inc()
	}
	g.r.requests.WithLabelValues(kind, op, outcome).Inc()
	g.r.duration.WithLabelValues(kind, op).Observe(time.Since(start).Seconds())
	return resp
}

// codeShape is what an error code looks like (BAD_USER_INPUT).
var codeShape = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,39}$`)

// errorCode is extensions.code when it has a code's shape, else "UNKNOWN".
func errorCode(ext map[string]any) string {
	if c, ok := ext["code"].(string); ok && codeShape.MatchString(c) {
		return c
	}
	return "UNKNOWN"
}
