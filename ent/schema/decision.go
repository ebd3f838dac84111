package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/rules"
)

// Decision is what a body decided on a day: an approval, a mandate, a rejection.
type Decision struct {
	ent.Schema
}

// Mixin of the Decision.
func (Decision) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Decision.
func (Decision) Fields() []ent.Field {
	return []ent.Field{
		field.Int("body_id").Immutable().Comment("the deciding body"),
		field.Other("decided_on", dates.Date{}).SchemaType(dateSchemaType).
			Annotations(entgql.Type("Date"), entgql.OrderField("DECIDED_ON")),
		field.String("title").MaxLen(500).Validate(notBlank("title")).Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Optional(),
		field.Enum("outcome").Values("APPROVED", "REJECTED", "POSTPONED", "NOTED").
			Annotations(entgql.Type("DecisionOutcome")),
		field.String("reference").Optional().MaxLen(200).Comment("the case or minutes reference"),
		field.Int("partnership_id").Optional().Nillable(),
		field.Int("initiative_id").Optional().Nillable(),
	}
}

// Edges of the Decision.
func (Decision) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("body", Body.Type).Ref("decisions").Field("body_id").Unique().Required().Immutable(),
		edge.From("partnership", Partnership.Type).Ref("decisions").Field("partnership_id").Unique(),
		edge.From("initiative", Initiative.Type).Ref("decisions").Field("initiative_id").Unique(),
	}
}

// Hooks of the Decision.
func (Decision) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the Decision.
func (Decision) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Decision.
func (Decision) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
