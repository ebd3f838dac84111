package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/pactreg/pactreg/ent/authz"
)

// APIToken is a credential for a machine client (an intranet
// integration). Its secret is shown once at creation and stored only as a
// SHA-256 hash.
type APIToken struct {
	ent.Schema
}

// Mixin of the APIToken.
func (APIToken) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, AuditMixin{}}
}

// Fields of the APIToken.
func (APIToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Unique().
			MaxLen(100).
			Validate(notBlank("name")).
			Annotations(entgql.OrderField("NAME")),
		field.Enum("role").
			Values("READER", "EDITOR", "ADMIN").
			Annotations(entgql.Type("TokenRole")),
		field.String("secret_hash").
			Unique().
			Sensitive().
			Immutable().
			Annotations(entgql.Skip()),
		field.String("prefix").
			Immutable().
			Comment("the secret's first characters, to tell tokens apart"),
		field.String("created_by").
			Immutable().
			Comment("who created the token"),
		field.Time("expires_at").Optional().Nillable().Immutable(),
		field.Time("last_used_at").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Policy of the APIToken.
func (APIToken) Policy() ent.Policy { return authz.APITokenPolicy() }

// Annotations of the APIToken.
func (APIToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField("apiTokens"),
		entgql.Type("ApiToken"),
	}
}
