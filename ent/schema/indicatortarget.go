package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/rules"
)

// IndicatorTarget is an indicator's target for a year; its value may be undecided ("x %").
type IndicatorTarget struct {
	ent.Schema
}

// Mixin of the IndicatorTarget.
func (IndicatorTarget) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the IndicatorTarget.
func (IndicatorTarget) Fields() []ent.Field {
	return []ent.Field{
		field.Int("indicator_id").Immutable(),
		field.Int("year").Min(1900).Max(2200).Annotations(entgql.OrderField("YEAR")),
		decimalField("value").Optional().Comment("null while undecided").Field(),
	}
}

// Edges of the IndicatorTarget.
func (IndicatorTarget) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("indicator", Indicator.Type).Ref("targets").Field("indicator_id").Unique().Required().Immutable(),
	}
}

// Indexes of the IndicatorTarget.
func (IndicatorTarget) Indexes() []ent.Index {
	return []ent.Index{index.Fields("indicator_id", "year").Unique()}
}

// Hooks of the IndicatorTarget.
func (IndicatorTarget) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.TargetAfterBaseline(),
	}
}

// Policy of the IndicatorTarget.
func (IndicatorTarget) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the IndicatorTarget.
func (IndicatorTarget) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
