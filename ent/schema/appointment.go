package schema

import (
	"slices"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/sortkeys"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Appointment: a person holds a seat of an allocation on behalf of an
// organisation, from starts_on until ends_on (open when not set).
// Appointments are never deleted; ending one sets ends_on.
type Appointment struct {
	ent.Schema
}

// Mixin of the Appointment.
func (Appointment) Mixin() []ent.Mixin {
	return registryMixins()
}

// Fields of the Appointment.
func (Appointment) Fields() []ent.Field {
	return []ent.Field{
		field.Other("starts_on", dates.Date{}).
			SchemaType(dateSchemaType).
			Immutable().
			Annotations(entgql.Type("Date"), entgql.OrderField("STARTS_ON")),
		optionalDate("ends_on", "ENDS_ON"),
		field.Int("person_id").Immutable(),
		field.Int("seat_allocation_id").Immutable(),
		field.Int("on_behalf_of_id").Immutable(),
		field.Enum("end_reason").GoType(vocab.EndReason("")).Optional().Nillable().
			Comment("why the appointment ended early (set by endAppointment, replaceAppointment, dissolution), or CANCELLED: called off before it started (cancelAppointment)").
			Annotations(entgql.Type("EndReason"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("alternate_for_id").Optional().Nillable().Immutable().
			Comment("set for an alternate (suppleant): the member appointment it stands in for; it takes no seat"),
		// Set by the rules when an appointment is made, and cleared only when
		// it is cancelled (ent/rules): not Immutable for that one change.
		field.Int("previous_id").Optional().Nillable().
			Comment("the appointment this one continues (a reappointment of the same person); cleared when this one is cancelled").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("replaces_id").Optional().Nillable().Immutable().
			Comment("the appointment this one replaced (replaceAppointment)").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)),
		field.Text("note").Optional().Nillable().
			Comment("internal note: null for viewers below READER").
			Annotations(contactData),
	}
}

// Edges of the Appointment.
func (Appointment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("appointments").
			Field("person_id").
			Unique().
			Required().
			Immutable(),
		edge.From("seat_allocation", SeatAllocation.Type).
			Ref("appointments").
			Field("seat_allocation_id").
			Unique().
			Required().
			Immutable(),
		edge.From("on_behalf_of", Organisation.Type).
			Ref("appointments").
			Field("on_behalf_of_id").
			Unique().
			Required().
			Immutable(),
		edge.To("alternates", Appointment.Type).
			Comment("the alternates (suppleanter) of this member appointment").
			Annotations(readOnlyEdge).
			From("alternate_for").
			Field("alternate_for_id").
			Unique().
			Immutable(),
		edge.To("next", Appointment.Type).
			Comment("the reappointment that continues this one").
			Unique().
			Annotations(readOnlyEdge).
			From("previous").
			Field("previous_id").
			Unique().
			Annotations(readOnlyEdge),
		edge.To("replaced_by", Appointment.Type).
			Comment("the appointment that replaced this one").
			Unique().
			Annotations(readOnlyEdge).
			From("replaces").
			Field("replaces_id").
			Unique().
			Immutable().
			Annotations(readOnlyEdge),
		edge.From("nomination", NominationRequest.Type).
			Ref("appointment").
			Unique().
			Annotations(readOnlyEdge),
	}
}

// Indexes of the Appointment.
func (Appointment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("seat_allocation_id", "starts_on"),
		index.Fields("person_id", "starts_on"),
		index.Fields("on_behalf_of_id", "starts_on"),
		index.Fields("starts_on"),
		index.Fields("ends_on"),
	}
}

// Annotations of the Appointment.
func (Appointment) Annotations() []schema.Annotation {
	return graphQLEntity("", entgql.MutationCreate())
}

// Hooks of the Appointment.
func (Appointment) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.NoBulkUpdates(),
		rules.References(),
		rules.DateOrder("starts_on", "ends_on", rules.Cancelling),
		rules.Appointments(),
	}
}

// Policy of the Appointment.
func (Appointment) Policy() ent.Policy { return authz.AppointmentPolicy() }

// Interceptors of the Appointment.
func (Appointment) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{
		authz.RedactContactData(),
		// Lists of appointments are sorted by start date (see sortkeys).
		sortkeys.Keep[*gen.AppointmentQuery](gen.TypeAppointment, slices.Concat(appointment.Columns, appointment.ForeignKeys), appointment.FieldStartsOn),
	}
}
