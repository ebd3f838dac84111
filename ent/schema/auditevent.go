package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/changes"
)

// AuditEvent records one change of one entity: who (actor and role), when,
// in which request, what operation, and each changed field before and
// after. Audit events are written in the transaction of the change and can
// never be changed or deleted.
type AuditEvent struct {
	ent.Schema
}

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("time").Immutable().Default(time.Now).
			Annotations(entgql.OrderField("TIME")),
		field.String("actor").Immutable().
			Annotations(entgql.OrderField("ACTOR")),
		field.String("role").Immutable(),
		field.String("request_id").Immutable().Optional(),
		field.Enum("operation").Values("CREATE", "UPDATE", "DELETE").Immutable().
			Annotations(entgql.Type("AuditOperation")),
		field.String("entity_type").Immutable().
			Annotations(entgql.OrderField("ENTITY_TYPE")),
		field.Int("entity_id").Immutable().
			Annotations(entgql.Type("ID")),
		field.JSON("changes", []changes.Field{}).Immutable().
			Annotations(entgql.Type("[FieldChange!]")),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("entity_type", "entity_id"),
		index.Fields("actor"),
		index.Fields("time"),
	}
}

// Policy of the AuditEvent.
func (AuditEvent) Policy() ent.Policy { return authz.AuditEventPolicy() }

// Annotations of the AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField(),
	}
}
