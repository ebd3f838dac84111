package webhook

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/changeevent"
	"github.com/pactreg/pactreg/ent/predicate"
	"github.com/pactreg/pactreg/ent/webhookdelivery"
	"github.com/pactreg/pactreg/ent/webhookendpoint"
)

// NewestEvent is the id of the newest change event (0: none). A new
// endpoint starts there: it is sent what happens after its creation.
func NewestEvent(ctx context.Context, c *ent.Client) (int, error) {
	id, err := c.ChangeEvent.Query().Order(ent.Desc(changeevent.FieldID)).FirstID(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	return id, err
}

// enqueue brings every active endpoint's outbox up to the newest event.
// It opens a transaction only for endpoints that are behind, so that its
// own commits (which wake the dispatchers) settle.
func (x *Dispatcher) enqueue(ctx context.Context) error {
	newest, err := NewestEvent(ctx, x.client)
	if err != nil {
		return fmt.Errorf("read the change feed: %w", err)
	}
	behind, err := x.client.WebhookEndpoint.Query().
		Where(webhookendpoint.Active(true), webhookendpoint.EventCursorLT(newest)).
		IDs(ctx)
	if err != nil {
		return fmt.Errorf("read the endpoints: %w", err)
	}
	for _, id := range behind {
		for {
			more, err := x.enqueueEndpoint(ctx, id)
			if err != nil {
				return fmt.Errorf("endpoint %d: %w", id, err)
			}
			if !more {
				break
			}
		}
	}
	return nil
}

// enqueueEndpoint enqueues one batch of the endpoint's events in one
// transaction and reports whether more may follow. An endpoint locked by
// another dispatcher is skipped: that one is at it.
func (x *Dispatcher) enqueueEndpoint(ctx context.Context, id int) (more bool, err error) {
	tx, err := x.client.Tx(ctx)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	q := tx.WebhookEndpoint.Query().Where(webhookendpoint.ID(id), webhookendpoint.Active(true))
	ep, err := x.lock(q).Only(ctx)
	if ent.IsNotFound(err) {
		return false, tx.Rollback()
	}
	if err != nil {
		return false, err
	}
	// Every event up to the newest one is committed (write transactions
	// commit in id order), so the cursor may pass the ones not wanted.
	hi, err := NewestEvent(ctx, tx.Client())
	if err != nil {
		return false, err
	}
	where := []predicate.ChangeEvent{changeevent.IDGT(ep.EventCursor), changeevent.IDLTE(hi)}
	if len(ep.Types) > 0 {
		where = append(where, changeevent.EntityTypeIn(ep.Types...))
	}
	// Read with the endpoint's role: events of admin-only types stay out.
	events, err := tx.ChangeEvent.Query().Where(where...).
		Order(ent.Asc(changeevent.FieldID)).Limit(x.cfg.Batch).
		All(newViewerContext(ctx, ep))
	if err != nil {
		return false, err
	}
	cursor := hi
	if len(events) == x.cfg.Batch {
		cursor, more = events[len(events)-1].ID, true
	}
	if len(events) > 0 {
		now := time.Now()
		creates := make([]*ent.WebhookDeliveryCreate, len(events))
		for i, e := range events {
			creates[i] = tx.WebhookDelivery.Create().
				SetEndpointID(ep.ID).
				SetEventID(e.ID).
				SetIdempotencyKey(IdempotencyKey(ep.ID, e.ID)).
				SetNextAttemptAt(now).
				SetCreatedAt(now)
		}
		err = tx.WebhookDelivery.CreateBulk(creates...).
			OnConflictColumns(webhookdelivery.FieldIdempotencyKey).DoNothing().Exec(ctx)
		if err != nil {
			return false, fmt.Errorf("enqueue %d deliveries: %w", len(events), err)
		}
	}
	if cursor != ep.EventCursor {
		if err = tx.WebhookEndpoint.UpdateOneID(ep.ID).SetEventCursor(cursor).Exec(ctx); err != nil {
			return false, fmt.Errorf("advance the cursor: %w", err)
		}
	}
	return more, tx.Commit()
}

// lockable is a generated query that can lock its rows.
type lockable[Q any] interface {
	ForUpdate(...sql.LockOption) Q
}

// lock makes q lock its rows, skipping rows other transactions hold, on
// PostgreSQL. SQLite has one writer at a time (BEGIN IMMEDIATE) and no
// FOR UPDATE.
func (x *Dispatcher) lock(q *ent.WebhookEndpointQuery) *ent.WebhookEndpointQuery {
	return lockRows(x.cfg.DB.Dialect, q)
}

func lockRows[Q lockable[Q]](d string, q Q) Q {
	if d != dialect.Postgres {
		return q
	}
	return q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
}
