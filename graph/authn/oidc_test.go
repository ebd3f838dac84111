package authn

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/pactreg/pactreg/ent/authz"
)

const testAudience = "pactreg"

// idp is a fake identity provider: discovery plus a JWKS it can switch.
type idp struct {
	srv *httptest.Server

	mu       sync.Mutex
	keys     jose.JSONWebKeySet
	jwksDown bool // answer the JWKS with 503
	fetches  int  // JWKS requests served
}

func newIdP(t *testing.T, keys ...jose.JSONWebKey) *idp {
	t.Helper()
	p := &idp{}
	p.setKeys(keys...)
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{
			"issuer":                                p.srv.URL,
			"jwks_uri":                              p.srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.fetches++
		if p.jwksDown {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, p.keys)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// setKeys publishes the public halves of keys.
func (p *idp) setKeys(keys ...jose.JSONWebKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = jose.JSONWebKeySet{}
	for _, k := range keys {
		p.keys.Keys = append(p.keys.Keys, k.Public())
	}
}

func (p *idp) config(roleClaim string) OIDCConfig {
	return OIDCConfig{Issuer: p.srv.URL, Audience: testAudience, RoleClaim: roleClaim, HTTPClient: p.srv.Client()}
}

func (p *idp) verifier(t *testing.T, roleClaim string) *OIDC {
	t.Helper()
	o, err := NewOIDC(context.Background(), p.config(roleClaim))
	if err != nil {
		t.Fatalf("NewOIDC: %v", err)
	}
	return o
}

func newKey(t *testing.T, kid string) jose.JSONWebKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig"}
}

// sign makes a compact JWS of claims with key (alg RS256 unless HMAC bytes).
func sign(t *testing.T, key jose.JSONWebKey, claims map[string]any) string {
	t.Helper()
	alg := jose.RS256
	if _, ok := key.Key.([]byte); ok {
		alg = jose.HS256
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key.Key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", key.KeyID))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// claims are valid claims for p, changed by edits (a nil value deletes).
func (p *idp) claims(edits map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": p.srv.URL, "aud": testAudience, "sub": "alice",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range edits {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestVerify(t *testing.T) {
	key, otherKey := newKey(t, "k1"), newKey(t, "k1")
	p := newIdP(t, key)
	in := func(d time.Duration) int64 { return time.Now().Add(d).Unix() }
	good := sign(t, key, p.claims(map[string]any{"pactreg_role": "READER"}))
	parts := strings.Split(good, ".")

	cases := []struct {
		name      string
		roleClaim string
		token     string
		role      authz.Role
		actor     string
		msg       string // the error message, "" for success
	}{
		{name: "reader", token: good, role: authz.Reader, actor: "oidc:alice"},
		{name: "editor lower case", token: sign(t, key, p.claims(map[string]any{"pactreg_role": "editor"})), role: authz.Editor, actor: "oidc:alice"},
		{name: "admin", token: sign(t, key, p.claims(map[string]any{"pactreg_role": "Admin"})), role: authz.Admin, actor: "oidc:alice"},
		{name: "array: highest wins", token: sign(t, key, p.claims(map[string]any{"pactreg_role": []string{"EDITOR", "READER"}})), role: authz.Editor, actor: "oidc:alice"},
		{name: "nested path", roleClaim: "realm_access.roles",
			token: sign(t, key, p.claims(map[string]any{"realm_access": map[string]any{"roles": []any{"offline_access", "admin", 7}}})),
			role:  authz.Admin, actor: "oidc:alice"},
		{name: "nested path absent", roleClaim: "realm_access.roles", token: good, role: authz.Anonymous, actor: "oidc:alice"},
		{name: "no role claim", token: sign(t, key, p.claims(nil)), role: authz.Anonymous, actor: "oidc:alice"},
		{name: "unknown role", token: sign(t, key, p.claims(map[string]any{"pactreg_role": "SUPERUSER"})), role: authz.Anonymous, actor: "oidc:alice"},
		{name: "audience array", token: sign(t, key, p.claims(map[string]any{"aud": []string{"account", testAudience}, "pactreg_role": "READER"})), role: authz.Reader, actor: "oidc:alice"},
		{name: "no sub: preferred_username", token: sign(t, key, p.claims(map[string]any{"sub": nil, "preferred_username": "bob"})), role: authz.Anonymous, actor: "oidc:bob"},
		{name: "nbf within go-oidc's 5 min leeway", token: sign(t, key, p.claims(map[string]any{"nbf": in(time.Minute)})), role: authz.Anonymous, actor: "oidc:alice"},

		{name: "expired", token: sign(t, key, p.claims(map[string]any{"exp": in(-time.Second)})), msg: msgExpired},
		{name: "no exp", token: sign(t, key, p.claims(map[string]any{"exp": nil})), msg: msgExpired},
		{name: "not yet valid", token: sign(t, key, p.claims(map[string]any{"nbf": in(10 * time.Minute)})), msg: msgNotYet},
		{name: "wrong audience", token: sign(t, key, p.claims(map[string]any{"aud": "someone-else"})), msg: msgAudience},
		{name: "wrong issuer", token: sign(t, key, p.claims(map[string]any{"iss": "https://evil.example"})), msg: msgIssuer},
		{name: "no subject", token: sign(t, key, p.claims(map[string]any{"sub": nil})), msg: msgSubject},
		{name: "other key, same kid", token: sign(t, otherKey, p.claims(nil)), msg: msgSignature},
		{name: "other key, unknown kid", token: sign(t, jose.JSONWebKey{Key: otherKey.Key, KeyID: "k9"}, p.claims(nil)), msg: msgSignature},
		{name: "tampered payload", token: parts[0] + "." + b64(`{"iss":"`+p.srv.URL+`","aud":"pactreg","sub":"alice","exp":9999999999,"pactreg_role":"ADMIN"}`) + "." + parts[2], msg: msgSignature},
		{name: "alg none", token: b64(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + ".", msg: msgMalformed},
		{name: "HS256 with the public key as secret", token: sign(t, jose.JSONWebKey{Key: []byte("the public key bytes, used as an HMAC secret"), KeyID: "k1"}, p.claims(nil)), msg: msgMalformed},
		{name: "garbage", token: "not a token at all", msg: msgMalformed},
		{name: "empty", token: "", msg: msgMalformed},
	}
	verifiers := map[string]*OIDC{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := verifiers[tc.roleClaim]
			if o == nil {
				o = p.verifier(t, tc.roleClaim)
				verifiers[tc.roleClaim] = o
			}
			v, err := o.Verify(context.Background(), tc.token)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("Verify: %v (cause: %v)", err, errors.Unwrap(err))
				}
				want := authz.Viewer{Role: tc.role, Actor: tc.actor, Kind: authz.KindOIDC}
				if v != want {
					t.Fatalf("viewer = %+v, want %+v", v, want)
				}
				return
			}
			assertRejected(t, err, tc.token, tc.msg)
		})
	}
}

// assertRejected checks err is a client-safe *Error saying msg.
func assertRejected(t *testing.T, err error, token, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	if err.Error() != msg {
		t.Errorf("message = %q, want %q (cause: %v)", err.Error(), msg, e.Cause)
	}
	if !errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrUnavailable) {
		t.Errorf("err should be ErrInvalidToken only: %v", err)
	}
	if e.Cause == nil {
		t.Errorf("no cause for the log")
	}
	if token != "" && strings.Contains(err.Error(), token) {
		t.Errorf("message echoes the token")
	}
}

func TestVerifyExpiredKeepsGoOIDCError(t *testing.T) {
	key := newKey(t, "k1")
	p := newIdP(t, key)
	_, err := p.verifier(t, "").Verify(context.Background(), sign(t, key, p.claims(map[string]any{"exp": time.Now().Add(-time.Minute).Unix()})))
	var expired *oidc.TokenExpiredError
	if !errors.As(err, &expired) {
		t.Fatalf("err = %v, want it to wrap *oidc.TokenExpiredError", err)
	}
}

func TestVerifyKeyRotation(t *testing.T) {
	oldKey, newKey := newKey(t, "old"), newKey(t, "new")
	p := newIdP(t, oldKey)
	o := p.verifier(t, "")
	ctx := context.Background()
	if _, err := o.Verify(ctx, sign(t, oldKey, p.claims(nil))); err != nil {
		t.Fatalf("old key before rotation: %v", err)
	}
	p.setKeys(newKey)
	if v, err := o.Verify(ctx, sign(t, newKey, p.claims(map[string]any{"pactreg_role": "EDITOR"}))); err != nil || v.Role != authz.Editor {
		t.Fatalf("new key after rotation: %+v, %v", v, err)
	}
	// Not asserted: that the retired key stops verifying. go-oidc replaces its
	// cache only after waking the waiting Verify, and never expires keys.
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fetches < 2 {
		t.Errorf("JWKS fetched %d times, want a refetch for the unknown kid", p.fetches)
	}
}

func TestVerifyUnavailable(t *testing.T) {
	key := newKey(t, "k1")
	for _, how := range []string{"JWKS answers 503", "server gone"} {
		t.Run(how, func(t *testing.T) {
			p := newIdP(t, key)
			o := p.verifier(t, "")
			if how == "server gone" {
				p.srv.Close()
			} else {
				p.mu.Lock()
				p.jwksDown = true
				p.mu.Unlock()
			}
			token := sign(t, key, p.claims(nil))
			_, err := o.Verify(context.Background(), token)
			if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInvalidToken) {
				t.Fatalf("err = %v, want ErrUnavailable only", err)
			}
			if err.Error() != ErrUnavailable.Error() || strings.Contains(err.Error(), token) {
				t.Errorf("message = %q", err.Error())
			}
		})
	}
}

func TestNewOIDCErrors(t *testing.T) {
	gone := newIdP(t)
	gone.srv.Close()
	slash := newIdP(t).config("")
	slash.Issuer += "/"
	cases := []struct {
		name        string
		cfg         OIDCConfig
		want        string
		unavailable bool
	}{
		{"unreachable issuer", gone.config(""), "discovery for issuer \"" + gone.srv.URL + "\" failed", true},
		{"empty audience", OIDCConfig{Issuer: gone.srv.URL}, "PACTREG_OIDC_AUDIENCE must be set", false},
		{"empty issuer", OIDCConfig{Audience: testAudience}, "PACTREG_OIDC_ISSUER is empty", false},
		{"issuer differs (trailing slash)", slash, "differs from the issuer", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := NewOIDC(context.Background(), tc.cfg)
			if err == nil || o != nil {
				t.Fatalf("NewOIDC = %v, %v; want an error", o, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if errors.Is(err, ErrUnavailable) != tc.unavailable {
				t.Errorf("errors.Is(err, ErrUnavailable) = %v, want %v", !tc.unavailable, tc.unavailable)
			}
		})
	}
}

func TestLooksLikeJWT(t *testing.T) {
	key := newKey(t, "k1")
	cases := map[string]bool{
		sign(t, key, map[string]any{"sub": "x"}):    true,
		"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln": true,
		"a-b_c.d.e":                   true,
		"":                            false,
		"pactreg_3f9a1c0e7b2d":        false,
		"a.b":                         false,
		"a.b.c.d.e":                   false, // JWE, not a JWS
		"a..c":                        false,
		".b.c":                        false,
		"a.b.c=":                      false, // padding is not base64url in JWTs
		"a+b.c.d":                     false,
		"a/b.c.d":                     false,
		"eyJhbGciOiJub25lIn0.e30. ":   false,
		"Bearer eyJhbGciOi.eyJzd.c2l": false,
	}
	for s, want := range cases {
		if got := LooksLikeJWT(s); got != want {
			t.Errorf("LooksLikeJWT(%q) = %v, want %v", s, got, want)
		}
	}
}
