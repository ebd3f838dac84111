// Package authn turns the credential of an HTTP request into the viewer
// (authz.Viewer) that the data layer's privacy rules judge: the operators'
// bootstrap admin token, an API token, or a JWT from the region's identity
// provider. No credential is ANONYMOUS; a bad, expired or revoked one is
// refused with 401, never silently treated as anonymous.
package authn

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/requestid"
)

// Config says which credentials are accepted.
type Config struct {
	// AdminToken is the operators' bootstrap secret (PACTREG_ADMIN_TOKEN);
	// empty disables it.
	AdminToken string
	// OIDC verifies identity-provider JWTs; nil disables them.
	OIDC *OIDC
	// Client looks API tokens up.
	Client *ent.Client
	// Logger receives failures that are not the caller's fault.
	Logger *slog.Logger
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Recheck is how often a long-lived connection (a WebSocket) checks
	// its credential again; 0 means DefaultRecheck.
	Recheck time.Duration
	// WriteError answers a refusal (a bad credential: 401; one that cannot
	// be checked: 503) in the shape of the endpoint behind the middleware;
	// nil means WriteError (GraphQL's shape).
	WriteError func(w http.ResponseWriter, status int, code apperr.Code, msg string)
}

// DefaultRecheck is Config.Recheck's default.
const DefaultRecheck = 15 * time.Second

// badCredential is a refusal the caller may read; cause is for the log.
type badCredential struct {
	msg   string
	cause error
}

func (e *badCredential) Error() string { return e.msg }
func (e *badCredential) Unwrap() error { return e.cause }

// cause describes err for the log, with the underlying reason (never the
// credential itself) where one is known.
func cause(err error) string {
	var oe *Error
	if errors.As(err, &oe) && oe.Cause != nil {
		return oe.Msg + ": " + oe.Cause.Error()
	}
	return err.Error()
}

func errBadCredential(format string, args ...any) error {
	return &badCredential{msg: fmt.Sprintf(format, args...)}
}

// Middleware puts the request's viewer in its context, or answers 401.
func Middleware(cfg Config) func(http.Handler) http.Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	var adminHash [32]byte
	if cfg.AdminToken != "" {
		adminHash = sha256.Sum256([]byte(cfg.AdminToken))
	}
	writeError := cfg.WriteError
	if writeError == nil {
		writeError = WriteError
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, err := cfg.viewer(r.Context(), r.Header.Get("Authorization"), adminHash, now())
			if err != nil {
				var bad *badCredential
				if errors.As(err, &bad) {
					log.InfoContext(r.Context(), "credential refused", "request_id", requestid.FromContext(r.Context()), "reason", cause(err))
					writeError(w, http.StatusUnauthorized, apperr.Unauthenticated, bad.msg)
					return
				}
				log.ErrorContext(r.Context(), "authentication failed", "request_id", requestid.FromContext(r.Context()), "error", cause(err))
				writeError(w, http.StatusServiceUnavailable, apperr.Internal,
					"the credential could not be checked right now; try again (request id "+requestid.FromContext(r.Context())+")")
				return
			}
			v.ClientIP = clientIP(r)
			ctx := authz.NewContext(r.Context(), v)
			if h := r.Header.Get("Authorization"); h != "" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				// A WebSocket connection checks it again while it lives.
				ctx = context.WithValue(ctx, credentialKey{}, h)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

type credentialKey struct{}

// Credential is the Authorization header that Middleware accepted for a
// WebSocket upgrade request (ctx is the request's), or "".
func Credential(ctx context.Context) string {
	h, _ := ctx.Value(credentialKey{}).(string)
	return h
}

// Refused reports whether err is a refused credential (bad, unknown,
// revoked or expired: 401), not a failure to check it.
func Refused(err error) bool {
	var bad *badCredential
	return errors.As(err, &bad)
}

// Authenticate resolves an Authorization header value ("Bearer …") to its
// viewer, as Middleware does: for credentials that arrive another way,
// such as a WebSocket's connection_init payload. A refused credential is
// an error; an empty header is the anonymous viewer.
func (cfg Config) Authenticate(ctx context.Context, header string) (authz.Viewer, error) {
	var adminHash [32]byte
	if cfg.AdminToken != "" {
		adminHash = sha256.Sum256([]byte(cfg.AdminToken))
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	return cfg.viewer(ctx, header, adminHash, now())
}

// viewer resolves an Authorization header value.
func (cfg Config) viewer(ctx context.Context, header string, adminHash [32]byte, now time.Time) (authz.Viewer, error) {
	if header == "" {
		return authz.FromContext(context.Background()), nil // anonymous
	}
	scheme, cred, ok := strings.Cut(header, " ")
	cred = strings.TrimSpace(cred)
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return authz.Viewer{}, errBadCredential("send credentials as Authorization: Bearer <token>")
	}
	if cfg.AdminToken != "" {
		h := sha256.Sum256([]byte(cred))
		if subtle.ConstantTimeCompare(h[:], adminHash[:]) == 1 {
			return authz.Viewer{Role: authz.Admin, Actor: "admin-token", Kind: authz.KindAdminToken}, nil
		}
	}
	if LooksLikeJWT(cred) {
		if cfg.OIDC == nil {
			return authz.Viewer{}, errBadCredential("identity-provider tokens are not accepted here (no OIDC issuer is configured)")
		}
		v, err := cfg.OIDC.Verify(ctx, cred)
		if err != nil {
			if errors.Is(err, ErrUnavailable) {
				return authz.Viewer{}, err
			}
			return authz.Viewer{}, &badCredential{msg: err.Error(), cause: err}
		}
		return v, nil
	}
	if cfg.Client == nil {
		return authz.Viewer{}, errBadCredential("the bearer token is not known")
	}
	return tokenViewer(ctx, cfg.Client, cred, now)
}

// Challenge sets the WWW-Authenticate header that a 401 answer carries.
func Challenge(w http.ResponseWriter, status int) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
}

// clientIP is the peer address of r (pactreg does not trust forwarding
// headers; put the rate limit of a proxy in the proxy).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// WriteError answers status with one GraphQL-shaped error of code (a
// refusal before any GraphQL runs: credentials, admission).
func WriteError(w http.ResponseWriter, status int, code apperr.Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	Challenge(w, status)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": string(code)}}},
	})
}
