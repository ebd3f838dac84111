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

// FundingPool is a pool of grant money (the education pool, uddannelsespuljen).
type FundingPool struct {
	ent.Schema
}

// Mixin of the FundingPool.
func (FundingPool) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the FundingPool.
func (FundingPool) Fields() []ent.Field {
	return []ent.Field{
		nameField("name", "NAME"),
		field.Text("description").Optional(),
		field.Int("owner_id").Optional().Nillable(),
		field.Int("partnership_id").Optional().Nillable(),
	}
}

// Edges of the FundingPool.
func (FundingPool) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", Organisation.Type).Ref("funding_pools").Field("owner_id").Unique(),
		edge.From("partnership", Partnership.Type).Ref("funding_pools").Field("partnership_id").Unique(),
		edge.To("rounds", FundingRound.Type).Annotations(readOnlyEdge),
	}
}

// Hooks of the FundingPool.
func (FundingPool) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the FundingPool.
func (FundingPool) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the FundingPool.
func (FundingPool) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
