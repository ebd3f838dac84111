package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/changeevent"
	"github.com/pactreg/pactreg/ent/webhookendpoint"
)

// RenderFunc returns the entity id of GraphQL type typ as JSON, read with
// the viewer of ctx
// (so that contact data is blanked below READER), or nil when it is gone
// or hidden from that viewer. graph.WebhookRenderer renders it as the
// GraphQL API does.
type RenderFunc func(ctx context.Context, typ string, id int) (json.RawMessage, error)

// Payload is the body of a delivery.
type Payload struct {
	// ID is the delivery's idempotency key, as in the headers.
	ID string `json:"id"`
	// Event is the change event, with the change feed's field names.
	Event Event `json:"event"`
	// Node is the entity as it is at the attempt (not as it was at the
	// event: the feed keeps no values), read with the endpoint's role;
	// null when it has been deleted.
	Node json.RawMessage `json:"node"`
}

// Event is a change event as the feed (ChangeEvent) shows it; ids are
// GraphQL ids.
type Event struct {
	ID         string    `json:"id"`
	EntityType string    `json:"entityType"`
	EntityID   string    `json:"entityID"`
	Operation  string    `json:"operation"`
	Fields     []string  `json:"fields"`
	Time       time.Time `json:"time"`
}

// IdempotencyKey is the key of the delivery of event to endpoint.
func IdempotencyKey(endpoint, event int) string {
	return strconv.Itoa(endpoint) + "-" + strconv.Itoa(event)
}

// Viewer is whom an endpoint reads as: its role, never more than READER.
func Viewer(ep *ent.WebhookEndpoint) authz.Viewer {
	role := authz.Anonymous
	if ep.Role == webhookendpoint.RoleREADER {
		role = authz.Reader
	}
	return authz.Viewer{Role: role, Actor: "webhook:" + ep.Name, Kind: authz.KindWebhook}
}

// body renders the payload of d (with its endpoint and event loaded).
func (x *Dispatcher) body(ctx context.Context, d *ent.WebhookDelivery) ([]byte, error) {
	ep, ev := d.Edges.Endpoint, d.Edges.Event
	p := Payload{
		ID: d.IdempotencyKey,
		Event: Event{
			ID:         strconv.Itoa(ev.ID),
			EntityType: ev.EntityType,
			EntityID:   strconv.Itoa(ev.EntityID),
			Operation:  ev.Operation.String(),
			Fields:     ev.Fields,
			Time:       ev.Time.UTC(),
		},
		Node: json.RawMessage("null"),
	}
	if p.Event.Fields == nil {
		p.Event.Fields = []string{}
	}
	if ev.Operation != changeevent.OperationDELETE && x.cfg.Render != nil {
		n, err := x.cfg.Render(authz.NewContext(ctx, Viewer(ep)), ev.EntityType, ev.EntityID)
		if err != nil {
			return nil, fmt.Errorf("read %s %d: %w", ev.EntityType, ev.EntityID, err)
		}
		if n != nil {
			p.Node = n
		}
	}
	return json.Marshal(p)
}
