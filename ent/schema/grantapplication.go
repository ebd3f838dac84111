package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/rules"
)

// GrantApplication is an application to a funding round: requested, granted, and where it stands.
type GrantApplication struct {
	ent.Schema
}

// Mixin of the GrantApplication.
func (GrantApplication) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the GrantApplication.
func (GrantApplication) Fields() []ent.Field {
	return []ent.Field{
		field.Int("round_id").Immutable(),
		field.Int("applicant_id").Immutable(),
		field.Int("initiative_id").Optional().Nillable(),
		field.String("title").MaxLen(500).Validate(notBlank("title")).Annotations(entgql.OrderField("TITLE")),
		field.Other("submitted_on", dates.Date{}).SchemaType(dateSchemaType).
			Annotations(entgql.Type("Date"), entgql.OrderField("SUBMITTED_ON")),
		decimalField("amount_requested").Comment("DKK").Field(),
		decimalField("amount_granted").Optional().Comment("DKK; at most the amount requested").Field(),
		field.Enum("status").Values("SUBMITTED", "ELIGIBLE", "GRANTED", "REJECTED", "WITHDRAWN").Default("SUBMITTED").
			Annotations(entgql.Type("GrantStatus"), entgql.OrderField("STATUS")),
	}
}

// Edges of the GrantApplication.
func (GrantApplication) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("round", FundingRound.Type).Ref("applications").Field("round_id").Unique().Required().Immutable(),
		edge.From("applicant", Organisation.Type).Ref("grant_applications").Field("applicant_id").Unique().Required().Immutable(),
		edge.From("initiative", Initiative.Type).Ref("grant_applications").Field("initiative_id").Unique(),
	}
}

// Hooks of the GrantApplication.
func (GrantApplication) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.Grants(),
	}
}

// Policy of the GrantApplication.
func (GrantApplication) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the GrantApplication.
func (GrantApplication) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
