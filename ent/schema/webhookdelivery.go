package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/pactreg/pactreg/ent/authz"
)

// WebhookDelivery is one change event on its way to one endpoint: the
// outbox row the dispatcher claims, and afterwards the delivery log (status,
// attempts, last outcome). It is written by pactreg alone, outside the
// audit trail (it is a log itself).
type WebhookDelivery struct {
	ent.Schema
}

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("endpoint_id").Immutable().
			Annotations(entgql.Type("ID")),
		field.Int("event_id").Immutable().
			Annotations(entgql.Type("ID")),
		field.String("idempotency_key").Unique().Immutable().
			Comment("<endpoint id>-<event id>: the same on every attempt, for the receiver to drop repeats"),
		field.Enum("status").Values("PENDING", "DELIVERED", "FAILED").Default("PENDING").
			Annotations(entgql.Type("WebhookDeliveryStatus"), entgql.OrderField("STATUS")),
		field.Int("attempts").Default(0).
			Comment("requests started so far"),
		field.Time("next_attempt_at").
			Annotations(entgql.OrderField("NEXT_ATTEMPT_AT")).
			Comment("when the delivery is due (while one is under way: when its lease ends)"),
		field.Int("last_status_code").Optional().Nillable().
			Comment("the HTTP status of the last answer"),
		field.String("last_error").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("why the last failed attempt failed, in short"),
		field.Time("delivered_at").Optional().Nillable(),
		field.Time("created_at").Immutable().Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT")),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").
			Unique().Required().Immutable(),
		edge.From("event", ChangeEvent.Type).Ref("webhook_deliveries").Field("event_id").
			Unique().Required().Immutable(),
	}
}

// Indexes of the WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		// The dispatcher claims due PENDING deliveries, oldest due first.
		index.Fields("status", "next_attempt_at"),
		index.Fields("created_at"),
	}
}

// Policy of the WebhookDelivery.
func (WebhookDelivery) Policy() ent.Policy { return authz.WebhookPolicy() }

// Annotations of the WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField("webhookDeliveries"),
	}
}
