// Package authz says who is asking (the Viewer in the context) and what
// each role may see and change. The rules themselves are ent privacy
// policies (rules_*.go), so every read and write path obeys them: node,
// nodes, connections, nested edges, totalCount, mutations, exports.
package authz

import (
	"context"
	"fmt"
	"strings"
)

// Role is what a viewer may do. Each role includes the ones below it.
type Role int

// The roles, weakest first.
const (
	// Anonymous reads public registry data: never contact data.
	Anonymous Role = iota
	// Reader (integrations) reads everything, contact data included.
	Reader
	// Editor changes registry and programme data.
	Editor
	// Admin does everything, plus API tokens and the audit log.
	Admin
)

var roleNames = [...]string{"ANONYMOUS", "READER", "EDITOR", "ADMIN"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("Role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if strings.EqualFold(s, n) {
			return Role(i), nil
		}
	}
	return Anonymous, fmt.Errorf("%q is not a role: use READER, EDITOR or ADMIN", s)
}

// Credential kinds a viewer can come by.
const (
	KindAnonymous  = "anonymous"
	KindAdminToken = "admin-token"
	KindAPIToken   = "api-token"
	KindOIDC       = "oidc"
	KindSystem     = "system"
	KindWebhook    = "webhook"
)

// Viewer is who is asking.
type Viewer struct {
	Role Role
	// Actor names the viewer in the audit trail: "token:" and an API
	// token's name, "oidc:" and a subject, "webhook:" and an endpoint's
	// name, "admin-token", "anonymous" or "system". The prefixes keep a
	// chosen name from passing for another kind of actor.
	Actor string
	// Kind is how the viewer authenticated (Kind* constants).
	Kind string
	// TokenID is the API token's id, for KindAPIToken.
	TokenID int
	// ClientIP is the caller's address (rate limits for anonymous callers).
	ClientIP string
}

// Can reports whether v's role includes r.
func (v Viewer) Can(r Role) bool { return v.Role >= r }

// RateKey identifies the viewer for rate limiting: the credential, or the
// client address for anonymous callers.
func (v Viewer) RateKey() string {
	if v.Kind == KindAnonymous || v.Kind == "" {
		return "ip:" + v.ClientIP
	}
	return v.Kind + ":" + v.Actor
}

type viewerKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer of ctx; without one, an anonymous viewer.
func FromContext(ctx context.Context) Viewer {
	if v, ok := ctx.Value(viewerKey{}).(Viewer); ok {
		return v
	}
	return Viewer{Role: Anonymous, Actor: "anonymous", Kind: KindAnonymous}
}

// System is the viewer of pactreg's own writes (demo data, token
// bookkeeping, the audit trail).
var System = Viewer{Role: Admin, Actor: "system", Kind: KindSystem}

// SystemContext returns ctx acting as System.
func SystemContext(ctx context.Context) context.Context { return NewContext(ctx, System) }
