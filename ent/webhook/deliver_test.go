package webhook

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/webhookdelivery"
	"github.com/pactreg/pactreg/ent/webhookendpoint"
)

// TestSupersededAttemptRecordsNothing: an attempt whose delivery was
// redelivered and claimed again while it was under way records nothing
// when it ends: the newer claim's lease and outcome stand. Attempts alone
// could not tell the two claims apart (a redelivery starts them again), so
// the old attempt's failure set a short backoff over the new claim's lease
// and a third copy went out while the second was under way.
func TestSupersededAttemptRecordsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		c.WebhookEndpoint.Create().SetName("intranet").SetURL("http://127.0.0.1:9/hook").SetSecret("s3cret").
			SetRole(webhookendpoint.RoleANONYMOUS).ExecX(ctx)
		c.Person.Create().SetName("Ny Person").ExecX(ctx)
		x := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := x.enqueue(ctx); err != nil {
			t.Fatal(err)
		}
		first, err := x.claim(ctx, 1)
		if err != nil || len(first) != 1 {
			t.Fatalf("first claim: %v %v", first, err)
		}
		// An admin redelivers it while that attempt is under way, and a
		// dispatcher claims it again.
		id := first[0].ID
		c.WebhookDelivery.UpdateOneID(id).SetStatus(webhookdelivery.StatusPENDING).SetAttempts(0).
			SetNextAttemptAt(time.Now().Add(-time.Second)).ExecX(ctx)
		second, err := x.claim(ctx, 1)
		if err != nil || len(second) != 1 || second[0].Attempts != first[0].Attempts {
			t.Fatalf("second claim: %v %v", second, err)
		}
		x.record(ctx, first[0], 503, "HTTP 503")
		if d := c.WebhookDelivery.GetX(ctx, id); d.LastError != nil || !d.NextAttemptAt.Equal(second[0].NextAttemptAt) {
			t.Fatalf("the superseded attempt recorded: last error %v, next attempt %v (the claim's lease %v)",
				d.LastError, d.NextAttemptAt, second[0].NextAttemptAt)
		}
		x.record(ctx, second[0], 204, "")
		if d := c.WebhookDelivery.GetX(ctx, id); d.Status != webhookdelivery.StatusDELIVERED {
			t.Fatalf("the current attempt's outcome was not recorded: %+v", d)
		}
	})
}
