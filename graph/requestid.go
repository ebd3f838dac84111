package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/pactreg/pactreg/ent/requestid"
)

// RequestID returns the id of the request ctx belongs to, or "" if none.
func RequestID(ctx context.Context) string { return requestid.FromContext(ctx) }

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return requestid.NewContext(ctx, id)
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validRequestID accepts a caller's X-Request-Id only if it is short and
// plain, so it is safe to log and echo.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// RequestIDMiddleware gives every request an id (the caller's
// X-Request-Id if it is plain, else a new one), in its context and in the
// X-Request-Id response header.
func RequestIDMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
	})
}
