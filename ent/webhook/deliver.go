package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/predicate"
	"github.com/pactreg/pactreg/ent/webhookdelivery"
	"github.com/pactreg/pactreg/ent/webhookendpoint"
)

// due are the deliveries a dispatcher may claim now.
func due(now time.Time) []predicate.WebhookDelivery {
	return []predicate.WebhookDelivery{
		webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
		webhookdelivery.NextAttemptAtLTE(now),
		webhookdelivery.HasEndpointWith(webhookendpoint.Active(true)),
	}
}

// claim takes up to n due deliveries (with their endpoint and event) in
// one transaction: it counts their attempt and leases them. Deliveries
// whose last attempt's outcome was never recorded (the dispatcher died)
// and that have no attempts left are FAILED instead.
func (x *Dispatcher) claim(ctx context.Context, n int) (_ []*ent.WebhookDelivery, err error) {
	now := time.Now()
	// Look before opening a transaction: its commit wakes every dispatcher.
	if ok, err := x.client.WebhookDelivery.Query().Where(due(now)...).Exist(ctx); err != nil || !ok {
		return nil, err
	}
	tx, err := x.client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	q := tx.WebhookDelivery.Query().Where(due(now)...).
		Order(webhookdelivery.ByNextAttemptAt(), webhookdelivery.ByID()).Limit(n).
		WithEndpoint().WithEvent()
	rows, err := lockRows(x.cfg.DB.Dialect, q).All(ctx)
	if err != nil {
		return nil, err
	}
	var claimed, spent []int
	var out []*ent.WebhookDelivery
	// The lease also names this claim: only the attempt holding it may
	// record an outcome (deliver). Whole microseconds in UTC (PostgreSQL
	// keeps no finer), so that it reads back equal from either database;
	// two claims of one row are a round trip apart at least, so they never
	// share one (in whole milliseconds, a fast SQLite claimed twice in one).
	lease := now.Add(x.cfg.Lease).UTC().Truncate(time.Microsecond)
	for _, d := range rows {
		if d.Attempts >= x.cfg.MaxAttempts {
			spent = append(spent, d.ID)
			continue
		}
		d.Attempts++
		d.NextAttemptAt = lease
		claimed = append(claimed, d.ID)
		out = append(out, d)
	}
	if len(spent) > 0 {
		err = tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(spent...)).
			SetStatus(webhookdelivery.StatusFAILED).
			SetLastError("gave up: the outcome of the last attempt was never recorded (the server stopped during it)").
			Exec(ctx)
		if err != nil {
			return nil, err
		}
	}
	if len(claimed) > 0 {
		err = tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(claimed...)).
			AddAttempts(1).SetNextAttemptAt(lease).Exec(ctx)
		if err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// untilDue is how long until the next delivery falls due (at most Poll).
func (x *Dispatcher) untilDue(ctx context.Context) (time.Duration, error) {
	next, err := x.client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
			webhookdelivery.HasEndpointWith(webhookendpoint.Active(true))).
		Order(webhookdelivery.ByNextAttemptAt()).First(ctx)
	if ent.IsNotFound(err) {
		return x.cfg.Poll, nil
	}
	if err != nil {
		return x.cfg.Poll, err
	}
	return min(time.Until(next.NextAttemptAt), x.cfg.Poll), nil
}

// deliver sends one claimed delivery and records the outcome.
func (x *Dispatcher) deliver(ctx context.Context, d *ent.WebhookDelivery) {
	code, failure := x.send(ctx, d)
	x.record(ctx, d, code, failure)
}

// record records the outcome of the attempt that claimed d: its status
// code (0: no answer) and why it failed ("" when it succeeded).
func (x *Dispatcher) record(ctx context.Context, d *ent.WebhookDelivery, code int, failure string) {
	now := time.Now()
	// Only this attempt's claim may record: a redelivery, or a claim after
	// the lease expired, changed the lease in between (attempts alone do
	// not tell: a redelivery starts them again).
	u := x.client.WebhookDelivery.Update().Where(webhookdelivery.ID(d.ID),
		webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING), webhookdelivery.Attempts(d.Attempts),
		webhookdelivery.NextAttemptAt(d.NextAttemptAt))
	if code != 0 {
		u.SetLastStatusCode(code)
	}
	outcome := "delivered"
	switch {
	case failure == "":
		u.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(now)
	case d.Attempts >= x.cfg.MaxAttempts:
		outcome = "failed"
		u.SetStatus(webhookdelivery.StatusFAILED).SetLastError(failure)
	default:
		outcome = "retry"
		u.SetLastError(failure).SetNextAttemptAt(now.Add(x.backoff(d.Attempts)))
	}
	n, err := u.Save(ctx)
	switch {
	case err != nil:
		x.log.Warn("webhooks: record the outcome (the lease will expire and it is sent again)",
			"delivery", d.ID, "error", err.Error())
		return
	case n == 0:
		x.log.Info("webhooks: outcome not recorded: the delivery changed meanwhile", "delivery", d.ID)
		return
	}
	if x.cfg.Observe != nil {
		x.cfg.Observe(outcome)
	}
	if failure != "" {
		x.log.Info("webhooks: attempt failed", "delivery", d.ID, "endpoint", d.EndpointID,
			"attempt", d.Attempts, "outcome", outcome, "error", failure)
	}
}

// send makes one attempt; it returns the status code (0: no answer) and
// why the attempt failed ("" when it succeeded).
func (x *Dispatcher) send(ctx context.Context, d *ent.WebhookDelivery) (int, string) {
	body, err := x.body(authz.SystemContext(ctx), d)
	if err != nil {
		x.log.Error("webhooks: render the payload", "delivery", d.ID, "error", err.Error())
		return 0, "pactreg could not read the entity (see its log)"
	}
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Edges.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "the URL cannot be requested"
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderDelivery, d.IdempotencyKey)
	req.Header.Set(HeaderIdempotencyKey, d.IdempotencyKey)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(d.Edges.Endpoint.Secret, ts, body))
	resp, err := x.http.Do(req)
	if err != nil {
		return 0, requestError(err, x.cfg.Timeout)
	}
	defer resp.Body.Close()
	// Read a little of the answer, so that the connection can be reused,
	// and to say what went wrong.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, ""
	}
	msg := "HTTP " + resp.Status
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		msg += " (redirects are not followed: register the final URL)"
	} else if s := printable(answer); s != "" {
		msg += ": " + s
	}
	return resp.StatusCode, short(msg)
}

// requestError says why a request got no answer, without the URL (which
// may carry a token in its query).
func requestError(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return short(err.Error())
}

// printable is the start of a receiver's answer, if it is text.
func printable(b []byte) string {
	if !utf8.Valid(b) {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// maxError bounds a recorded error.
const maxError = 300

func short(s string) string {
	if len(s) <= maxError {
		return s
	}
	cut := maxError
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// backoff is the wait after the nth failed attempt: BackoffBase·2^(n-1),
// at most BackoffMax, less up to half of it at random.
func (x *Dispatcher) backoff(n int) time.Duration {
	d := x.cfg.BackoffBase
	for i := 1; i < n && d < x.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, x.cfg.BackoffMax)
	if d <= 1 {
		return d
	}
	return d - rand.N(d/2)
}

// newViewerContext is ctx as the endpoint reads.
func newViewerContext(ctx context.Context, ep *ent.WebhookEndpoint) context.Context {
	return authz.NewContext(ctx, Viewer(ep))
}
