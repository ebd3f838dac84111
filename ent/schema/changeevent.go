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

// ChangeEvent is one entry of the change feed: which entity changed, how,
// and which of its fields, in commit order (ids increase in the order the
// transactions committed; see ent/store's write lock). It is written in
// the transaction of the change, beside its audit event, and tells no
// values: a client reads the entity itself, under its own privileges.
type ChangeEvent struct {
	ent.Schema
}

// Fields of the ChangeEvent.
func (ChangeEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("time").Immutable().Default(time.Now),
		field.String("entity_type").Immutable(),
		field.Int("entity_id").Immutable().
			Annotations(entgql.Type("ID")),
		field.Enum("operation").Values("CREATE", "UPDATE", "DELETE").Immutable().
			Annotations(entgql.Type("ChangeOperation")),
		field.Strings("fields").Immutable().
			Comment("names of the fields and edges the change touched"),
	}
}

// Edges of the ChangeEvent.
func (ChangeEvent) Edges() []ent.Edge {
	return []ent.Edge{
		// The webhook deliveries of the event (the edge is the delivery's).
		edge.To("webhook_deliveries", WebhookDelivery.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of the ChangeEvent.
func (ChangeEvent) Indexes() []ent.Index {
	return []ent.Index{
		// The feed filtered by type reads in id order.
		index.Fields("entity_type"),
	}
}

// Policy of the ChangeEvent.
func (ChangeEvent) Policy() ent.Policy { return authz.ChangeEventPolicy() }

// Annotations of the ChangeEvent.
func (ChangeEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
	}
}
