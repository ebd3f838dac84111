package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/vocab"
)

// NominationRequest is an appointment letter (udpegningsbrev): the body's
// owner asks an organisation to designate someone for a seat allocation.
// It moves DRAFT → SENT → NOMINATED (a nominee is named) or DECLINED, and
// can be WITHDRAWN while open, or once its appointment was cancelled; a
// confirmed nomination becomes an appointment under every appointment rule.
type NominationRequest struct {
	ent.Schema
}

// Mixin of the NominationRequest.
func (NominationRequest) Mixin() []ent.Mixin {
	return registryMixins()
}

// Fields of the NominationRequest.
func (NominationRequest) Fields() []ent.Field {
	ro := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.Enum("status").GoType(vocab.NominationStatus("")).
			Default(string(vocab.Draft)).
			Annotations(entgql.Type("NominationStatus"), entgql.OrderField("STATUS"), ro),
		field.Other("sent_on", dates.Date{}).SchemaType(dateSchemaType).Optional().Nillable().
			Comment("set by sendNominationRequest").
			Annotations(entgql.Type("Date"), entgql.OrderField("SENT_ON"), ro),
		optionalDate("due_on", "DUE_ON"),
		optionalDate("term_starts_on", "TERM_STARTS_ON"),
		field.Other("answered_on", dates.Date{}).SchemaType(dateSchemaType).Optional().Nillable().
			Comment("set by nominate and declineNomination").
			Annotations(entgql.Type("Date"), entgql.OrderField("ANSWERED_ON"), ro),
		field.Int("seat_allocation_id").Immutable(),
		field.Int("organisation_id").Immutable(),
		field.Int("nominee_id").Optional().Nillable().
			Annotations(ro),
		field.Text("note").Optional().Nillable().
			Comment("internal note: null for viewers below READER").
			Annotations(contactData),
	}
}

// Edges of the NominationRequest.
func (NominationRequest) Edges() []ent.Edge {
	ro := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Edge{
		edge.From("seat_allocation", SeatAllocation.Type).
			Ref("nomination_requests").
			Field("seat_allocation_id").
			Unique().Required().Immutable(),
		edge.From("organisation", Organisation.Type).
			Ref("nomination_requests").
			Field("organisation_id").
			Comment("the organisation asked to designate a member").
			Unique().Required().Immutable(),
		edge.From("nominee", Person.Type).
			Ref("nominations").
			Field("nominee_id").
			Unique().
			Annotations(ro),
		edge.To("appointment", Appointment.Type).
			Comment("the appointment a confirmed nomination became").
			Unique().
			Annotations(ro),
	}
}

// Indexes of the NominationRequest.
func (NominationRequest) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("seat_allocation_id"),
		index.Fields("organisation_id"),
		index.Fields("status", "due_on"),
	}
}

// Hooks of the NominationRequest.
func (NominationRequest) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
		rules.DateOrder("sent_on", "due_on"),
	}
}

// Policy of the NominationRequest.
func (NominationRequest) Policy() ent.Policy { return authz.NominationRequestPolicy() }

// Interceptors of the NominationRequest.
func (NominationRequest) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{authz.RedactContactData()}
}

// Annotations of the NominationRequest.
func (NominationRequest) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate(), entgql.MutationUpdate())
}
