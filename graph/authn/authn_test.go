package authn

import (
	"context"
	"encoding/json"
	"io"
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
)

// TestMiddlewareCredentials: every kind of credential, good and bad,
// through the middleware the server uses.
func TestMiddlewareCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := authz.SystemContext(context.Background())
		now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		_, reader, err := CreateToken(sys, db.Client, "intranet", apitoken.RoleREADER, "90d", now)
		if err != nil {
			t.Fatal(err)
		}
		// An admin chooses the name: it must not pass for pactreg's own writes.
		_, spoof, err := CreateToken(sys, db.Client, "system", apitoken.RoleADMIN, "", now)
		if err != nil {
			t.Fatal(err)
		}
		_, expired, err := CreateToken(sys, db.Client, "old", apitoken.RoleEDITOR, "1h", now.Add(-2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		rtok, revoked, err := CreateToken(sys, db.Client, "gone", apitoken.RoleADMIN, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := RevokeToken(sys, db.Client, rtok.ID, now); err != nil {
			t.Fatal(err)
		}
		key := newKey(t, "k1")
		p := newIdP(t, key)
		oidc := p.verifier(t, "")
		const admin = "bootstrap-secret-0123456789"
		h := Middleware(Config{AdminToken: admin, OIDC: oidc, Client: db.Client, Now: func() time.Time { return now },
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})(
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = json.NewEncoder(w).Encode(authz.FromContext(r.Context()))
			}))
		for _, tc := range []struct {
			name, header string
			status       int
			role         authz.Role
			actor, msg   string
		}{
			{"none", "", 200, authz.Anonymous, "anonymous", ""},
			{"admin token", "Bearer " + admin, 200, authz.Admin, "admin-token", ""},
			{"admin token, other case of scheme", "bearer " + admin, 200, authz.Admin, "admin-token", ""},
			{"wrong admin token", "Bearer " + admin + "x", 401, 0, "", "not known"},
			{"API token", "Bearer " + reader, 200, authz.Reader, "token:intranet", ""},
			{"API token named as pactreg itself", "Bearer " + spoof, 200, authz.Admin, "token:system", ""},
			{"expired API token", "Bearer " + expired, 401, 0, "", "has expired"},
			{"revoked API token", "Bearer " + revoked, 401, 0, "", "was revoked"},
			{"unknown API token", "Bearer pactreg_nothing", 401, 0, "", "not known"},
			{"basic auth", "Basic dXNlcjpwYXNz", 401, 0, "", "Bearer"},
			{"empty bearer", "Bearer ", 401, 0, "", "Bearer"},
			{"OIDC editor", "Bearer " + sign(t, key, p.claims(map[string]any{"pactreg_role": "EDITOR"})), 200, authz.Editor, "oidc:alice", ""},
			{"OIDC without a role", "Bearer " + sign(t, key, p.claims(nil)), 200, authz.Anonymous, "oidc:alice", ""},
			{"OIDC expired", "Bearer " + sign(t, key, p.claims(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})), 401, 0, "", "expired"},
			{"OIDC wrong audience", "Bearer " + sign(t, key, p.claims(map[string]any{"aud": "someone-else"})), 401, 0, "", "audience"},
			{"OIDC foreign key", "Bearer " + sign(t, newKey(t, "k1"), p.claims(nil)), 401, 0, "", "signature"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest("POST", "/graphql", nil)
				if tc.header != "" {
					req.Header.Set("Authorization", tc.header)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				body := rec.Body.String()
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, body)
				}
				if tc.status == 401 {
					if !strings.Contains(body, `"code":"UNAUTHENTICATED"`) || !strings.Contains(body, tc.msg) ||
						rec.Header().Get("WWW-Authenticate") == "" {
						t.Fatalf("refusal: %s", body)
					}
					if cred := strings.TrimPrefix(tc.header, "Bearer "); len(cred) > 8 && strings.Contains(body, cred) {
						t.Fatal("the credential was echoed")
					}
					return
				}
				var v authz.Viewer
				if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
					t.Fatal(err)
				}
				if v.Role != tc.role || v.Actor != tc.actor {
					t.Fatalf("viewer %+v, want %s %q", v, tc.role, tc.actor)
				}
			})
		}
		// The API token's use was recorded, its secret never stored.
		tok, err := db.Client.APIToken.Query().Where(apitoken.Name("intranet")).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		if tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(now) {
			t.Errorf("last use = %v, want %v", tok.LastUsedAt, now)
		}
		if tok.SecretHash == reader || strings.Contains(tok.SecretHash, reader[len(secretPrefix):]) || len(tok.SecretHash) != 64 {
			t.Errorf("secret stored as %q", tok.SecretHash)
		}
	})
}

func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "90d": 90 * 24 * time.Hour, "12h": 12 * time.Hour, "30m": 30 * time.Minute} {
		if got, err := ParseExpiry(in); err != nil || got != want {
			t.Errorf("ParseExpiry(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"soon", "-1d", "0d", "99999d", "5x"} {
		if _, err := ParseExpiry(bad); err == nil {
			t.Errorf("ParseExpiry(%q) accepted", bad)
		}
	}
}
