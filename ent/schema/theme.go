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

// Theme is a theme (tema) that initiatives belong to.
type Theme struct {
	ent.Schema
}

// Mixin of the Theme.
func (Theme) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Theme.
func (Theme) Fields() []ent.Field {
	return []ent.Field{
		nameField("name", "NAME"),
		field.Text("description").Optional(),
	}
}

// Edges of the Theme.
func (Theme) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("initiatives", Initiative.Type).Annotations(readOnlyEdge),
	}
}

// Hooks of the Theme.
func (Theme) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the Theme.
func (Theme) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Theme.
func (Theme) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
