package schema

import (
	"errors"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/sortkeys"
	"github.com/pactreg/pactreg/ent/vocab"
)

// SeatAllocation is a line of a body's composition: so many seats, with a
// role, for a constituency described by the organisation kinds and/or the
// named organisations that may fill them.
type SeatAllocation struct {
	ent.Schema
}

// Mixin of the SeatAllocation.
func (SeatAllocation) Mixin() []ent.Mixin {
	return registryMixins()
}

// Fields of the SeatAllocation.
func (SeatAllocation) Fields() []ent.Field {
	return []ent.Field{
		field.String("label").
			MaxLen(500).
			Validate(notBlank("label")).
			Comment(`the constituency as written, e.g. "Arbejdsgiverorganisationerne"`).
			Annotations(entgql.OrderField("LABEL")),
		field.Int("seats").
			Validate(func(n int) error {
				if n < 1 {
					return errors.New("seats must be at least 1")
				}
				return nil
			}).
			Annotations(entgql.OrderField("SEATS")),
		field.Enum("role").GoType(vocab.SeatRole("")).
			Default(string(vocab.Member)).
			Annotations(entgql.Type("SeatRole"), entgql.OrderField("ROLE")),
		field.JSON("eligible_kinds", []vocab.OrganisationKind{}).
			Optional().
			Comment("organisation kinds that may fill these seats").
			Annotations(entgql.Type("[OrganisationKind!]")),
		field.Int("body_id").Immutable(),
		field.Int("nominating_organisation_id").Optional().Nillable(),
		field.Int("position").
			Optional().
			NonNegative().
			Comment("order within the body as listed; appended at the end when not given").
			Annotations(entgql.OrderField("POSITION")),
	}
}

// Edges of the SeatAllocation.
func (SeatAllocation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("body", Body.Type).
			Ref("seat_allocations").
			Field("body_id").
			Unique().
			Required().
			Immutable(),
		edge.From("nominating_organisation", Organisation.Type).
			Ref("nominated_seat_allocations").
			Field("nominating_organisation_id").
			Unique(),
		edge.From("eligible_organisations", Organisation.Type).
			Ref("eligible_for").
			Comment("named organisations that may fill these seats"),
		edge.To("nomination_requests", NominationRequest.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("appointments", Appointment.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the SeatAllocation.
func (SeatAllocation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("body_id", "position"),
		index.Fields("nominating_organisation_id"),
	}
}

// Annotations of the SeatAllocation.
func (SeatAllocation) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}

// Hooks of the SeatAllocation.
func (SeatAllocation) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.NoBulkUpdates(),
		rules.References(),
		rules.EligibleKinds(),
		rules.DefaultPosition(),
		rules.SeatsHeld(),
		rules.RoleChange(),
	}
}

// Policy of the SeatAllocation.
func (SeatAllocation) Policy() ent.Policy { return authz.SeatAllocationPolicy() }

// Interceptors of the SeatAllocation: a body's allocations are listed by
// position (see sortkeys).
func (SeatAllocation) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{
		sortkeys.Keep[*gen.SeatAllocationQuery](gen.TypeSeatAllocation, seatallocation.Columns, seatallocation.FieldPosition),
	}
}
