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

// Milestone is a planned step of a partnership or body, on a date as written, with who is responsible.
type Milestone struct {
	ent.Schema
}

// Mixin of the Milestone.
func (Milestone) Mixin() []ent.Mixin { return registryMixins() }

// Fields of the Milestone.
func (Milestone) Fields() []ent.Field {
	return append(fuzzyFields("planned", "PLANNED"),
		field.String("title").MaxLen(500).Validate(notBlank("title")).Annotations(entgql.OrderField("TITLE")),
		optionalDate("completed_on", "COMPLETED_ON"),
		field.Enum("status").Values("PLANNED", "DONE", "SLIPPED", "CANCELLED").Default("PLANNED").
			Annotations(entgql.Type("MilestoneStatus"), entgql.OrderField("STATUS")),
		field.Int("partnership_id").Optional().Nillable(),
		field.Int("body_id").Optional().Nillable(),
		field.Int("responsible_body_id").Optional().Nillable(),
		field.Int("responsible_organisation_id").Optional().Nillable(),
	)
}

// Edges of the Milestone.
func (Milestone) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("partnership", Partnership.Type).Ref("milestones").Field("partnership_id").Unique(),
		edge.From("body", Body.Type).Ref("milestones").Field("body_id").Unique(),
		edge.From("responsible_body", Body.Type).Ref("responsible_for").Field("responsible_body_id").Unique(),
		edge.From("responsible_organisation", Organisation.Type).Ref("responsible_for").Field("responsible_organisation_id").Unique(),
	}
}

// Hooks of the Milestone.
func (Milestone) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.FuzzyInterval("planned"),
	}
}

// Policy of the Milestone.
func (Milestone) Policy() ent.Policy { return authz.ProgrammePolicy() }

// Annotations of the Milestone.
func (Milestone) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
