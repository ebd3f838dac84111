package graph

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

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

// check authenticates the credential again.
func (c *wsCredential) check(ctx context.Context) error {
	_, err := c.auth.Authenticate(ctx, c.header)
	return err
}

// watch checks the credential every period until ctx ends, and closes
// the connection once it is refused. An error that is not a refusal (the
// database or the identity provider unavailable) leaves it open.
func (c *wsCredential) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.check(ctx); authn.Refused(err) {
				c.close()
				return
			}
		}
	}
}

// checkWebSocketCredential checks the credential of an operation's
// WebSocket connection again. It returns nil if there is none or it is
// accepted. Else it returns the response refusing the operation: a refused
// credential gets UNAUTHENTICATED, and the connection closes once that
// answer is written (gqlgen writes a response before it asks for the
// next); one that cannot be checked right now is an internal error,
// presented (logged, with the request id) by present, and the connection
// stays open.
func checkWebSocketCredential(ctx context.Context, present graphql.ErrorPresenterFunc) graphql.ResponseHandler {
	c, _ := ctx.Value(wsCredentialKey{}).(*wsCredential)
	if c == nil {
		return nil
	}
	err := c.check(ctx)
	if err == nil {
		return nil
	}
	refused := authn.Refused(err)
	if refused {
		err = apperr.New(apperr.Unauthenticated, "", "%s; the connection closes: connect again with a valid credential", err)
	} else {
		err = fmt.Errorf("check the WebSocket connection's credential: %w", err)
	}
	answered := false
	return func(ctx context.Context) *graphql.Response {
		if answered {
			if refused {
				c.close()
			}
			return nil
		}
		answered = true
		return errorResponse(graphql.WithResponseContext(ctx, present, graphql.DefaultRecover), err)
	}
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
