package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Body is a council, forum, secretariat, committee, working group, project
// group or political body. Its seats are described by seat allocations.
type Body struct {
	ent.Schema
}

// Mixin of the Body.
func (Body) Mixin() []ent.Mixin {
	return registryMixins()
}

// Fields of the Body.
func (Body) Fields() []ent.Field {
	return []ent.Field{
		nameField("name", "NAME"),
		field.String("short_name").Optional().MaxLen(100).
			Annotations(entgql.OrderField("SHORT_NAME")),
		field.Enum("kind").GoType(vocab.BodyKind("")).
			Annotations(entgql.Type("BodyKind"), entgql.OrderField("KIND")),
		field.Text("description").Optional(),
		field.Strings("mandate").Optional().
			Comment("the body's tasks (kommissorium), in order"),
		optionalDate("established_on", "ESTABLISHED_ON"),
		optionalDate("dissolved_on", "DISSOLVED_ON"),
		field.Int("owner_id").Optional().Nillable(),
		field.Int("default_term_months").Optional().Nillable().Positive().
			Comment("term length from which an appointment's ends_on defaults, e.g. 48"),
		field.Int("max_consecutive_terms").Optional().Nillable().Positive().
			Comment("how many consecutive terms one person may hold in this body"),
	}
}

// Edges of the Body.
func (Body) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", Organisation.Type).
			Ref("owned_bodies").
			Field("owner_id").
			Unique(),
		edge.To("seat_allocations", SeatAllocation.Type).
			Comment("in position order").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("advises", Body.Type).
			From("advised_by"),
		edge.From("partnerships", Partnership.Type).Ref("bodies").Annotations(readOnlyEdge),
		edge.To("decisions", Decision.Type).Annotations(readOnlyEdge),
		edge.To("meetings", Meeting.Type).Annotations(readOnlyEdge),
		edge.To("milestones", Milestone.Type).Annotations(readOnlyEdge),
		edge.To("responsible_for", Milestone.Type).Annotations(readOnlyEdge),
		edge.To("funding_rounds", FundingRound.Type).Annotations(readOnlyEdge),
		edge.To("mandate_links", MandateLink.Type).Annotations(readOnlyEdge),
		edge.To("replaces", Body.Type).
			Comment("predecessor bodies this body replaced").
			From("replaced_by"),
	}
}

// Indexes of the Body.
func (Body) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name"),
		index.Fields("owner_id"),
	}
}

// Annotations of the Body.
func (Body) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}

// Hooks of the Body.
func (Body) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.NoBulkUpdates(),
		rules.References(),
		rules.DateOrder("established_on", "dissolved_on"),
		rules.Dissolution(),
		rules.BodyChanges(),
	}
}

// Policy of the Body.
func (Body) Policy() ent.Policy { return authz.BodyPolicy() }
