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

// FundingRound is one call of a funding pool: open from a day, a deadline for applications, a decision, a budget.
type FundingRound struct {
	ent.Schema
}

// Mixin of the FundingRound.
func (FundingRound) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the FundingRound.
func (FundingRound) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pool_id").Immutable(),
		nameField("name", "NAME"),
		optionalDate("opens_on", "OPENS_ON"),
		field.Other("deadline", dates.Date{}).SchemaType(dateSchemaType).
			Annotations(entgql.Type("Date"), entgql.OrderField("DEADLINE")),
		optionalDate("decision_on", "DECISION_ON"),
		field.Int("deciding_body_id").Optional().Nillable(),
		decimalField("budget").Comment("DKK").Field(),
	}
}

// Edges of the FundingRound.
func (FundingRound) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pool", FundingPool.Type).Ref("rounds").Field("pool_id").Unique().Required().Immutable(),
		edge.From("deciding_body", Body.Type).Ref("funding_rounds").Field("deciding_body_id").Unique(),
		edge.To("applications", GrantApplication.Type).Annotations(readOnlyEdge),
	}
}

// Hooks of the FundingRound.
func (FundingRound) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.DateOrder("opens_on", "deadline"),
		rules.DateOrder("deadline", "decision_on"),
		rules.RoundBudget(),
	}
}

// Policy of the FundingRound.
func (FundingRound) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the FundingRound.
func (FundingRound) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
