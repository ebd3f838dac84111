package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/webhook"
	"github.com/pactreg/pactreg/ent/webhookdelivery"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/metrics"
)

// registerWebhookMetrics adds the outbox depth and, for the dispatcher,
// the attempts by outcome; it returns the dispatcher's Observe.
func registerWebhookMetrics(reg *metrics.Registry, db *store.DB) (func(string), error) {
	err := reg.AddGaugeContext("pactreg_webhook_outbox_depth", "Webhook deliveries waiting in the outbox.",
		func(ctx context.Context) (float64, error) {
			n, err := db.Client.WebhookDelivery.Query().
				Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).Count(authz.SystemContext(ctx))
			return float64(n), err
		})
	if err != nil {
		return nil, err
	}
	attempts, err := reg.AddCounter("pactreg_webhook_deliveries_total",
		`Webhook attempts by outcome: "delivered", "retry" (failed, tried again later) or "failed" (gave up).`, "outcome")
	if err != nil {
		return nil, err
	}
	return func(outcome string) { attempts.WithLabelValues(outcome).Inc() }, nil
}

// startWebhooks runs the webhook dispatcher (unless -webhook-workers is 0)
// and returns what stops it: it lets the requests under way finish (each
// within -webhook-timeout), waiting at most that long and a little more.
func startWebhooks(cfg WebhookConfig, db *store.DB, reg *metrics.Registry, log *slog.Logger) (stop func(), err error) {
	observe, err := registerWebhookMetrics(reg, db)
	if err != nil {
		return nil, err
	}
	if cfg.Workers == 0 {
		log.Info("webhooks: this instance sends none (-webhook-workers 0)")
		return func() {}, nil
	}
	d := webhook.New(webhook.Config{
		DB:          db,
		Render:      graph.WebhookRenderer(db.Client),
		Workers:     cfg.Workers,
		MaxAttempts: cfg.MaxAttempts,
		Timeout:     cfg.Timeout,
		Logger:      log,
		Observe:     observe,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(cfg.Timeout + 5*time.Second):
			log.Warn("webhooks: stopped waiting for requests under way; their leases expire and they are sent again")
		}
	}, nil
}
