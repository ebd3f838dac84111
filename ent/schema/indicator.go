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

// Indicator is a measure of the STEM barometer: baseline, targets by year, observations.
type Indicator struct {
	ent.Schema
}

// Mixin of the Indicator.
func (Indicator) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Indicator.
func (Indicator) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").Unique().MaxLen(50).Validate(notBlank("code")).Annotations(entgql.OrderField("CODE")),
		nameField("name", "NAME"),
		field.Text("description").Optional(),
		field.Enum("unit").Values("PERCENT", "COUNT", "DKK", "RATIO").Annotations(entgql.Type("IndicatorUnit")),
		field.Enum("direction").Values("HIGHER_IS_BETTER", "LOWER_IS_BETTER").Default("HIGHER_IS_BETTER").
			Annotations(entgql.Type("IndicatorDirection")),
		decimalField("baseline_value").Optional().Field(),
		optionalDate("baseline_on", "BASELINE_ON"),
		field.String("baseline_source").Optional().MaxLen(500),
	}
}

// Edges of the Indicator.
func (Indicator) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("initiatives", Initiative.Type).Ref("indicators"),
		edge.To("targets", IndicatorTarget.Type).Annotations(readOnlyEdge),
		edge.To("observations", Observation.Type).Annotations(readOnlyEdge),
	}
}

// Hooks of the Indicator.
func (Indicator) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.TargetAfterBaseline(),
	}
}

// Policy of the Indicator.
func (Indicator) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Indicator.
func (Indicator) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
