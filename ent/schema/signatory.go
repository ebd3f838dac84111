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

// Signatory is an organisation that signed a partnership, on a date, by a person.
type Signatory struct {
	ent.Schema
}

// Mixin of the Signatory.
func (Signatory) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Signatory.
func (Signatory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("partnership_id").Immutable(),
		field.Int("organisation_id").Immutable(),
		optionalDate("signed_on", "SIGNED_ON"),
		field.Int("person_id").Optional().Nillable().Comment("who signed"),
	}
}

// Edges of the Signatory.
func (Signatory) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("partnership", Partnership.Type).Ref("signatories").Field("partnership_id").Unique().Required().Immutable(),
		edge.From("organisation", Organisation.Type).Ref("signatures").Field("organisation_id").Unique().Required().Immutable(),
		edge.From("person", Person.Type).Ref("signatures").Field("person_id").Unique(),
	}
}

// Hooks of the Signatory.
func (Signatory) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the Signatory.
func (Signatory) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Signatory.
func (Signatory) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
