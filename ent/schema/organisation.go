package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dk"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Organisation is a legal or public body that can hold seats, nominate
// representatives or own bodies: the region, a municipality, a union …
type Organisation struct {
	ent.Schema
}

// Mixin of the Organisation.
func (Organisation) Mixin() []ent.Mixin {
	return registryMixins()
}

// Fields of the Organisation.
func (Organisation) Fields() []ent.Field {
	return []ent.Field{
		nameField("name", "NAME"),
		field.String("short_name").Optional().MaxLen(100).
			Annotations(entgql.OrderField("SHORT_NAME")),
		field.Enum("kind").GoType(vocab.OrganisationKind("")).
			Annotations(entgql.Type("OrganisationKind"), entgql.OrderField("KIND")),
		field.String("cvr").Optional().Nillable().Unique().
			Validate(dk.ValidateCVR).
			Comment("CVR number: 8 digits, modulus-11 checked"),
		field.String("p_number").Optional().Nillable().
			Validate(dk.ValidatePNumber).
			Comment("P-number of a production unit: 10 digits"),
		field.String("municipality_code").Optional().Nillable().
			Validate(dk.ValidateMunicipalityCode).
			Comment("kommunekode: 3 digits (the four-digit form 0751 is accepted and stored as 751)"),
		field.String("institution_number").Optional().Nillable().
			Validate(dk.ValidateInstitutionNumber).
			Comment("institution number (INSTNR): 6 digits"),
		field.String("website").Optional().MaxLen(2000).Validate(validateWebsite),
		field.String("email").Optional().MaxLen(320).Validate(validateEmail),
		optionalDate("founded_on", "FOUNDED_ON"),
		optionalDate("dissolved_on", "DISSOLVED_ON"),
	}
}

// Edges of the Organisation.
func (Organisation) Edges() []ent.Edge {
	readOnly := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Edge{
		// Membership: municipalities in a business region, unions in a
		// confederation.
		edge.To("members", Organisation.Type).
			From("member_of"),
		edge.To("appointments", Appointment.Type).
			Comment("appointments held on behalf of this organisation").
			Annotations(entgql.RelayConnection(), readOnly),
		edge.To("nomination_requests", NominationRequest.Type).
			Comment("appointment letters addressed to this organisation").
			Annotations(readOnly),
		edge.To("signatures", Signatory.Type).Annotations(readOnly),
		edge.To("led_initiatives", Initiative.Type).Annotations(readOnly),
		edge.To("initiative_roles", InitiativePartner.Type).Annotations(readOnly),
		edge.To("responsible_for", Milestone.Type).Annotations(readOnly),
		edge.To("funding_pools", FundingPool.Type).Annotations(readOnly),
		edge.To("grant_applications", GrantApplication.Type).Annotations(readOnly),
		edge.To("affiliated_people", Person.Type).
			Annotations(readOnly),
		edge.To("owned_bodies", Body.Type).
			Annotations(readOnly),
		edge.To("nominated_seat_allocations", SeatAllocation.Type).
			Annotations(readOnly),
		edge.To("eligible_for", SeatAllocation.Type).
			Comment("seat allocations that name this organisation as eligible").
			Annotations(readOnly),
	}
}

// Indexes of the Organisation.
func (Organisation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name"),
		index.Fields("kind"),
		index.Fields("municipality_code"),
	}
}

// Annotations of the Organisation.
func (Organisation) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}

// Hooks of the Organisation.
func (Organisation) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.NormaliseMunicipalityCode(),
		rules.DateOrder("founded_on", "dissolved_on"),
	}
}

// Policy of the Organisation.
func (Organisation) Policy() ent.Policy { return authz.OrganisationPolicy() }
