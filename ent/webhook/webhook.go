// Package webhook delivers the change feed to the webhook endpoints that
// admins register: a Dispatcher per server process enqueues each endpoint's
// change events into a persisted outbox (WebhookDelivery rows) and POSTs
// them, signed, retrying with exponential backoff until the receiver
// answers 2xx or the attempts run out.
//
// Enqueueing reads the durable change feed, not hooks: each endpoint has a
// cursor (event_cursor), and one transaction per endpoint locks its row
// (FOR UPDATE SKIP LOCKED on PostgreSQL), inserts the deliveries of the
// events after the cursor and advances it, so every event is enqueued once
// per endpoint, whichever process gets there first, and nothing is lost
// by a crash. Deliveries are claimed in a short transaction (FOR UPDATE
// SKIP LOCKED) that counts the attempt and sets a lease (next_attempt_at
// in the future); the request is sent outside any transaction and its
// outcome recorded after. A process that dies mid-request leaves the lease
// to expire, and the delivery is sent again: delivery is at least once,
// and the idempotency key lets the receiver drop repeats.
//
// On PostgreSQL every write transaction also takes pactreg's write lock
// (ent/store), so the enqueue and claim transactions of several processes
// run one at a time anyway; the row locks keep them correct without it.
package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
)

// Config tunes a Dispatcher. Zero values mean the defaults.
type Config struct {
	// DB is the database whose feed and outbox the dispatcher serves.
	DB *store.DB
	// Render reads a delivery's entity (see RenderFunc); nil sends every
	// node as null.
	Render RenderFunc
	// Workers is how many requests may be under way at once; default 4.
	Workers int
	// MaxAttempts is how many requests a delivery gets before it is
	// FAILED; default 8.
	MaxAttempts int
	// Timeout bounds one request; default 10s.
	Timeout time.Duration
	// BackoffBase and BackoffMax: after the nth failed attempt the next
	// one is due after BackoffBase·2^(n-1), at most BackoffMax, less up to
	// half of it at random (jitter); defaults 1s and 1h.
	BackoffBase, BackoffMax time.Duration
	// Lease is how long a claimed delivery stays invisible to other
	// dispatchers before it is tried again; default 60s, and at least
	// twice Timeout.
	Lease time.Duration
	// Poll is how often the dispatcher looks for work when no commit wakes
	// it; default 5s.
	Poll time.Duration
	// Batch is how many events one transaction enqueues for an endpoint;
	// default 500.
	Batch int
	// Logger receives what goes wrong; nil means slog.Default().
	Logger *slog.Logger
	// Observe, if set, is told each attempt's outcome: "delivered",
	// "retry" or "failed" (a metric counts them).
	Observe func(outcome string)
	// HTTPClient sends the requests; nil means one that follows no
	// redirects. Its Timeout is not used: Timeout is.
	HTTPClient *http.Client
}

// Dispatcher enqueues and delivers webhook events; see the package doc.
type Dispatcher struct {
	cfg    Config
	client *ent.Client
	http   *http.Client
	log    *slog.Logger
}

// New returns a dispatcher of cfg (it starts with Run).
func New(cfg Config) *Dispatcher {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.Workers, 4)
	def(&cfg.MaxAttempts, 8)
	def(&cfg.Batch, 500)
	defDur(&cfg.Timeout, 10*time.Second)
	defDur(&cfg.BackoffBase, time.Second)
	defDur(&cfg.BackoffMax, time.Hour)
	defDur(&cfg.Lease, 60*time.Second)
	defDur(&cfg.Poll, 5*time.Second)
	cfg.Lease = max(cfg.Lease, 2*cfg.Timeout)
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{
			Transport: http.DefaultTransport,
			// A redirect is an answer like any other (a failure): pactreg
			// calls only the URL an admin registered.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Dispatcher{cfg: cfg, client: cfg.DB.Client, http: hc, log: cfg.Logger}
}

// minWait keeps the loop from spinning when work it saw was taken by
// another dispatcher in between.
const minWait = 20 * time.Millisecond

// Run enqueues and delivers until ctx ends, then waits for the requests
// under way (each bounded by Timeout) and records their outcomes.
func (x *Dispatcher) Run(ctx context.Context) {
	sys := authz.SystemContext(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, x.cfg.Workers) // one per request under way
	finished := make(chan struct{}, 1)
	for {
		wake := x.changed()
		if err := x.enqueue(sys); err != nil && ctx.Err() == nil {
			x.log.Warn("webhooks: enqueue", "error", err.Error())
		}
		if free := x.cfg.Workers - len(slots); free > 0 {
			claimed, err := x.claim(sys, free)
			if err != nil && ctx.Err() == nil {
				x.log.Warn("webhooks: claim deliveries", "error", err.Error())
			}
			for _, d := range claimed {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					// A delivery under way is finished even when the
					// dispatcher stops: its outcome is recorded.
					x.deliver(context.WithoutCancel(sys), d)
					<-slots
					select {
					case finished <- struct{}{}:
					default:
					}
				}()
			}
		}
		var timer <-chan time.Time
		if len(slots) < x.cfg.Workers {
			wait, err := x.untilDue(sys)
			if err != nil && ctx.Err() == nil {
				x.log.Warn("webhooks: read the outbox", "error", err.Error())
			}
			timer = time.After(max(wait, minWait))
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-finished:
		case <-timer:
		}
	}
}

// changed is the channel of the next commit, or nil (poll) when the
// database cannot tell.
func (x *Dispatcher) changed() <-chan struct{} {
	ch, err := x.cfg.DB.Changed()
	if err != nil {
		x.log.Warn("webhooks: poll, no change notifications", "error", err.Error())
		return nil
	}
	return ch
}
