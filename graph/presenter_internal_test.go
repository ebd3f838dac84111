package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/graph/authn"
)

// TestUnexpectedErrorsAndPanicsAreHidden: an unexpected error or a panic
// reaches the client as INTERNAL with a request id; the details (which may
// hold SQL) go only to the log, under the same id.
func TestUnexpectedErrorsAndPanicsAreHidden(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))

	// A plain error.
	ctx := WithRequestID(t.Context(), "req-123")
	out := presentError(log)(ctx, errors.New(`pq: relation "secret_table" does not exist: SELECT * FROM secret_table`))
	if out.Extensions["code"] != "INTERNAL" || out.Extensions["requestId"] != "req-123" ||
		strings.Contains(out.Message, "secret_table") || !strings.Contains(out.Message, "req-123") {
		t.Fatalf("presented: %+v", out)
	}
	if !strings.Contains(logs.String(), "secret_table") || !strings.Contains(logs.String(), "req-123") {
		t.Fatalf("the details are not in the log: %s", logs.String())
	}

	// A request its client abandoned (a subscription closed while its
	// event was resolved) is no server error: logged at INFO, not ERROR.
	logs.Reset()
	gone, cancel := context.WithCancel(WithRequestID(t.Context(), "req-gone"))
	cancel()
	out = presentError(log)(gone, fmt.Errorf("node: %w", context.Canceled))
	if out.Extensions["code"] != "INTERNAL" || strings.Contains(logs.String(), `"level":"ERROR"`) || !strings.Contains(logs.String(), "req-gone") {
		t.Fatalf("cancelled by the client: %+v, log %s", out, logs.String())
	}
	// A cancellation the request did not ask for remains an error.
	logs.Reset()
	presentError(log)(ctx, fmt.Errorf("node: %w", context.Canceled))
	if !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Fatalf("a cancellation of a live request is not logged as an error: %s", logs.String())
	}

	// A panic in a resolver: a handler without a database panics on the
	// first data access (nil client).
	logs.Reset()
	h := NewHandler(nil, Config{Logger: log, Auth: authn.Config{}})
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ node(id: 4294967296) { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", "req-panic")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `"code":"INTERNAL"`) || !strings.Contains(body, "req-panic") ||
		strings.Contains(body, "nil pointer") || strings.Contains(body, "goroutine") {
		t.Fatalf("panic answer: %d %s", rec.Code, body)
	}
	if !strings.Contains(logs.String(), "panic") || !strings.Contains(logs.String(), "req-panic") {
		t.Fatalf("the panic is not in the log: %s", logs.String())
	}
}
