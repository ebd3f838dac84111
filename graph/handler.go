package graph

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/graph/limits"
	"github.com/pactreg/pactreg/graph/metrics"
	"github.com/pactreg/pactreg/graph/tracing"
)

// Config tunes the GraphQL handler.
type Config struct {
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes caps a request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// Introspection allows schema introspection (GraphiQL needs it).
	Introspection bool
	// Auth says which credentials are accepted (the client is filled in).
	Auth authn.Config
	// Timeout bounds one request's execution; 0 means 10s. (PostgreSQL
	// also gets it as statement_timeout: see store.Config.)
	Timeout time.Duration
	// Limits are the abuse limits (page size, cost, depth, rate); nil
	// means limits.DefaultConfig().
	Limits *limits.Config
	// Changed returns the channel of the next commit (store.DB.Changed),
	// which wakes subscriptions; nil means they poll.
	Changed func() (<-chan struct{}, error)
	// MaxConcurrent caps the queries executing at once, and the exports
	// (each endpoint its own; the rest queue within their timeout); 0 means
	// DefaultMaxConcurrent().
	MaxConcurrent int
	// Origins are the browser origins besides the server's own that may
	// open WebSocket subscriptions (the CORS origins).
	Origins []string
	// Metrics, if set, records each operation (see package metrics).
	Metrics *metrics.Registry
	// Tracing, if set and enabled, makes a span per operation and per
	// resolver field (see package tracing).
	Tracing *tracing.Tracing
	// Driver, if set, is the client's driver, over which the direct read
	// path answers the queries it knows (package direct); nil sends every
	// query through ent.
	Driver dialect.Driver
}

// NewHandler returns the GraphQL endpoint over client: transports, query
// cache, one transaction per mutation, typed errors, panics recovered.
func NewHandler(client *ent.Client, cfg Config) http.Handler {
	log := cfg.logger()
	maxBody := cfg.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = 1 << 20
	}
	srv := handler.New(NewSchema(client, WithChanges(cfg.Changed), WithLogger(log), WithDirectReads(cfg.Driver)))
	srv.AddTransport(httpTransport{maxBodyBytes: maxBody})
	srv.AddTransport(websocketTransport(cfg.auth(client), cfg.Origins))
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(15000)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		// Without introspection, "did you mean …" would still reveal names.
		srv.SetDisableSuggestion(true)
		srv.Use(noIntrospection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	lim := limits.DefaultConfig()
	if cfg.Limits != nil {
		lim = *cfg.Limits
	}
	srv.Use(limits.New(lim))
	// Response interceptors nest in this order: the operation span holds
	// the transaction's statements, and the access log sees the span.
	if cfg.Tracing.Enabled() {
		srv.Use(cfg.Tracing.GraphQL())
	}
	if cfg.Metrics != nil {
		srv.Use(cfg.Metrics.GraphQL())
	}
	srv.Use(accessLog{log: log})
	srv.Use(admission{slots: cfg.newSlots()})
	srv.Use(transactioner{client: client})
	present := presentError(log)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if refuse := checkWebSocketCredential(ctx, present); refuse != nil {
			return refuse
		}
		return next(withNodeCache(ctx))
	})
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic", fmt.Sprint(v))
		return fmt.Errorf("panic: %v", v)
	})
	return cfg.protect(client, srv)
}

// logger is cfg.Logger, or slog.Default().
func (cfg Config) logger() *slog.Logger {
	if cfg.Logger != nil {
		return cfg.Logger
	}
	return slog.Default()
}

// protect wraps h as every endpoint with data is wrapped: a request id,
// the viewer from the credential (401 for a bad one) and the execution
// time limit.
func (cfg Config) protect(client *ent.Client, h http.Handler) http.Handler {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return RequestIDMiddleware(authn.Middleware(cfg.auth(client))(withTimeout(timeout, h)))
}

// auth is the authentication of cfg, checking API tokens in client.
func (cfg Config) auth(client *ent.Client) authn.Config {
	auth := cfg.Auth
	auth.Client = client
	if auth.Logger == nil {
		auth.Logger = cfg.logger()
	}
	return auth
}

// DefaultTimeout bounds a request's execution.
const DefaultTimeout = 10 * time.Second

// withTimeout gives each request a deadline: the database calls under it
// are cancelled when it passes, and the client gets TIMEOUT. A WebSocket
// lives as long as its subscriptions: its reads have their own limits.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
