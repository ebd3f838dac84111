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

// InitiativePartner is an organisation taking part in an initiative, in a role.
type InitiativePartner struct {
	ent.Schema
}

// Mixin of the InitiativePartner.
func (InitiativePartner) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the InitiativePartner.
func (InitiativePartner) Fields() []ent.Field {
	return []ent.Field{
		field.Int("initiative_id").Immutable(),
		field.Int("organisation_id").Immutable(),
		field.Enum("role").Values("LEAD", "PARTNER", "FUNDER", "ADVISOR").Default("PARTNER").
			Annotations(entgql.Type("PartnerRole")),
	}
}

// Edges of the InitiativePartner.
func (InitiativePartner) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("initiative", Initiative.Type).Ref("partners").Field("initiative_id").Unique().Required().Immutable(),
		edge.From("organisation", Organisation.Type).Ref("initiative_roles").Field("organisation_id").Unique().Required().Immutable(),
	}
}

// Hooks of the InitiativePartner.
func (InitiativePartner) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the InitiativePartner.
func (InitiativePartner) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the InitiativePartner.
func (InitiativePartner) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
