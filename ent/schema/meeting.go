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

// Meeting is a meeting of a body, on a date as written.
type Meeting struct {
	ent.Schema
}

// Mixin of the Meeting.
func (Meeting) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Meeting.
func (Meeting) Fields() []ent.Field {
	return append(fuzzyFields("when", "WHEN"),
		field.Int("body_id").Immutable(),
		field.String("title").MaxLen(500).Validate(notBlank("title")).Annotations(entgql.OrderField("TITLE")),
		field.String("location").Optional().MaxLen(300),
		field.Strings("agenda").Optional().Comment("agenda items, in order"),
	)
}

// Edges of the Meeting.
func (Meeting) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("body", Body.Type).Ref("meetings").Field("body_id").Unique().Required().Immutable(),
	}
}

// Hooks of the Meeting.
func (Meeting) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.FuzzyInterval("when"),
	}
}

// Policy of the Meeting.
func (Meeting) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Meeting.
func (Meeting) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
