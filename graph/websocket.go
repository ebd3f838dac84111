package graph

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/graph/authn"
)

// websocketTransport serves subscriptions over WebSocket (graphql-ws and
// graphql-transport-ws). Browsers cannot set headers on a WebSocket, so
// the credential may also come in connection_init's payload as
// {"Authorization": "Bearer …"}; a refused one closes the connection, and
// so does one refused later (wsCredential).
// Only the server's own origin and the configured ones may connect from a
// browser page.
func websocketTransport(auth authn.Config, origins []string) transport.Websocket {
	return transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: originHosts(origins)},
		},
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			header := p.Authorization()
			if header == "" {
				header = authn.Credential(ctx) // the upgrade request's
			}
			if header == "" {
				return ctx, nil, nil // anonymous
			}
			v, err := auth.Authenticate(ctx, header)
			if err != nil {
				return ctx, nil, err
			}
			v.ClientIP = authz.FromContext(ctx).ClientIP
			ctx, closeConn := context.WithCancel(ctx)
			c := &wsCredential{auth: auth, header: header, close: closeConn}
			go c.watch(ctx, cmp.Or(auth.Recheck, authn.DefaultRecheck))
			return context.WithValue(authz.NewContext(ctx, v), wsCredentialKey{}, c), nil, nil
		},
	}
}

// wsCredential is the credential a WebSocket connection authenticated
// with. A connection lives long, and its credential may be revoked or
// expire meanwhile (an API token's revocation or expiry, a JWT's exp).
// So every operation on the connection checks it again before it runs
// (checkWebSocketCredential), and so does a timer every auth.Recheck, which
// ends open subscriptions; once it is refused, the connection closes.
type wsCredential struct {
	auth   authn.Config
	header string
	close  context.CancelFunc // closes the connection
}

type wsCredentialKey struct{}

// check authenticates the credential again and closes the connection if
// it is refused. An error that is not a refusal (the database or the
// identity provider unavailable) leaves the connection open.
func (c *wsCredential) check(ctx context.Context) error {
	_, err := c.auth.Authenticate(ctx, c.header)
	if authn.Refused(err) {
		c.close()
	}
	return err
}

// watch checks the credential every period until ctx ends or it is
// refused.
func (c *wsCredential) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.check(ctx); authn.Refused(err) {
				return
			}
		}
	}
}

// checkWebSocketCredential refuses an operation on a WebSocket connection
// whose credential is no longer accepted (UNAUTHENTICATED; the connection
// closes) or cannot be checked right now (INTERNAL); other operations pass.
func checkWebSocketCredential(ctx context.Context) *gqlerror.Error {
	c, _ := ctx.Value(wsCredentialKey{}).(*wsCredential)
	if c == nil {
		return nil
	}
	err := c.check(ctx)
	switch {
	case err == nil:
		return nil
	case authn.Refused(err):
		return &gqlerror.Error{Message: err.Error() + "; the connection closes: connect again with a valid credential",
			Extensions: map[string]any{"code": string(apperr.Unauthenticated)}}
	}
	return &gqlerror.Error{Message: "the credential could not be checked right now; try again",
		Extensions: map[string]any{"code": string(apperr.Internal)}}
}

// originHosts are the hosts of the configured origins: a browser page
// from one of them, or from the server's own host, may connect (the
// WebSocket library refuses other origins; clients that send no Origin
// are not browsers and are let in).
func originHosts(origins []string) []string {
	var hosts []string
	for _, o := range origins {
		if o == "*" {
			hosts = append(hosts, "*")
			continue
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}

// isWebSocket reports whether r asks to upgrade to a WebSocket.
func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}
