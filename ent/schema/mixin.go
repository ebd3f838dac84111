package schema

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/pactreg/pactreg/ent/audit"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/rules"
)

// TimeMixin gives an entity created_at and updated_at.
type TimeMixin struct {
	mixin.Schema
}

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Default(time.Now).
			Annotations(
				entgql.OrderField("CREATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// VersionMixin gives a mutable entity a version, raised by every update,
// so that an update can say which version it read (expectedVersion) and
// lose no one else's change.
type VersionMixin struct {
	mixin.Schema
}

// Fields of the VersionMixin.
func (VersionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("version").
			Default(1).
			Comment("raised by every update; updates name the version they read").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

// Hooks of the VersionMixin.
func (VersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{rules.BumpVersion()}
}

// registryMixins are what every registry entity has: timestamps, a
// version and an audit trail of its changes.
func registryMixins() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, AuditMixin{}}
}

// AuditMixin records every change of the entity in the audit trail, in
// the same transaction.
type AuditMixin struct {
	mixin.Schema
}

// Hooks of the AuditMixin.
func (AuditMixin) Hooks() []ent.Hook {
	return []ent.Hook{audit.Hook()}
}

// dateSchemaType stores a calendar date (GraphQL Date) as SQL DATE on
// PostgreSQL and as ISO text on SQLite, so that no time zone can shift it.
var dateSchemaType = map[string]string{
	dialect.Postgres: "date",
	dialect.SQLite:   "text",
	dialect.MySQL:    "date",
}

// optionalDate is an optional calendar date that orders as orderName.
func optionalDate(name, orderName string) ent.Field {
	return field.Other(name, dates.Date{}).
		SchemaType(dateSchemaType).
		Optional().
		Nillable().
		Annotations(entgql.Type("Date"), entgql.OrderField(orderName))
}

// nameField is a required, non-blank display name.
func nameField(name, orderName string) ent.Field {
	return field.String(name).
		MaxLen(500).
		Validate(notBlank(name)).
		Annotations(entgql.OrderField(orderName))
}

func notBlank(name string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%s must not be empty", name)
		}
		return nil
	}
}

func validateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return fmt.Errorf("%q is not an e-mail address", s)
	}
	return nil
}

func validateWebsite(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not a web address: use http:// or https://", s)
	}
	return nil
}

// graphQLEntity is what every entity is in GraphQL: a Node with a Relay
// connection at the root (named queryField, or the entgql default when
// empty) and the given mutations.
func graphQLEntity(queryField string, mutations ...entgql.MutationOption) []schema.Annotation {
	q := entgql.QueryField()
	if queryField != "" {
		q = entgql.QueryField(queryField)
	}
	return []schema.Annotation{entgql.RelayConnection(), q, entgql.Mutations(mutations...)}
}

// contactData marks a field only READER and above may see: it cannot be
// filtered on (a filter would leak it to anyone), and authz redacts it.
var contactData = entgql.Skip(entgql.SkipWhereInput)

// readOnlyEdge is an edge that no create or update input sets: it is
// written by the registry's own operations (reappoint, replace …).
var readOnlyEdge = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)

// readOnlyField is set only by the registry's own operations, never by a
// create or update input.
var readOnlyField = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)

// optionalDateRO is an optional date set by an operation (a status move),
// not by inputs.
func optionalDateRO(name string) ent.Field {
	return field.Other(name, dates.Date{}).SchemaType(dateSchemaType).Optional().Nillable().
		Annotations(entgql.Type("Date"), readOnlyField)
}
