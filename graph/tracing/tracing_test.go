package tracing_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/tracing"
)

const (
	adminToken = "tracing-test-admin-token-0123456789"
	email      = "traced.person@example.org"
	phone      = "+45 12 34 56 78"
	// An incoming W3C trace context.
	traceID    = "4bf92f3577b34da6a3ce929d0e0e4736"
	parentSpan = "00f067aa0ba902b7"
)

// TestTraces: one request makes an HTTP span that continues the caller's
// traceparent, an operation span named after the operation, field spans
// under it and SQL spans under those, all in the caller's trace; no span
// holds the variables, the contact data, the token or the client address.
func TestTraces(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tr := tracing.New(sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracing.Redact(exp))))
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	storetest.EachWith(t, storetest.Options{Wrap: tr.WrapDriver}, func(t *testing.T, db *store.DB) {
		h := tr.HTTP("graphql", graph.NewHandler(db.Client, graph.Config{
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			Auth:    authn.Config{AdminToken: adminToken},
			Tracing: tr,
		}))
		send := func(body, traceparent string) {
			t.Helper()
			req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+adminToken)
			req.Header.Set("User-Agent", "tracing-test-agent")
			if traceparent != "" {
				req.Header.Set("traceparent", traceparent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || strings.Contains(rec.Body.String(), `"errors"`) {
				t.Fatalf("request: %d %s", rec.Code, rec.Body.String())
			}
		}

		// A mutation with contact data in its variables, in a new trace.
		exp.Reset()
		send(`{"query":"mutation AddPerson($in: CreatePersonInput!) { createPerson(input: $in) { id } }",
			"variables":{"in":{"name":"Traced Person","email":"`+email+`","phone":"`+phone+`"}}}`, "")
		spans := exp.GetSpans()
		op := find(t, spans, "mutation AddPerson")
		for _, s := range spans {
			if s.SpanContext.TraceID() != op.SpanContext.TraceID() {
				t.Errorf("span %s is in another trace", s.Name)
			}
		}
		for _, name := range []string{"BEGIN", "INSERT", "COMMIT", "Mutation.createPerson"} {
			under(t, spans, find(t, spans, name), op)
		}
		noPersonalData(t, spans)

		// A query continuing the caller's trace.
		exp.Reset()
		send(`{"query":"query ReadPeople { people { edges { node { name email phone appointments { totalCount } } } } }"}`,
			"00-"+traceID+"-"+parentSpan+"-01")
		spans = exp.GetSpans()
		server := find(t, spans, "POST graphql")
		if server.Parent.SpanID().String() != parentSpan || !server.Parent.IsRemote() {
			t.Errorf("the HTTP span's parent is %s, not the caller's %s", server.Parent.SpanID(), parentSpan)
		}
		for _, s := range spans {
			if s.SpanContext.TraceID().String() != traceID {
				t.Errorf("span %s is not in the caller's trace: %s", s.Name, s.SpanContext.TraceID())
			}
		}
		op = find(t, spans, "query ReadPeople")
		under(t, spans, op, server)
		if !hasAttr(op, "graphql.operation.name", "ReadPeople") || !hasAttr(op, "graphql.operation.type", "query") {
			t.Errorf("operation span attributes: %v", op.Attributes)
		}
		field := find(t, spans, "Query.people")
		under(t, spans, field, op)
		// A field below the roots that resolves something is traced too.
		under(t, spans, find(t, spans, "Person.appointments"), field)
		sel := find(t, spans, "SELECT")
		under(t, spans, sel, field)
		if !hasAttr(sel, "db.system.name", map[string]string{"sqlite3": "sqlite", "postgres": "postgresql"}[db.Dialect]) ||
			!strings.Contains(attr(sel, "db.query.text"), "persons") {
			t.Errorf("SQL span attributes: %v", sel.Attributes)
		}
		noPersonalData(t, spans)
	})
}

// TestOff: without configuration, nothing is wrapped.
func TestOff(t *testing.T) {
	off := tracing.Off()
	h := &struct{ http.Handler }{http.NotFoundHandler()}
	if off.Enabled() || off.GraphQL() != nil || off.Provider() != nil {
		t.Fatal("tracing off is not off")
	}
	if got := off.HTTP("graphql", h); got != http.Handler(h) {
		t.Error("tracing off wrapped the HTTP handler")
	}
	var nilTracing *tracing.Tracing
	if nilTracing.Enabled() {
		t.Error("a nil *Tracing is enabled")
	}
	for _, env := range []map[string]string{
		{},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"},
	} {
		tr, err := tracing.Setup(context.Background(), func(k string) string { return env[k] }, "test")
		if err != nil || tr.Enabled() {
			t.Errorf("%v: enabled %v, %v", env, tr.Enabled(), err)
		}
	}
	bad := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
	if _, err := tracing.Setup(context.Background(), func(k string) string { return bad[k] }, "test"); err == nil {
		t.Error("grpc was accepted")
	}
}

// TestSetupExportsOnShutdown: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans
// are sent by OTLP/HTTP to the collector when tracing shuts down.
func TestSetupExportsOnShutdown(t *testing.T) {
	var posts atomic.Int32
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && r.URL.Path == "/v1/traces" {
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "600000") // only the shutdown flushes
	tr, err := tracing.Setup(context.Background(), func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL}[k]
	}, "test")
	if err != nil || !tr.Enabled() {
		t.Fatalf("setup: %v", err)
	}
	_, span := tr.Provider().Tracer("test").Start(context.Background(), "work")
	span.End()
	if posts.Load() != 0 {
		t.Fatal("exported before the shutdown")
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if posts.Load() == 0 {
		t.Fatal("shutdown did not flush the span to the collector")
	}
}

func find(t *testing.T, spans tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	for _, s := range spans {
		if s.Name == name {
			return s
		}
	}
	names := make([]string, len(spans))
	for i, s := range spans {
		names[i] = s.Name
	}
	t.Fatalf("no span %q among %v", name, names)
	return tracetest.SpanStub{}
}

// under fails unless s descends from ancestor.
func under(t *testing.T, spans tracetest.SpanStubs, s, ancestor tracetest.SpanStub) {
	t.Helper()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, x := range spans {
		byID[x.SpanContext.SpanID()] = x
	}
	for p := s; p.Parent.IsValid(); {
		if p.Parent.SpanID() == ancestor.SpanContext.SpanID() {
			return
		}
		next, ok := byID[p.Parent.SpanID()]
		if !ok {
			break
		}
		p = next
	}
	t.Errorf("span %s is not under %s", s.Name, ancestor.Name)
}

func attr(s tracetest.SpanStub, key string) string {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value.Emit()
		}
	}
	return ""
}

func hasAttr(s tracetest.SpanStub, key, value string) bool { return attr(s, key) == value }

func noPersonalData(t *testing.T, spans tracetest.SpanStubs) {
	t.Helper()
	for _, s := range spans {
		text := s.Name
		for _, a := range s.Attributes {
			text += " " + string(a.Key) + "=" + a.Value.Emit()
			if a.Key == "client.address" || a.Key == "network.peer.address" || a.Key == "user_agent.original" {
				t.Errorf("span %s records %s", s.Name, a.Key)
			}
		}
		text += " " + s.Status.Description
		for _, leak := range []string{"traced.person", "example.org", "56 78", adminToken, "Traced Person", "tracing-test-agent", "192.0.2.1"} {
			if strings.Contains(text, leak) {
				t.Errorf("span %s holds %q: %s", s.Name, leak, text)
			}
		}
	}
}
