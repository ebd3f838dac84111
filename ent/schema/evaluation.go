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

// Evaluation is an evaluation of an initiative.
type Evaluation struct {
	ent.Schema
}

// Mixin of the Evaluation.
func (Evaluation) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Evaluation.
func (Evaluation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("initiative_id").Immutable(),
		field.Other("evaluated_on", dates.Date{}).SchemaType(dateSchemaType).
			Annotations(entgql.Type("Date"), entgql.OrderField("EVALUATED_ON")),
		field.String("evaluator").MaxLen(300).Validate(notBlank("evaluator")),
		field.Text("summary").Optional(),
		field.Int("rating").Optional().Nillable().Min(1).Max(5).Comment("1 (poor) to 5 (excellent)"),
		field.String("link").Optional().MaxLen(2000).Validate(validateWebsite),
	}
}

// Edges of the Evaluation.
func (Evaluation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("initiative", Initiative.Type).Ref("evaluations").Field("initiative_id").Unique().Required().Immutable(),
	}
}

// Hooks of the Evaluation.
func (Evaluation) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the Evaluation.
func (Evaluation) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Evaluation.
func (Evaluation) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
