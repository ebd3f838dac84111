package graph

import (
	"context"
	"net/http"
	"runtime"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent/apperr"
)

// DefaultMaxConcurrent is how many queries execute at once when
// Config.MaxConcurrent is 0: two per CPU. More at once do not finish
// sooner on the same cores; they only hold more rows in memory together
// (bench/README.md, "an execution cap bounds memory").
func DefaultMaxConcurrent() int { return 2 * runtime.GOMAXPROCS(0) }

// slots is a counting semaphore of execution slots.
type slots chan struct{}

// take waits for a slot until ctx ends; it reports whether it got one. A
// free slot is taken even when ctx has ended (the request's own timeout
// then speaks for itself).
func (s slots) take(ctx context.Context) bool {
	select {
	case s <- struct{}{}:
		return true
	default:
	}
	select {
	case s <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s slots) give() { <-s }

const busyMessage = "the server is busy: no execution slot came free within the request timeout; try again"

// admission lets at most cap(slots) queries execute at once; the others
// wait for a slot within their deadline (the request timeout), then get
// TIMEOUT. It holds the slot only while the operation executes: a client
// still sending its body holds none. Mutations (few and short, serialised
// by the database's write lock anyway) and subscriptions (long-lived,
// executing little) are not counted.
type admission struct{ slots slots }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = admission{}

func (admission) ExtensionName() string                   { return "Admission" }
func (admission) Validate(graphql.ExecutableSchema) error { return nil }
func (a admission) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation != ast.Query {
		return next(ctx)
	}
	if !a.slots.take(ctx) {
		// Not errorResponse: it marks a passed deadline as the request's
		// own timeout, and this one is the server's business.
		graphql.AddError(ctx, apperr.New(apperr.Timeout, "", busyMessage))
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	defer a.slots.give()
	return next(ctx)
}

// admitWith is admission for plain HTTP handlers (the exports, which read
// no body): at most cap(s) requests run at once, the rest wait within their
// deadline (wrap it inside withTimeout), then get 503 TIMEOUT, written by
// writeError.
func admitWith(s slots, writeError func(http.ResponseWriter, int, apperr.Code, string), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.take(r.Context()) {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, apperr.Timeout, busyMessage)
			return
		}
		defer s.give()
		next.ServeHTTP(w, r)
	})
}

// newSlots is the semaphore of cfg.
func (cfg Config) newSlots() slots {
	n := cfg.MaxConcurrent
	if n <= 0 {
		n = DefaultMaxConcurrent()
	}
	return make(slots, n)
}
