package graph

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent/apitoken"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph/authn"
)

// TestAccessLogHoldsNoPersonalData: the JSON log of requests that write
// and read a person's contact data (with an API token and with the admin
// token) and of failing requests is one valid JSON object a line; each
// operation's line names the request id, operation, duration and actor;
// and nowhere does the log hold the e-mail, the phone number, a token's
// secret or any variable.
func TestAccessLogHoldsNoPersonalData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const (
			adminSecret = "access-log-admin-token-123456"
			email       = "private.person@example.org"
			phone       = "+45 11 22 33 44"
			newEmail    = "moved.person@example.net"
			newPhone    = "+45 99 88 77 66"
			name        = "Logged Person"
		)
		_, apiSecret, err := authn.CreateToken(authz.SystemContext(t.Context()), db.Client, "intranet-sync",
			apitoken.Role("EDITOR"), "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&logs, nil))
		h := NewHandler(db.Client, Config{Logger: log, Auth: authn.Config{AdminToken: adminSecret, Logger: log}})
		send := func(secret string, body map[string]any) (int, string) {
			t.Helper()
			b, _ := json.Marshal(body)
			req := httptest.NewRequest("POST", "/graphql", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		// (a) Writes, with an API token and with the admin token.
		code, body := send(apiSecret, map[string]any{
			"query":     `mutation AddPerson($in: CreatePersonInput!) { createPerson(input: $in) { id version email phone } }`,
			"variables": map[string]any{"in": map[string]any{"name": name, "email": email, "phone": phone}},
		})
		var created struct {
			Data struct {
				CreatePerson struct {
					ID, Email string
					Version   int
				}
			}
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil || code != 200 || created.Data.CreatePerson.Email != email {
			t.Fatalf("create: %d %s", code, body)
		}
		p := created.Data.CreatePerson
		if code, body := send(adminSecret, map[string]any{
			"query":     `mutation MovePerson($id: ID!, $v: Int!, $in: UpdatePersonInput!) { updatePerson(id: $id, expectedVersion: $v, input: $in) { email phone } }`,
			"variables": map[string]any{"id": p.ID, "v": p.Version, "in": map[string]any{"email": newEmail, "phone": newPhone}},
		}); code != 200 || !strings.Contains(body, newEmail) {
			t.Fatalf("update: %d %s", code, body)
		}
		// (b) A read of the contact data.
		if code, body := send(apiSecret, map[string]any{
			"query":     `query ReadPeople($name: String) { people(where: {name: $name}) { edges { node { name email phone } } } }`,
			"variables": map[string]any{"name": name},
		}); code != 200 || !strings.Contains(body, newPhone) {
			t.Fatalf("read: %d %s", code, body)
		}
		// (c) Failures: a refused input, a document that does not parse
		// under an operationName that is personal data, an unknown token.
		if code, body := send(apiSecret, map[string]any{
			"query":     `mutation BadPerson($in: CreatePersonInput!) { createPerson(input: $in) { id } }`,
			"variables": map[string]any{"in": map[string]any{"name": name, "email": "not an address " + email}},
		}); code != 200 || !strings.Contains(body, "BAD_USER_INPUT") {
			t.Fatalf("bad input: %d %s", code, body)
		}
		if code, body := send(apiSecret, map[string]any{"query": `{ people(`, "operationName": email}); !strings.Contains(body, "BAD_USER_INPUT") {
			t.Fatalf("unparsable: %d %s", code, body)
		}
		unknown := "pactreg_" + strings.Repeat("x", 40)
		if code, _ := send(unknown, map[string]any{"query": `{ people { totalCount } }`}); code != http.StatusUnauthorized {
			t.Fatalf("unknown token: %d", code)
		}

		out := logs.String()
		ops := map[string]map[string]any{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("not a JSON line: %q (%v)", line, err)
			}
			if rec["msg"] != "graphql" {
				continue
			}
			for _, key := range []string{"request_id", "operation", "type", "duration_ms", "actor", "role", "error_codes"} {
				if _, ok := rec[key]; !ok {
					t.Errorf("access log line without %s: %s", key, line)
				}
			}
			if id, _ := rec["request_id"].(string); id == "" {
				t.Errorf("access log line without a request id: %s", line)
			}
			op, _ := rec["operation"].(string)
			ops[op] = rec
		}
		for op, actor := range map[string]string{"AddPerson": "token:intranet-sync", "MovePerson": "admin-token", "ReadPeople": "token:intranet-sync", "BadPerson": "token:intranet-sync"} {
			if rec, ok := ops[op]; !ok || rec["actor"] != actor {
				t.Errorf("no access log line for %s by %s: %v", op, actor, rec)
			}
		}
		if codes, _ := ops["BadPerson"]["error_codes"].([]any); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
			t.Errorf("BadPerson's error codes: %v", ops["BadPerson"]["error_codes"])
		}
		if !strings.Contains(out, `"credential refused"`) {
			t.Errorf("the refused token is not logged:\n%s", out)
		}
		for _, leak := range []string{"private.person", "moved.person", "example.org", "example.net", "11 22 33", "99 88 77",
			adminSecret, apiSecret, unknown, "xxxxxxxx", name, "not an address", `"variables"`, `"in"`} {
			if strings.Contains(out, leak) {
				t.Errorf("the log holds %q:\n%s", leak, out)
			}
		}
	})
}
