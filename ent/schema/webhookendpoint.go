package schema

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/hook"
)

// WebhookEndpoint is an integration's receiver of change events: pactreg
// POSTs each change event of the endpoint's types there, signed with the
// endpoint's secret, with the entity read as the endpoint's role (see
// ent/webhook). Only admins see and manage endpoints.
type WebhookEndpoint struct {
	ent.Schema
}

// Mixin of the WebhookEndpoint: timestamps and a version like every
// registry entity's, except that the dispatcher's advance of event_cursor
// is bookkeeping: it raises no version, keeps updated_at and is left out
// of the audit trail (ent/audit's bookkeeping fields).
func (WebhookEndpoint) Mixin() []ent.Mixin {
	return []ent.Mixin{endpointVersionMixin{}, AuditMixin{}}
}

// endpointVersionMixin is TimeMixin and VersionMixin, but an update that
// sets only event_cursor leaves updated_at and version alone.
type endpointVersionMixin struct {
	mixin.Schema
}

// Fields of the endpointVersionMixin.
func (endpointVersionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT"), readOnlyField),
		field.Time("updated_at").Default(time.Now).
			Annotations(entgql.OrderField("UPDATED_AT"), readOnlyField),
		field.Int("version").Default(1).
			Comment("raised by every update; updates name the version they read").
			Annotations(readOnlyField, entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Hooks of the endpointVersionMixin.
func (endpointVersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if f := m.Fields(); len(f) == 1 && f[0] == "event_cursor" && len(m.AddedFields()) == 0 && len(m.ClearedFields()) == 0 {
				return next.Mutate(ctx, m)
			}
			if err := m.AddField("version", 1); err != nil {
				return nil, fmt.Errorf("bump version of %s: %w", m.Type(), err)
			}
			if err := m.SetField("updated_at", time.Now()); err != nil {
				return nil, fmt.Errorf("touch %s: %w", m.Type(), err)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)}
}

// Fields of the WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Unique().
			MaxLen(100).
			Validate(notBlank("name")).
			Annotations(entgql.OrderField("NAME")),
		field.String("url").
			MaxLen(2000).
			Validate(validateWebhookURL).
			Comment("where deliveries are POSTed: http:// or https://"),
		field.String("secret").
			Sensitive().
			Annotations(entgql.Skip()).
			Comment("the HMAC-SHA256 key of the signatures; shown once, at creation and rotation"),
		field.Strings("types").
			Optional().
			Comment("entity types whose change events are delivered; empty: all"),
		field.Enum("role").
			Values("ANONYMOUS", "READER").
			Default("ANONYMOUS").
			Annotations(entgql.Type("WebhookRole")).
			Comment("the privileges with which a delivery's entity is read"),
		field.Bool("active").
			Default(true).
			Comment("false pauses deliveries; the events in between follow on reactivation"),
		field.Int("event_cursor").
			Default(0).
			Annotations(entgql.Type("ID"), readOnlyField, entgql.Skip(entgql.SkipWhereInput)).
			Comment("the id of the last change event considered for this endpoint (see ent/webhook)"),
	}
}

// Edges of the WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), readOnlyEdge, entgql.RelayConnection()),
	}
}

// Policy of the WebhookEndpoint.
func (WebhookEndpoint) Policy() ent.Policy { return authz.WebhookPolicy() }

// Annotations of the WebhookEndpoint.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return graphQLEntity("webhookEndpoints", entgql.MutationCreate(), entgql.MutationUpdate())
}

// validateWebhookURL accepts absolute http and https URLs without
// credentials or fragment.
func validateWebhookURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q is not an absolute URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q: only http:// and https:// URLs can receive webhooks", s)
	case u.User != nil:
		return fmt.Errorf("the URL must not hold credentials: the signature authenticates pactreg")
	case u.Fragment != "":
		return fmt.Errorf("%q: a URL with a fragment (#…) is not an endpoint", s)
	}
	return nil
}
