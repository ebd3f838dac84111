package graph

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent/store/storetest"
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

// TestAccessLogHoldsNoPersonalData: the log line of a request that writes
// and reads a person's contact data names the operation, actor and
// outcome, but holds neither the e-mail nor the credential.
func TestAccessLogHoldsNoPersonalData(t *testing.T) {
	db := storetest.Open(t, "sqlite3", storetest.Options{})
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	const secret = "access-log-admin-token-123456"
	h := NewHandler(db.Client, Config{Logger: log, Auth: authn.Config{AdminToken: secret}})
	for _, q := range []string{
		`{"query":"mutation AddPerson { createPerson(input: {name: \"Demo Person\", email: \"private.person@example.org\", phone: \"+45 11 22 33 44\"}) { id email phone } }"}`,
		`{"query":"query ReadPeople { people { edges { node { name email phone } } } }"}`,
	} {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(q))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "private.person@example.org") {
			t.Fatalf("request: %d %s", rec.Code, rec.Body.String())
		}
	}
	out := logs.String()
	for _, want := range []string{`"operation":"AddPerson"`, `"operation":"ReadPeople"`, `"type":"mutation"`, `"actor":"admin-token"`, `"request_id"`, `"duration_ms"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the access log lacks %s:\n%s", want, out)
		}
	}
	for _, leak := range []string{"private.person", "+45 11 22 33 44", secret, "Demo Person"} {
		if strings.Contains(out, leak) {
			t.Errorf("the access log holds %q:\n%s", leak, out)
		}
	}
}
