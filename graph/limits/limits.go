// Package limits enforces pactreg's abuse limits on GraphQL requests: page
// sizes, list lengths, selection depth, a per-request query cost and a
// token bucket of cost points per caller. It is a gqlgen handler extension
// that runs after the document is parsed and validated and before anything
// executes, so a refused request never reaches a resolver or the database.
//
// # Cost model
//
// Scalar and enum fields cost 0. An object or list field costs 1 plus the
// cost of its selection. A connection field (its type's name ends in
// "Connection" and it takes first/last) costs
//
//	1 + n × max(1, cost of one edge's node selection)
//
// where n is the effective first or last (the larger if both are given;
// DefaultPage if neither is, or if they are null). totalCount, pageInfo,
// cursor and anything else on the connection or edge beside node cost 0.
// nodes(ids:) is costed like a connection with n = the number of ids.
// Fragments count as if written out, except that fragments on different
// object types of an interface or union never apply to the same object:
// a selection costs what it selects for every type plus the largest of
// the per-type parts. Fields skipped by @skip/@include cost nothing.
// Arithmetic saturates, so a huge query has a huge cost, never a negative
// one.
//
// # Pages
//
// A connection field with neither first nor last is given first:
// DefaultPage; so is one whose first and last are variables that are null
// (or literal nulls). The parsed document is shared between requests (the
// query cache hands out the same pointer for the same text), so it is never
// changed: the executed document is a copy with the argument added,
// memoised per document (and, for null variables, per set of null
// variables). A request's null variables thus bound its pages exactly like
// absent arguments, in the cost and in execution.
//
// # Refusals
//
// A page size (first/last) above MaxPage or below 0, more than MaxIDs ids,
// a list longer than MaxListItems, fields nested deeper than MaxDepth, a
// cost above MaxCost, or a document that expands to more than 100,000
// field occurrences is refused with QUERY_TOO_COMPLEX (extensions.field
// naming the argument or input field where there is one;
// extensions.cost/maxCost for the cost). A Cursor argument that does not
// decode, or whose order value is a map or a list, is refused with
// BAD_USER_INPUT (extensions.field naming the argument), wherever it is:
// below the root ent loads a connection with its parent, before the
// connection's own field runs. So is a cursor whose order value cannot be
// of the field orderBy names (a name where a time or a date is compared;
// the node field's GraphQL type tells, found by the order's name: NAME is
// name); one of another order of the same type is not told apart.
//
// An empty bucket refuses with RATE_LIMITED and extensions.retryAfter (whole seconds, at least 1).
// Errors are *gqlerror.Error wrapping an *apperr.Error, with code, field
// and extensions also in the gqlerror's own extensions. Every costed
// response, refused or not, carries extensions.cost (not the ones refused
// before the limits run, such as invalid documents, nor one whose
// expansion was given up).
//
// # Rate limit
//
// Each rate key (authz.Viewer.RateKey: the credential, or the client
// address) has a token bucket of RateBurst cost points refilled at
// RatePerSecond. A request pays max(1, cost); one refused for a limit pays
// 1, so that a flood of refused queries is throttled too. A request the
// bucket cannot pay is refused and pays nothing. The 10,000 most recently
// used keys are kept.
package limits

import (
	"context"
	"maps"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
)

// Defaults of Config.
const (
	DefaultMaxPage       = 100
	DefaultDefaultPage   = 20
	DefaultMaxIDs        = 100
	DefaultMaxListItems  = 250
	DefaultMaxCost       = 10000
	DefaultMaxDepth      = 15
	DefaultListFanout    = 10
	DefaultRatePerSecond = 200
	DefaultRateBurst     = 20000
)

const (
	// maxVisits caps the field occurrences (fragments expanded) one
	// request may make the analysis visit: a guard against documents
	// whose fragments expand exponentially.
	maxVisits = 100_000
	// rateKeys caps the rate-limit buckets kept (least recently used go).
	rateKeys = 10_000
	// docCacheSize caps the memoised rewritten documents.
	docCacheSize = 1000
	// statsKey is where the computed cost waits in the operation's stats
	// for the response.
	statsKey = "pactreg.limits"
)

// Config sets the limits. Zero (or negative) integer fields take their
// defaults; RatePerSecond 0 disables rate limiting (DefaultConfig enables
// it).
type Config struct {
	// MaxPage caps first and last (default 100).
	MaxPage int
	// DefaultPage is the page size of a connection field given neither
	// first nor last (default 20, at most MaxPage).
	DefaultPage int
	// MaxIDs caps the ids of nodes(ids:) (default 100).
	MaxIDs int
	// MaxListItems caps every list-valued argument or input field, nested
	// ones and those in variables included (default 250).
	MaxListItems int
	// MaxCost caps the cost of one request (default 10000).
	MaxCost int
	// MaxDepth caps how deeply fields nest, fragments expanded (default 15).
	MaxDepth int
	// ListFanout is how many items a plain (non-connection) list field is
	// charged for in the cost (default 10).
	ListFanout int
	// RatePerSecond is how many cost points each rate key gets back per
	// second; 0 disables rate limiting.
	RatePerSecond float64
	// RateBurst is the size of each key's bucket in cost points (default
	// 20000; never less than MaxCost, so any allowed query can be paid).
	RateBurst int
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// DefaultConfig is every limit at its default, rate limiting included.
func DefaultConfig() Config {
	return Config{RatePerSecond: DefaultRatePerSecond, RateBurst: DefaultRateBurst}
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxPage, DefaultMaxPage)
	def(&c.DefaultPage, DefaultDefaultPage)
	def(&c.MaxIDs, DefaultMaxIDs)
	def(&c.MaxListItems, DefaultMaxListItems)
	def(&c.MaxCost, DefaultMaxCost)
	def(&c.MaxDepth, DefaultMaxDepth)
	def(&c.ListFanout, DefaultListFanout)
	c.DefaultPage = min(c.DefaultPage, c.MaxPage)
	if c.RatePerSecond < 0 {
		c.RatePerSecond = 0
	}
	if c.RatePerSecond > 0 {
		def(&c.RateBurst, DefaultRateBurst)
		c.RateBurst = max(c.RateBurst, c.MaxCost)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Limits is the handler extension: srv.Use(limits.New(cfg)).
type Limits struct {
	cfg Config
	// defaultPage is DefaultPage as a GraphQL literal.
	defaultPage string
	docs        *lru.Cache[docKey, *rewritten]
	buckets     *buckets
	schema      *ast.Schema // set by Validate
}

var (
	_ graphql.HandlerExtension        = (*Limits)(nil)
	_ graphql.OperationContextMutator = (*Limits)(nil)
	_ graphql.ResponseInterceptor     = (*Limits)(nil)
)

// New returns the extension enforcing cfg.
func New(cfg Config) *Limits {
	cfg = cfg.withDefaults()
	docs, err := lru.New[docKey, *rewritten](docCacheSize)
	if err != nil {
		panic(err) // only for a non-positive size
	}
	l := &Limits{
		cfg:         cfg,
		defaultPage: strconv.Itoa(cfg.DefaultPage),
		docs:        docs,
	}
	if cfg.RatePerSecond > 0 {
		l.buckets = newBuckets(cfg.RatePerSecond, float64(cfg.RateBurst), rateKeys)
	}
	return l
}

// Config returns the limits in force, defaults filled in.
func (l *Limits) Config() Config { return l.cfg }

// ExtensionName implements graphql.HandlerExtension.
func (l *Limits) ExtensionName() string { return "PactregLimits" }

// Validate implements graphql.HandlerExtension; it keeps the schema, to
// check cursors against the order they are given with.
func (l *Limits) Validate(es graphql.ExecutableSchema) error {
	l.schema = es.Schema()
	return nil
}

// MutateOperationContext checks the operation against the limits, charges
// its cost to the caller's bucket and swaps in the document with default
// page sizes. An error refuses the request before anything executes.
func (l *Limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Doc == nil || oc.Operation == nil {
		return nil
	}
	doc, op := l.executable(oc)
	res := analyse(&l.cfg, l.schema, doc, op, oc.Variables)
	if res.known {
		oc.Stats.SetExtension(statsKey, res.cost)
	}
	refusal := res.refusal
	if l.buckets != nil {
		// Every request pays: at least 1 point, a refused one no more.
		charge := 1
		if refusal == nil {
			charge = max(1, res.cost)
		}
		if ok, wait := l.buckets.take(authz.FromContext(ctx).RateKey(), charge, l.cfg.Now()); !ok {
			refusal = &problem{err: apperr.New(apperr.RateLimited, "",
				"rate limit exceeded: this request needs %d of your cost points, which refill at %g per second; retry in %d s",
				charge, l.cfg.RatePerSecond, wait)}
			refusal.err.Extensions = map[string]any{"retryAfter": wait}
		}
	}
	if refusal != nil {
		return refusal.gqlError()
	}
	oc.Doc, oc.Operation = doc, op
	return nil
}

// InterceptResponse adds extensions.cost to every response whose
// operation was costed, refused ones included.
func (l *Limits) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if cost, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(statsKey).(int); ok {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = cost
	}
	return resp
}

// problem is a refusal and where in the document it points.
type problem struct {
	err *apperr.Error
	pos *ast.Position
}

// gqlError wraps the *apperr.Error (for pactreg's presenter) and mirrors
// its code, field and extensions in the gqlerror's own extensions, so any
// presenter shows them.
func (p *problem) gqlError() *gqlerror.Error {
	e := gqlerror.WrapPath(nil, p.err)
	ext := map[string]any{"code": string(p.err.Code)}
	if p.err.Field != "" {
		ext["field"] = p.err.Field
	}
	maps.Copy(ext, p.err.Extensions)
	e.Extensions = ext
	if p.pos != nil {
		e.Locations = []gqlerror.Location{{Line: p.pos.Line, Column: p.pos.Column}}
	}
	return e
}
