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

	"github.com/99designs/gqlgen/client"
	"github.com/coder/websocket"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// wsMessage is a graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscriber is one graphql-transport-ws connection with one subscription.
type subscriber struct {
	t      *testing.T
	events chan wsMessage // next, error and complete messages, read in the background
}

// subscribe connects to srv (with authorization in connection_init's
// payload unless empty) and starts query; it returns once the server
// acknowledged the connection, or the close error if it refused it.
func subscribe(t *testing.T, srv *httptest.Server, authorization, query string) (*subscriber, error) {
	t.Helper()
	c, err := dialWS(t, srv, "payload", authorization)
	if err != nil {
		return nil, err
	}
	c.send("1", query)
	return &subscriber{t: t, events: c.in}, nil
}

// next waits (at most within) for the subscription's next event.
func (s *subscriber) next(within time.Duration) (json.RawMessage, bool) {
	s.t.Helper()
	select {
	case m, ok := <-s.events:
		if !ok || m.Type != "next" {
			s.t.Fatalf("subscription ended: %+v", m)
		}
		return m.Payload, true
	case <-time.After(within):
		return nil, false
	}
}

const personSubscription = `subscription { registryChanged(types: ["Person"]) {
  entityType operation fields node { ... on Person { name email } } } }`

type personChange struct {
	Data struct {
		RegistryChanged struct {
			EntityType, Operation string
			Node                  struct {
				Name  string
				Email *string
			}
		}
	}
	Errors []gqlError
}

// awaitPerson writes people through writer until sub reports one (the
// subscription starts asynchronously: a person written before it started
// is not news to it), and returns what it reported. Bounded: 50 tries.
func awaitPerson(t *testing.T, writer *api, sub *subscriber) personChange {
	t.Helper()
	for i := range 50 {
		writer.do(`mutation($n: String!) { createPerson(input: {name: $n, email: "p@example.dk"}) { id } }`, nil, "n", fmt.Sprintf("Sub %d", i))
		if raw, ok := sub.next(200 * time.Millisecond); ok {
			var got personChange
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
			if len(got.Errors) > 0 {
				t.Fatalf("event errors: %+v", got.Errors)
			}
			return got
		}
	}
	t.Fatal("no event after 50 writes")
	return personChange{}
}

func TestSubscriptionRegistryChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := httptest.NewServer(newHandler(db))
		t.Cleanup(srv.Close)
		admin := newAPI(t, db)
		readerToken := tokenFor(t, db, authz.Reader)

		for _, c := range []struct {
			name, auth string
			wantEmail  bool
		}{
			{"anonymous never sees contact data", "", false},
			{"a reader does", "Bearer " + readerToken, true},
		} {
			t.Run(c.name, func(t *testing.T) {
				sub, err := subscribe(t, srv, c.auth, personSubscription)
				if err != nil {
					t.Fatalf("connection refused: %v", err)
				}
				got := awaitPerson(t, admin.on(t), sub).Data.RegistryChanged
				if got.EntityType != "Person" || got.Operation != "CREATE" || !strings.HasPrefix(got.Node.Name, "Sub ") {
					t.Fatalf("event: %+v", got)
				}
				if (got.Node.Email != nil) != c.wantEmail {
					t.Fatalf("email shown = %v, want %v", got.Node.Email != nil, c.wantEmail)
				}
			})
		}

		t.Run("a bad credential closes the connection", func(t *testing.T) {
			if _, err := subscribe(t, srv, "Bearer not-a-token", personSubscription); err == nil {
				t.Fatal("connection acknowledged with a bad token")
			}
		})

		t.Run("a foreign origin is refused", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			h := http.Header{"Origin": {"https://evil.example"}}
			_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
				&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
			if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("want 403 for a foreign origin, got %v %v", resp, err)
			}
		})
	})
}

// TestSubscriptionAcrossInstances: a subscriber on one server instance
// sees a change made through another instance on the same PostgreSQL
// database (LISTEN/NOTIFY).
func TestSubscriptionAcrossInstances(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	one, other := openURL(t, url), openURL(t, url)
	srv := httptest.NewServer(newHandler(one))
	t.Cleanup(srv.Close)
	sub, err := subscribe(t, srv, "", personSubscription)
	if err != nil {
		t.Fatal(err)
	}
	writer := &api{t: t, db: other, c: client.New(newHandler(other), client.AddHeader("Authorization", "Bearer "+testAdminToken))}
	got := awaitPerson(t, writer, sub).Data.RegistryChanged
	if got.EntityType != "Person" || !strings.HasPrefix(got.Node.Name, "Sub ") {
		t.Fatalf("event: %+v", got)
	}
}
