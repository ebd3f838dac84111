package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/person"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/limits"
)

// TestWebSocketCredentialRevoked: an API token revoked while a WebSocket
// connection made with it is open stops working on that connection, as
// it does over HTTP: the next operation is refused with UNAUTHENTICATED
// (and runs nothing), the connection closes, and a connection that only
// holds a subscription is closed by the periodic check. Both ways of
// sending the credential: connection_init's payload and the upgrade
// request's header.
func TestWebSocketCredentialRevoked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		w := seedWorld(t, db.Client)
		admin.do(fmt.Sprintf(`mutation { updatePerson(id: %d, expectedVersion: 1, input: {email: "secret@example.dk"}) { id } }`, w.person), nil)
		handler := func(recheck time.Duration) *httptest.Server {
			lim := limits.DefaultConfig()
			lim.RatePerSecond = 0
			srv := httptest.NewServer(graph.NewHandler(db.Client, graph.Config{
				Logger:  testLogger(),
				Auth:    authn.Config{AdminToken: testAdminToken, Recheck: recheck},
				Limits:  &lim,
				Changed: db.Changed,
			}))
			t.Cleanup(srv.Close)
			return srv
		}
		token := func(name string) (id, secret string) {
			var created struct {
				CreateApiToken struct {
					Secret string
					Token  struct{ ID string }
				}
			}
			admin.do(`mutation($n: String!) { createApiToken(input: {name: $n, role: EDITOR}) { secret token { id } } }`, &created, "n", name)
			return created.CreateApiToken.Token.ID, created.CreateApiToken.Secret
		}
		revoke := func(id string) {
			admin.do(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, nil, "id", id)
		}
		for _, how := range []string{"payload", "header"} {
			t.Run(how, func(t *testing.T) {
				// An operation after the revocation: refused, nothing written.
				id, secret := token("ws-" + how)
				c, err := dialWS(t, handler(time.Hour), how, "Bearer "+secret)
				if err != nil {
					t.Fatal(err)
				}
				if got := c.run(fmt.Sprintf(`{ node(id: %d) { ... on Person { email } } }`, w.person)); !strings.Contains(got, "secret@example.dk") {
					t.Fatalf("before revocation: %s", got)
				}
				revoke(id)
				if got := c.run(`mutation { createPerson(input: {name: "Written After Revocation"}) { id } }`); !strings.Contains(got, `"UNAUTHENTICATED"`) {
					t.Errorf("an operation with a revoked token: %s", got)
				}
				if n := db.Client.Person.Query().Where(person.Name("Written After Revocation")).CountX(authz.SystemContext(context.Background())); n != 0 {
					t.Errorf("a revoked token wrote %d people over its open WebSocket", n)
				}
				c.closed(t)

				// A subscription alone: the periodic check closes it.
				id, secret = token("ws-sub-" + how)
				if c, err = dialWS(t, handler(50*time.Millisecond), how, "Bearer "+secret); err != nil {
					t.Fatal(err)
				}
				c.send("1", personSubscription)
				revoke(id)
				c.closed(t)
			})
		}
	})
}

// wsClient is one graphql-transport-ws connection, read in the background.
type wsClient struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
	in   chan wsMessage
	n    int
}

// dialWS connects to srv with authorization (unless empty) sent in
// connection_init's payload or in the upgrade request's header (how); it
// returns once the server acknowledged the connection, or the close error
// if it refused it. coder/websocket closes a connection whose read is
// cancelled: it reads in the background until the test ends, answering
// pings.
func dialWS(t *testing.T, srv *httptest.Server, how, authorization string) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}}
	init := map[string]any{}
	switch {
	case authorization == "":
	case how == "header":
		opts.HTTPHeader = http.Header{"Authorization": {authorization}}
	default:
		init["Authorization"] = authorization
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	payload, _ := json.Marshal(init)
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	var ack wsMessage
	if err := wsjson.Read(ctx, conn, &ack); err != nil {
		return nil, err
	}
	if ack.Type != "connection_ack" {
		t.Fatalf("want connection_ack, got %+v", ack)
	}
	c := &wsClient{t: t, ctx: ctx, conn: conn, in: make(chan wsMessage, 16)}
	go func() {
		defer close(c.in)
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return
			}
			if m.Type == "ping" {
				_ = wsjson.Write(ctx, conn, wsMessage{Type: "pong"})
				continue
			}
			c.in <- m
		}
	}()
	return c, nil
}

func (c *wsClient) send(id, query string) {
	p, _ := json.Marshal(map[string]any{"query": query})
	if err := wsjson.Write(c.ctx, c.conn, wsMessage{ID: id, Type: "subscribe", Payload: p}); err != nil {
		c.t.Fatal(err)
	}
}

// run sends query as a new operation and returns its first answer.
func (c *wsClient) run(query string) string {
	c.t.Helper()
	c.n++
	id := fmt.Sprint("op", c.n)
	c.send(id, query)
	for m := range c.in {
		if m.ID == id && (m.Type == "next" || m.Type == "error") {
			return string(m.Payload)
		}
	}
	c.t.Fatalf("the connection closed before %s was answered", id)
	return ""
}

// closed waits (at most 10 s) for the server to close the connection.
func (c *wsClient) closed(t *testing.T) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				return
			}
			if m.Type == "next" && strings.Contains(string(m.Payload), "secret@example.dk") {
				t.Errorf("contact data after revocation: %s", m.Payload)
			}
		case <-timeout:
			t.Fatal("the connection stayed open after its token was revoked")
		}
	}
}
