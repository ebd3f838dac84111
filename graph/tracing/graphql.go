package tracing

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/requestid"
	"github.com/pactreg/pactreg/graph/opname"
)

// Attribute keys of pactreg's own.
const (
	RequestIDKey  = attribute.Key("pactreg.request_id")
	ErrorCodesKey = attribute.Key("pactreg.graphql.error_codes")
	FieldKey      = attribute.Key("pactreg.graphql.field")
)

// graphQL makes a span per operation and per field that runs code (a
// resolver or a method; plain struct fields would only add noise). It is
// pactreg's own rather than a tracer from a library: the one maintained
// for gqlgen records the document, the variables, every argument and
// every error message as attributes, which may hold personal data.
type graphQL struct {
	tracer trace.Tracer
}

// NewGraphQL returns the gqlgen extension over tp.
func NewGraphQL(tp trace.TracerProvider) graphql.HandlerExtension {
	return graphQL{tracer: tp.Tracer(InstrumentationName)}
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = graphQL{}

func (graphQL) ExtensionName() string                   { return "Tracing" }
func (graphQL) Validate(graphql.ExecutableSchema) error { return nil }

func (g graphQL) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	name, attrs := "GraphQL Operation", []attribute.KeyValue{RequestIDKey.String(requestid.FromContext(ctx))}
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		kind := string(oc.Operation.Operation)
		name = kind
		attrs = append(attrs, semconv.GraphQLOperationTypeKey.String(kind))
		if n := oc.Operation.Name; opname.Plain(n) {
			name += " " + n
			attrs = append(attrs, semconv.GraphQLOperationName(n))
		}
	}
	ctx, span := g.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
	defer span.End()
	resp := next(ctx)
	if resp != nil {
		failed(span, resp.Errors)
	}
	return resp
}

func (g graphQL) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsMethod && !fc.IsResolver {
		return next(ctx)
	}
	field := fc.Object + "." + fc.Field.Name
	ctx, span := g.tracer.Start(ctx, field, trace.WithAttributes(FieldKey.String(field)))
	defer span.End()
	res, err := next(ctx)
	errs := graphql.GetFieldErrors(ctx, fc)
	if err != nil {
		// The returned error is presented after this interceptor: name
		// its class only when it is a typed one.
		code := "ERROR"
		if ae, ok := apperr.As(err); ok {
			code = string(ae.Code)
		}
		errs = append(errs, &gqlerror.Error{Extensions: map[string]any{"code": code}})
	}
	failed(span, errs)
	return res, err
}

// failed marks span as failed with the errors' codes (never messages:
// they may quote the input).
func failed(span trace.Span, errs gqlerror.List) {
	if len(errs) == 0 {
		return
	}
	cs := make([]string, 0, len(errs))
	for _, e := range errs {
		c, _ := e.Extensions["code"].(string)
		if c == "" {
			c = "UNKNOWN"
		}
		cs = append(cs, c)
	}
	span.SetAttributes(ErrorCodesKey.StringSlice(cs))
	span.SetStatus(codes.Error, strings.Join(cs, ","))
}
