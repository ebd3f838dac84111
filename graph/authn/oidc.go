package authn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/pactreg/pactreg/ent/authz"
)

// OIDCConfig configures tokens from the region's identity provider.
type OIDCConfig struct {
	Issuer     string       // PACTREG_OIDC_ISSUER, e.g. https://login.region.example/realms/x
	Audience   string       // PACTREG_OIDC_AUDIENCE: the client id the token must be issued for (required when Issuer is set)
	RoleClaim  string       // PACTREG_OIDC_ROLE_CLAIM: claim carrying the role(s), a dotted path allowed, e.g. "realm_access.roles"; default "pactreg_role"
	HTTPClient *http.Client // optional, for discovery and JWKS; default: a client with a 10s timeout
}

// DefaultRoleClaim is the role claim used when OIDCConfig.RoleClaim is empty.
const DefaultRoleClaim = "pactreg_role"

// ErrUnavailable marks failures to reach the identity provider (discovery or
// the JWKS): the credential was not judged, so answer 503, not 401.
var ErrUnavailable = errors.New("the identity provider could not be reached to check the token; try again shortly")

// ErrInvalidToken marks a credential that was checked and rejected (401).
var ErrInvalidToken = errors.New("the token is not valid")

// Error is what Verify returns. Error() is a plain sentence, safe to show the
// client (it never contains the token); errors.Is matches ErrInvalidToken or
// ErrUnavailable, and errors.As reaches Cause (e.g. *oidc.TokenExpiredError).
type Error struct {
	Msg   string // plain English, for the client
	Kind  error  // ErrInvalidToken or ErrUnavailable
	Cause error  // the underlying error, for the log (may quote token claims)
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns Kind and Cause.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Cause} }

func invalid(msg string, cause error) *Error {
	return &Error{Msg: msg, Kind: ErrInvalidToken, Cause: cause}
}

// Client-facing messages.
const (
	msgMalformed = "the token is not a well-formed signed JWT"
	msgSignature = "the token's signature is not valid"
	msgExpired   = "the token has expired"
	msgNotYet    = "the token is not valid yet (not-before)"
	msgIssuer    = "the token is not from the configured issuer"
	msgAudience  = "the token was not issued for this service (audience)"
	msgSubject   = "the token does not name its subject"
)

// signingAlgs are the asymmetric algorithms accepted: never "none" or HMAC.
var signingAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.ES256, oidc.ES384, oidc.ES512, oidc.EdDSA,
}

// OIDC verifies bearer JWTs against the issuer's published keys.
type OIDC struct {
	verifier  *oidc.IDTokenVerifier
	issuer    string
	audience  string
	roleClaim string
}

// NewOIDC discovers the issuer (/.well-known/openid-configuration) and
// prepares a verifier. It fails with a clear error when Issuer or Audience is
// empty, or when discovery fails (wrapping ErrUnavailable unless the provider
// answered with a different issuer, which is a configuration mistake).
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("authn: PACTREG_OIDC_ISSUER is empty")
	}
	if cfg.Audience == "" {
		return nil, errors.New("authn: PACTREG_OIDC_AUDIENCE must be set (the client id tokens are issued for) when PACTREG_OIDC_ISSUER is set")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) {
		return nil, fmt.Errorf("authn: PACTREG_OIDC_ISSUER %q differs from the issuer %q the provider reports (they must match exactly, trailing slash included): %w",
			mismatch.Provided, mismatch.Discovered, err)
	}
	if err != nil {
		return nil, fmt.Errorf("authn: OIDC discovery for issuer %q failed: %w: %w", cfg.Issuer, ErrUnavailable, err)
	}
	var meta struct {
		JWKSURL string `json:"jwks_uri"`
	}
	if err := provider.Claims(&meta); err != nil || meta.JWKSURL == "" {
		return nil, fmt.Errorf("authn: the discovery document of %q has no jwks_uri (%v)", cfg.Issuer, err)
	}
	// The key set's context only carries the HTTP client: go-oidc ignores its
	// cancellation and refetches the JWKS whenever a kid is unknown.
	keys := keySet{oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), client), meta.JWKSURL)}
	roleClaim := cfg.RoleClaim
	if roleClaim == "" {
		roleClaim = DefaultRoleClaim
	}
	return &OIDC{
		verifier:  oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{ClientID: cfg.Audience, SupportedSigningAlgs: signingAlgs}),
		issuer:    cfg.Issuer,
		audience:  cfg.Audience,
		roleClaim: roleClaim,
	}, nil
}

// Verify checks the token's signature (against the issuer's JWKS, refetched
// when a key id is unknown, so rotation is handled), issuer, audience, expiry
// and not-before (go-oidc: no leeway on exp, 5 minutes on nbf), then maps it
// to a viewer: Role is the highest recognised value of the role claim (a
// string or an array of strings; none recognised → authz.Anonymous), Actor is
// "oidc:" + sub (preferred_username if sub is empty), Kind is authz.KindOIDC.
// Errors are *Error: see Error, ErrInvalidToken and ErrUnavailable.
func (o *OIDC) Verify(ctx context.Context, rawToken string) (authz.Viewer, error) {
	sig := &sigOutcome{}
	tok, err := o.verifier.Verify(context.WithValue(ctx, sigOutcomeKey{}, sig), rawToken)
	if err != nil {
		return authz.Viewer{}, o.classify(err, sig)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return authz.Viewer{}, invalid(ErrInvalidToken.Error(), err)
	}
	subject := tok.Subject
	if subject == "" {
		subject, _ = claims["preferred_username"].(string)
	}
	if subject == "" {
		return authz.Viewer{}, invalid(msgSubject, errors.New("authn: token has neither sub nor preferred_username"))
	}
	role := authz.Anonymous
	for _, name := range stringsOf(lookup(claims, o.roleClaim)) {
		if r, err := authz.ParseRole(name); err == nil && r > role {
			role = r
		}
	}
	return authz.Viewer{Role: role, Actor: "oidc:" + subject, Kind: authz.KindOIDC}, nil
}

// classify turns a go-oidc failure into an *Error. go-oidc's errors are
// untyped apart from TokenExpiredError, so rather than parse its messages we
// note what the key set saw and, once the signature held, re-read the claims
// in go-oidc's order (iss, aud, exp, nbf) to name the check that failed.
func (o *OIDC) classify(err error, sig *sigOutcome) *Error {
	var expired *oidc.TokenExpiredError
	var claims map[string]any
	switch {
	case !sig.called:
		return invalid(msgMalformed, err) // unparsable, or alg none/HMAC/unsupported
	case sig.err != nil && errors.Unwrap(sig.err) != nil:
		// go-oidc wraps (%w) only a failed JWKS fetch; a key mismatch is a bare errors.New.
		return &Error{Msg: ErrUnavailable.Error(), Kind: ErrUnavailable, Cause: err}
	case sig.err != nil:
		return invalid(msgSignature, err)
	case json.Unmarshal(sig.payload, &claims) != nil:
		return invalid(ErrInvalidToken.Error(), err)
	case claims["iss"] != o.issuer:
		return invalid(msgIssuer, err)
	case !slices.Contains(stringsOf(claims["aud"]), o.audience):
		return invalid(msgAudience, err)
	case errors.As(err, &expired):
		return invalid(msgExpired, err)
	case claims["nbf"] != nil:
		return invalid(msgNotYet, err)
	}
	return invalid(ErrInvalidToken.Error(), err)
}

// lookup finds a claim by name, or else by a dotted path into nested objects.
func lookup(claims map[string]any, path string) any {
	if v, ok := claims[path]; ok {
		return v
	}
	var v any = claims
	for _, key := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[key]
	}
	return v
}

// stringsOf reads a claim that is a string or an array (of which only the
// strings count).
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// sigOutcome records, for one Verify call, what the key set saw.
type sigOutcome struct {
	called  bool
	payload []byte
	err     error
}

type sigOutcomeKey struct{}

// keySet is go-oidc's remote key set, noting its result in the sigOutcome of
// the context (go-oidc flattens key set errors with %v).
type keySet struct{ remote *oidc.RemoteKeySet }

func (k keySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := k.remote.VerifySignature(ctx, jwt)
	if o, ok := ctx.Value(sigOutcomeKey{}).(*sigOutcome); ok {
		*o = sigOutcome{called: true, payload: payload, err: err}
	}
	return payload, err
}

// LooksLikeJWT reports whether a bearer credential is a JWT (three base64url
// segments separated by dots), so the caller can tell OIDC tokens from opaque
// API tokens without trying both.
func LooksLikeJWT(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.TrimLeft(p, base64URLAlphabet) != "" {
			return false
		}
	}
	return true
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
