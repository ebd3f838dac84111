package authn

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apitoken"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
)

// secretPrefix starts every API token secret, so that secret scanners and
// people can recognise one.
const secretPrefix = "pactreg_"

// newSecret returns a fresh token secret: the prefix and 32 random bytes.
func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random token secret: %w", err)
	}
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashSecret is what pactreg stores of a secret. The secret has 256 bits
// of entropy, so a plain SHA-256 suffices (no password hashing needed).
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// ParseExpiry reads a validity such as 90d, 12h or 30m ("" means none).
func ParseExpiry(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		days, err = strconv.Atoi(n)
		d = time.Duration(days) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 || d > 10*365*24*time.Hour {
		return 0, apperr.BadInput("expiresIn", "%q is not a validity: use e.g. 90d, 12h or 30m (at most 10 years)", s)
	}
	return d, nil
}

// CreateToken creates an API token through c (a transactional client
// when called from a mutation) and returns it with its secret, which is
// never stored and cannot be shown again.
func CreateToken(ctx context.Context, c *ent.Client, name string, role apitoken.Role, expiresIn string, now time.Time) (*ent.APIToken, string, error) {
	validity, err := ParseExpiry(expiresIn)
	if err != nil {
		return nil, "", err
	}
	secret, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	create := c.APIToken.Create().
		SetName(name).
		SetRole(role).
		SetSecretHash(hashSecret(secret)).
		SetPrefix(secret[:len(secretPrefix)+6]).
		SetCreatedBy(authz.FromContext(ctx).Actor)
	if validity > 0 {
		create.SetExpiresAt(now.Add(validity))
	}
	tok, err := create.Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("create API token %q: %w", name, err)
	}
	return tok, secret, nil
}

// RevokeToken revokes the token id (keeping the first revocation time).
func RevokeToken(ctx context.Context, c *ent.Client, id int, now time.Time) (*ent.APIToken, error) {
	tok, err := c.APIToken.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("revoke API token %d: %w", id, err)
	}
	if tok.RevokedAt != nil {
		return tok, nil
	}
	tok, err = tok.Update().SetRevokedAt(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke API token %d: %w", id, err)
	}
	return tok, nil
}

// lastUseEvery is how stale last_used_at may get before a request
// refreshes it (so a busy integration does not write on every request).
const lastUseEvery = time.Minute

// tokenViewer looks a presented secret up and returns its viewer. The
// lookup runs as System: the caller is not yet anyone.
func tokenViewer(ctx context.Context, c *ent.Client, secret string, now time.Time) (authz.Viewer, error) {
	sys := authz.SystemContext(ctx)
	tok, err := c.APIToken.Query().Where(apitoken.SecretHash(hashSecret(secret))).Only(sys)
	if ent.IsNotFound(err) {
		return authz.Viewer{}, errBadCredential("the bearer token is not known")
	}
	if err != nil {
		return authz.Viewer{}, fmt.Errorf("look up API token: %w", err)
	}
	switch {
	case tok.RevokedAt != nil:
		return authz.Viewer{}, errBadCredential("the API token %q was revoked", tok.Name)
	case tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt):
		return authz.Viewer{}, errBadCredential("the API token %q has expired", tok.Name)
	}
	role, err := authz.ParseRole(tok.Role.String())
	if err != nil {
		return authz.Viewer{}, fmt.Errorf("API token %d: %w", tok.ID, err)
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= lastUseEvery {
		// Bookkeeping: the audit trail leaves last_used_at out.
		if err := c.APIToken.UpdateOneID(tok.ID).SetLastUsedAt(now).Exec(sys); err != nil {
			return authz.Viewer{}, fmt.Errorf("record use of API token %d: %w", tok.ID, err)
		}
	}
	return authz.Viewer{Role: role, Actor: tokenActor(tok.Name), Kind: authz.KindAPIToken, TokenID: tok.ID}, nil
}

// tokenActor is how the audit trail, the access log and createdBy name
// the holder of the API token called name: "token:" and the name. An
// admin chooses tokens' names, so without the prefix a token called
// "system", "admin-token", "anonymous" or "oidc:alice" would pass in the
// trail for pactreg itself, the bootstrap secret or a person.
func tokenActor(name string) string {
	return "token:" + name
}
