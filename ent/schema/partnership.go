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

// Partnership is an agreement or pact of the partnership (the regional technology pact, the growth partnership agreement …). Its status only moves forward, each step with its date.
type Partnership struct {
	ent.Schema
}

// Mixin of the Partnership.
func (Partnership) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Partnership.
func (Partnership) Fields() []ent.Field {
	return []ent.Field{
		nameField("name", "NAME"),
		field.Enum("kind").Values("TECHNOLOGY_PACT", "GROWTH_PARTNERSHIP_AGREEMENT", "NATIONAL_PACT", "PARTNERSHIP", "OTHER").
			Annotations(entgql.Type("PartnershipKind"), entgql.OrderField("KIND")),
		field.Text("description").Optional(),
		field.Enum("status").Values("DRAFT", "APPROVED", "SIGNED", "ACTIVE", "CLOSED").Default("DRAFT").
			Annotations(entgql.Type("PartnershipStatus"), entgql.OrderField("STATUS"), readOnlyField),
		optionalDateRO("approved_on"),
		optionalDateRO("signed_on"),
		optionalDateRO("activated_on"),
		optionalDateRO("closed_on"),
		field.Int("derived_from_id").Optional().Nillable(),
	}
}

// Edges of the Partnership.
func (Partnership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("derivatives", Partnership.Type).
			Annotations(readOnlyEdge).
			From("derived_from").
			Field("derived_from_id").
			Unique().
			Comment("the pact this one derives from (the regional pact from the national one)"),
		edge.To("bodies", Body.Type).
			Comment("the bodies that run the partnership"),
		edge.To("signatories", Signatory.Type).Annotations(readOnlyEdge),
		edge.To("initiatives", Initiative.Type).Annotations(readOnlyEdge),
		edge.To("decisions", Decision.Type).Annotations(readOnlyEdge),
		edge.To("milestones", Milestone.Type).Annotations(readOnlyEdge),
		edge.To("funding_pools", FundingPool.Type).Annotations(readOnlyEdge),
	}
}

// Hooks of the Partnership.
func (Partnership) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.NoBulkUpdates(),
		rules.References(),
		rules.PartnershipForward(),
		rules.PartnershipNotDerivedFromItself(),
	}
}

// Policy of the Partnership.
func (Partnership) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Partnership.
func (Partnership) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
