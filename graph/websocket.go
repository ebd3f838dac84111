package graph

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/graph/authn"
)

// websocketTransport serves subscriptions over WebSocket (graphql-ws and
// graphql-transport-ws). Browsers cannot set headers on a WebSocket, so
// the credential may also come in connection_init's payload as
// {"Authorization": "Bearer …"}; a refused one closes the connection.
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
				return ctx, nil, nil // the upgrade request's credential, or anonymous
			}
			v, err := auth.Authenticate(ctx, header)
			if err != nil {
				return ctx, nil, err
			}
			v.ClientIP = authz.FromContext(ctx).ClientIP
			return authz.NewContext(ctx, v), nil, nil
		},
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
