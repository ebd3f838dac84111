// Package tracing sends OpenTelemetry traces of pactreg's work to an OTLP
// collector: a span per HTTP request (continuing an incoming traceparent),
// per GraphQL operation, per resolver field and per SQL statement.
//
// It is configured by the standard OpenTelemetry environment variables
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT turns
// it on; OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_TRACES_SAMPLER(_ARG), OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_* …).
// Without an endpoint nothing is instrumented: no wrapper, no extension,
// no cost.
//
// No span carries variables, documents, arguments, result data, error
// messages, credentials or client addresses: operation and field names,
// error codes, and SQL text with its placeholders (never its arguments).
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// InstrumentationName names pactreg's tracers.
const InstrumentationName = "github.com/pactreg/pactreg"

// Tracing is the process's tracing: on (with a provider that exports) or
// off (every method a no-op that returns its argument).
type Tracing struct {
	provider   trace.TracerProvider
	propagator propagation.TextMapPropagator
	shutdown   func(context.Context) error
}

// Off is tracing that is not configured.
func Off() *Tracing { return &Tracing{} }

// New is tracing through tp (tests give it an in-memory exporter). Only
// W3C trace context is propagated; baggage is ignored.
func New(tp *sdktrace.TracerProvider) *Tracing {
	return &Tracing{provider: tp, propagator: propagation.TraceContext{}, shutdown: tp.Shutdown}
}

// Enabled reports whether spans are made (false for a nil *Tracing).
func (t *Tracing) Enabled() bool { return t != nil && t.provider != nil }

// Provider is the tracer provider, nil when tracing is off.
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// Shutdown exports the spans still buffered and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t.shutdown == nil {
		return nil
	}
	return t.shutdown(ctx)
}

// EnabledBy reports whether getenv configures an OTLP trace endpoint (and
// does not disable the SDK or the trace exporter).
func EnabledBy(getenv func(string) string) bool {
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") || getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup returns tracing as getenv configures it: Off without an OTLP
// endpoint, else an OTLP/HTTP exporter behind a batch span processor,
// with service.name "pactreg" (OTEL_SERVICE_NAME wins) and
// service.version version. The exporter itself reads the
// OTEL_EXPORTER_OTLP_* variables from the process environment.
func Setup(ctx context.Context, getenv func(string) string, version string) (*Tracing, error) {
	if !EnabledBy(getenv) {
		return Off(), nil
	}
	if e := getenv("OTEL_TRACES_EXPORTER"); e != "" && e != "otlp" {
		return nil, fmt.Errorf("OTEL_TRACES_EXPORTER=%s: pactreg exports traces only by otlp", e)
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"} {
		if p := getenv(name); p != "" && p != "http/protobuf" {
			return nil, fmt.Errorf("%s=%s: pactreg exports traces by OTLP over HTTP (http/protobuf) only", name, p)
		}
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	// Later options win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
	// override the defaults. No process or host detectors: a process's
	// command line can hold a database URL with its password.
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName("pactreg"), semconv.ServiceVersion(version)),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return New(sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(Redact(exp)),
		sdktrace.WithResource(res),
	)), nil
}

// HTTP wraps h with a server span per request named after operation
// ("graphql"), continuing the caller's traceparent. Off: h itself.
func (t *Tracing) HTTP(operation string, h http.Handler) http.Handler {
	if !t.Enabled() {
		return h
	}
	return otelhttp.NewHandler(h, operation,
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithSpanNameFormatter(func(operation string, r *http.Request) string {
			return r.Method + " " + operation
		}),
	)
}

// GraphQL is the gqlgen extension that makes operation and field spans;
// nil when tracing is off.
func (t *Tracing) GraphQL() graphql.HandlerExtension {
	if !t.Enabled() {
		return nil
	}
	return NewGraphQL(t.provider)
}

// WrapDriver makes a span per SQL statement sent through drv (a
// store.Config.Wrap). Off: drv itself.
func (t *Tracing) WrapDriver(drv dialect.Driver) dialect.Driver {
	if !t.Enabled() {
		return drv
	}
	return WrapDriver(drv, t.provider)
}
