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

// Initiative is an initiative (indsats) of a partnership: who leads it, with whom, when, with what budget, toward which indicators.
type Initiative struct {
	ent.Schema
}

// Mixin of the Initiative.
func (Initiative) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Initiative.
func (Initiative) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").MaxLen(500).Validate(notBlank("title")).Annotations(entgql.OrderField("TITLE")),
		field.Text("description").Optional(),
		field.Int("partnership_id").Optional().Nillable(),
		field.Int("lead_organisation_id").Optional().Nillable(),
		field.Enum("status").Values("PROPOSED", "APPROVED", "RUNNING", "COMPLETED", "CANCELLED").Default("PROPOSED").
			Annotations(entgql.Type("InitiativeStatus"), entgql.OrderField("STATUS")),
		optionalDate("starts_on", "STARTS_ON"),
		optionalDate("ends_on", "ENDS_ON"),
		decimalField("budget").Optional().Comment("DKK").Field(),
	}
}

// Edges of the Initiative.
func (Initiative) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("partnership", Partnership.Type).Ref("initiatives").Field("partnership_id").Unique(),
		edge.From("themes", Theme.Type).Ref("initiatives"),
		edge.From("lead_organisation", Organisation.Type).Ref("led_initiatives").Field("lead_organisation_id").Unique(),
		edge.To("partners", InitiativePartner.Type).Annotations(readOnlyEdge),
		edge.To("indicators", Indicator.Type).Comment("indicators the initiative contributes to"),
		edge.To("evaluations", Evaluation.Type).Annotations(readOnlyEdge),
		edge.To("decisions", Decision.Type).Annotations(readOnlyEdge),
		edge.To("mandate_links", MandateLink.Type).Annotations(readOnlyEdge),
		edge.To("grant_applications", GrantApplication.Type).Annotations(readOnlyEdge),
	}
}

// Hooks of the Initiative.
func (Initiative) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.DateOrder("starts_on", "ends_on"),
	}
}

// Policy of the Initiative.
func (Initiative) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Initiative.
func (Initiative) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
