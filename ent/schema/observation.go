package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/rules"
)

// Observation is a measured value of an indicator for a period.
type Observation struct {
	ent.Schema
}

// Mixin of the Observation.
func (Observation) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Observation.
func (Observation) Fields() []ent.Field {
	return append(fuzzyFields("period", "PERIOD"),
		field.Int("indicator_id").Immutable(),
		decimalField("value").Field(),
		field.String("source").Optional().MaxLen(500),
		field.Text("note").Optional(),
	)
}

// Edges of the Observation.
func (Observation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("indicator", Indicator.Type).Ref("observations").Field("indicator_id").Unique().Required().Immutable(),
	}
}

// Hooks of the Observation.
func (Observation) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.FuzzyInterval("period"),
	}
}

// Policy of the Observation.
func (Observation) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Observation.
func (Observation) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
