package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/webhook"
	"github.com/pactreg/pactreg/ent/webhookdelivery"
	"github.com/pactreg/pactreg/ent/webhookendpoint"
	"github.com/pactreg/pactreg/graph/generated"
)

// webhookTypes are the entity types an endpoint may ask for: the feed's,
// less the admin-only ones (an endpoint reads as READER at most).
func webhookTypes() []string {
	return slices.DeleteFunc(slices.Clone(feedTypes()), func(t string) bool {
		return slices.Contains(authz.AdminOnlyTypes, t)
	})
}

// checkWebhookTypes refuses an entity type an endpoint cannot be sent.
func checkWebhookTypes(lists ...[]string) error {
	known := webhookTypes()
	for _, types := range lists {
		for _, t := range types {
			if !slices.Contains(known, t) {
				return apperr.BadInput("types", "%q is not an entity type an endpoint can be sent; use one of %s", t, strings.Join(known, ", "))
			}
		}
	}
	return nil
}

func (r *Resolver) createWebhookEndpoint(ctx context.Context, input ent.CreateWebhookEndpointInput) (*generated.WebhookEndpointSecret, error) {
	if err := checkWebhookTypes(input.Types); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	// The endpoint is sent what is committed after it: no back-fill.
	newest, err := webhook.NewestEvent(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("read the change feed: %w", err)
	}
	ep, err := c.WebhookEndpoint.Create().SetInput(input).SetSecret(secret).SetEventCursor(newest).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &generated.WebhookEndpointSecret{Endpoint: ep, Secret: secret}, nil
}

func (r *Resolver) updateWebhookEndpoint(ctx context.Context, id, expectedVersion int, input ent.UpdateWebhookEndpointInput) (*ent.WebhookEndpoint, error) {
	if err := checkWebhookTypes(input.Types, input.AppendTypes); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	return updateVersioned(ctx, "webhook endpoint", id, expectedVersion,
		func() (*ent.WebhookEndpoint, error) {
			return c.WebhookEndpoint.UpdateOneID(id).Where(webhookendpoint.Version(expectedVersion)).SetInput(input).Save(ctx)
		},
		func() (int, error) {
			return c.WebhookEndpoint.Query().Where(webhookendpoint.ID(id)).Select(webhookendpoint.FieldVersion).Int(ctx)
		})
}

func (r *Resolver) deleteWebhookEndpoint(ctx context.Context, id int) (int, error) {
	if err := ent.FromContext(ctx).WebhookEndpoint.DeleteOneID(id).Exec(ctx); err != nil {
		return 0, err
	}
	return id, nil
}

func (r *Resolver) rotateWebhookSecret(ctx context.Context, id int) (*generated.WebhookEndpointSecret, error) {
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	ep, err := ent.FromContext(ctx).WebhookEndpoint.UpdateOneID(id).SetSecret(secret).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &generated.WebhookEndpointSecret{Endpoint: ep, Secret: secret}, nil
}

func (r *Resolver) redeliverWebhook(ctx context.Context, id int) (*ent.WebhookDelivery, error) {
	return ent.FromContext(ctx).WebhookDelivery.UpdateOneID(id).
		SetStatus(webhookdelivery.StatusPENDING).
		SetAttempts(0).
		SetNextAttemptAt(time.Now()).
		ClearDeliveredAt().
		Save(ctx)
}
