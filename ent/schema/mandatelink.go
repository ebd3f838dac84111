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

// MandateLink links a task of a body's mandate (kommissorium, by its number) to an initiative that carries it out.
type MandateLink struct {
	ent.Schema
}

// Mixin of the MandateLink.
func (MandateLink) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the MandateLink.
func (MandateLink) Fields() []ent.Field {
	return []ent.Field{
		field.Int("body_id").Immutable(),
		field.Int("task").Positive().Immutable().Comment("the task's number in the body's mandate, from 1"),
		field.Int("initiative_id").Immutable(),
	}
}

// Edges of the MandateLink.
func (MandateLink) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("body", Body.Type).Ref("mandate_links").Field("body_id").Unique().Required().Immutable(),
		edge.From("initiative", Initiative.Type).Ref("mandate_links").Field("initiative_id").Unique().Required().Immutable(),
	}
}

// Indexes of the MandateLink.
func (MandateLink) Indexes() []ent.Index {
	return []ent.Index{index.Fields("body_id", "task", "initiative_id").Unique()}
}

// Hooks of the MandateLink.
func (MandateLink) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.MandateTaskExists(),
	}
}

// Policy of the MandateLink.
func (MandateLink) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the MandateLink.
func (MandateLink) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate())
}
