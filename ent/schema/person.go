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

// Person is a representative (or a candidate for a seat).
type Person struct {
	ent.Schema
}

// Mixin of the Person.
func (Person) Mixin() []ent.Mixin {
	return registryMixins()
}

// Fields of the Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		nameField("name", "NAME"),
		field.String("title").Optional().MaxLen(300),
		field.String("email").Optional().Nillable().MaxLen(320).Validate(validateEmail).
			Comment("contact data: null for viewers below READER").
			Annotations(contactData),
		field.String("phone").Optional().Nillable().MaxLen(50).
			Comment("contact data: null for viewers below READER").
			Annotations(contactData),
		field.Int("affiliation_id").Optional().Nillable(),
		field.Enum("gender").GoType(vocab.Gender("")).Optional().Nillable().Default(string(vocab.NotStated)).
			Comment("where recorded, for composition statistics: null for viewers below READER").
			Annotations(entgql.Type("Gender"), contactData),
	}
}

// Edges of the Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("affiliation", Organisation.Type).
			Ref("affiliated_people").
			Field("affiliation_id").
			Unique(),
		edge.To("signatures", Signatory.Type).Annotations(readOnlyEdge),
		edge.To("nominations", NominationRequest.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("appointments", Appointment.Type).
			Annotations(
				entgql.RelayConnection(),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// Indexes of the Person.
func (Person) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name"),
		index.Fields("affiliation_id"),
	}
}

// Annotations of the Person.
func (Person) Annotations() []schema.Annotation {
	return graphQLEntity("people", entgql.MutationCreate(), entgql.MutationUpdate())
}

// Hooks of the Person.
func (Person) Hooks() []ent.Hook {
	return []ent.Hook{
		rules.References(),
	}
}

// Policy of the Person.
func (Person) Policy() ent.Policy { return authz.PersonPolicy() }

// Interceptors of the Person.
func (Person) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{authz.RedactContactData()}
}
