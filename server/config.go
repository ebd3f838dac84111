package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/limits"
)

// Config is everything the server can be told, from flags or environment.
// A flag wins over its environment variable.
type Config struct {
	Addr            string        // -addr, PACTREG_ADDR
	DatabaseURL     string        // -db, PACTREG_DATABASE_URL
	Demo            bool          // -demo, PACTREG_DEMO
	AutoMigrate     bool          // -auto-migrate, PACTREG_AUTO_MIGRATE
	CORSOrigins     []string      // -cors-origins, PACTREG_CORS_ORIGINS
	Introspection   bool          // -introspection, PACTREG_INTROSPECTION
	DirectReads     bool          // -direct-reads, PACTREG_DIRECT_READS
	ShutdownTimeout time.Duration // -shutdown-timeout, PACTREG_SHUTDOWN_TIMEOUT
	LogLevel        string        // -log-level, PACTREG_LOG_LEVEL
	Timeout         time.Duration // -timeout, PACTREG_TIMEOUT
	MaxBodyBytes    int64         // -max-body-bytes, PACTREG_MAX_BODY_BYTES
	MaxConcurrent   int           // -max-concurrent, PACTREG_MAX_CONCURRENT (0: graph.DefaultMaxConcurrent)
	StatementCache  int           // -statement-cache, PACTREG_STATEMENT_CACHE: prepared statements per PostgreSQL connection (0: none)
	Limits          limits.Config // -max-page … -rate-burst, PACTREG_MAX_PAGE …
	PprofAddr       string        // -pprof-addr, PACTREG_PPROF_ADDR
	MetricsAddr     string        // -metrics-addr, PACTREG_METRICS_ADDR: "" main listener, "off", or an address
	Webhooks        WebhookConfig // -webhook-*, PACTREG_WEBHOOK_*
	Runtime         RuntimeConfig // -gc-percent, -memory-limit

	// Credentials come only from the environment, never from flags that
	// other users of the machine could read in the process list.
	AdminToken string     // PACTREG_ADMIN_TOKEN
	OIDC       OIDCConfig // PACTREG_OIDC_*
}

// OIDCConfig is the region's identity provider; an empty Issuer disables it.
type OIDCConfig struct {
	Issuer    string // PACTREG_OIDC_ISSUER
	Audience  string // PACTREG_OIDC_AUDIENCE
	RoleClaim string // PACTREG_OIDC_ROLE_CLAIM
}

// WebhookConfig tunes the webhook dispatcher (see ent/webhook).
type WebhookConfig struct {
	Workers     int           // -webhook-workers: requests under way at once; 0: this instance sends none
	MaxAttempts int           // -webhook-max-attempts
	Timeout     time.Duration // -webhook-timeout: of one request
}

// RuntimeConfig tunes Go's garbage collector (see runtime.go). GOGC and
// GOMEMLIMIT, when set in the environment, win over these.
type RuntimeConfig struct {
	GCPercent   int   // -gc-percent, PACTREG_GC_PERCENT: heap growth between collections, as GOGC
	MemoryLimit int64 // -memory-limit, PACTREG_MEMORY_LIMIT: soft limit in bytes, as GOMEMLIMIT; 0: none (auto: autoMemoryLimit)
}

// setting describes one configuration entry; the README's table lists the same.
type setting struct {
	flag, env, def, usage string
}

var settings = []setting{
	{"addr", "PACTREG_ADDR", "127.0.0.1:8080", "address to listen on"},
	{"db", "PACTREG_DATABASE_URL", "", "postgres:// URL, or a SQLite file (empty: pactreg.db in the working directory)"},
	{"demo", "PACTREG_DEMO", "true", "load the demo dataset into an empty database"},
	{"auto-migrate", "PACTREG_AUTO_MIGRATE", "true", "apply pending PostgreSQL migrations at start (false: refuse to start while any is pending; SQLite is always auto-migrated)"},
	{"cors-origins", "PACTREG_CORS_ORIGINS", "", "comma-separated origins allowed by CORS (empty: none)"},
	{"introspection", "PACTREG_INTROSPECTION", "true", "allow schema introspection, field suggestions and GraphiQL"},
	{"direct-reads", "PACTREG_DIRECT_READS", "true", "answer the queries the direct read path knows (the registry core, first pages) straight from SQL rows; false: every query through ent (same answers, more CPU)"},
	{"shutdown-timeout", "PACTREG_SHUTDOWN_TIMEOUT", "30s", "how long shutdown waits for requests in flight"},
	{"log-level", "PACTREG_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"timeout", "PACTREG_TIMEOUT", "10s", "execution limit of one request (also PostgreSQL statement_timeout)"},
	{"max-body-bytes", "PACTREG_MAX_BODY_BYTES", "1048576", "largest request body (larger: 413)"},
	{"max-page", "PACTREG_MAX_PAGE", "100", "largest first/last of a connection"},
	{"default-page", "PACTREG_DEFAULT_PAGE", "20", "page size of a connection without first/last"},
	{"max-ids", "PACTREG_MAX_IDS", "100", "most ids in nodes(ids:)"},
	{"max-list", "PACTREG_MAX_LIST", "250", "most items in a list argument or input"},
	{"max-cost", "PACTREG_MAX_COST", "10000", "query cost limit per request"},
	{"max-depth", "PACTREG_MAX_DEPTH", "15", "selection depth limit"},
	{"max-concurrent", "PACTREG_MAX_CONCURRENT", "0", "requests executing at once; the rest wait within -timeout (0: 2 per CPU)"},
	{"statement-cache", "PACTREG_STATEMENT_CACHE", "128", "prepared statements each PostgreSQL connection keeps (0: none, e.g. behind a pooler in transaction mode that cannot hold them)"},
	{"gc-percent", "PACTREG_GC_PERCENT", "400", "heap growth in percent before Go collects garbage, as GOGC (which wins when set)"},
	{"memory-limit", "PACTREG_MEMORY_LIMIT", "auto", "soft limit of Go's memory (heap, stacks, runtime), as GOMEMLIMIT (which wins when set); the collector runs more often near it; auto: 36MiB + 4MiB per -max-concurrent query (52MiB on 2 CPUs); 0: none"},
	{"rate", "PACTREG_RATE", "200", "cost points a credential (anonymous: an IP) earns per second; 0 disables the rate limit"},
	{"rate-burst", "PACTREG_RATE_BURST", "20000", "cost points a credential may spend at once"},
	{"pprof-addr", "PACTREG_PPROF_ADDR", "", "serve Go's profiler (/debug/pprof) on this separate address, e.g. 127.0.0.1:6060 (empty: off)"},
	{"webhook-workers", "PACTREG_WEBHOOK_WORKERS", "4", "webhook requests this instance may have under way at once; 0: it sends none (others on the database do)"},
	{"webhook-max-attempts", "PACTREG_WEBHOOK_MAX_ATTEMPTS", "8", "attempts a webhook delivery gets before it is FAILED"},
	{"webhook-timeout", "PACTREG_WEBHOOK_TIMEOUT", "10s", "how long a webhook receiver has to answer one request"},
	{"metrics-addr", "PACTREG_METRICS_ADDR", "", "serve Prometheus metrics (/metrics) on this separate address instead of the main one, e.g. 127.0.0.1:9464; off: not at all (empty: at /metrics on -addr)"},
}

// parseConfig reads flags from args, with defaults taken from getenv.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("pactreg", flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := make(map[string]*string, len(settings))
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		values[s.flag] = fs.String(s.flag, def, fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	cfg := Config{
		PprofAddr:   *values["pprof-addr"],
		MetricsAddr: *values["metrics-addr"],
		Addr:        *values["addr"],
		DatabaseURL: *values["db"],
		LogLevel:    *values["log-level"],
	}
	var err error
	if cfg.Demo, err = parseBool("demo", *values["demo"]); err != nil {
		return Config{}, err
	}
	if cfg.AutoMigrate, err = parseBool("auto-migrate", *values["auto-migrate"]); err != nil {
		return Config{}, err
	}
	if cfg.DirectReads, err = parseBool("direct-reads", *values["direct-reads"]); err != nil {
		return Config{}, err
	}
	if cfg.Introspection, err = parseBool("introspection", *values["introspection"]); err != nil {
		return Config{}, err
	}
	if cfg.ShutdownTimeout, err = time.ParseDuration(*values["shutdown-timeout"]); err != nil || cfg.ShutdownTimeout <= 0 {
		return Config{}, fmt.Errorf("-shutdown-timeout: %q is not a positive duration such as 30s", *values["shutdown-timeout"])
	}
	for _, o := range strings.Split(*values["cors-origins"], ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	if cfg.Timeout, err = time.ParseDuration(*values["timeout"]); err != nil || cfg.Timeout <= 0 {
		return Config{}, fmt.Errorf("-timeout: %q is not a positive duration such as 10s", *values["timeout"])
	}
	ints := map[string]*int{
		"max-page": &cfg.Limits.MaxPage, "default-page": &cfg.Limits.DefaultPage, "max-ids": &cfg.Limits.MaxIDs,
		"max-list": &cfg.Limits.MaxListItems, "max-cost": &cfg.Limits.MaxCost, "max-depth": &cfg.Limits.MaxDepth,
		"rate-burst": &cfg.Limits.RateBurst,
	}
	for name, dst := range ints {
		if *dst, err = strconv.Atoi(*values[name]); err != nil || *dst < 1 {
			return Config{}, fmt.Errorf("-%s: %q is not a positive whole number", name, *values[name])
		}
	}
	if cfg.Webhooks.Workers, err = strconv.Atoi(*values["webhook-workers"]); err != nil || cfg.Webhooks.Workers < 0 || cfg.Webhooks.Workers > 100 {
		return Config{}, fmt.Errorf("-webhook-workers: %q is not a whole number from 0 to 100", *values["webhook-workers"])
	}
	if cfg.Webhooks.MaxAttempts, err = strconv.Atoi(*values["webhook-max-attempts"]); err != nil || cfg.Webhooks.MaxAttempts < 1 || cfg.Webhooks.MaxAttempts > 100 {
		return Config{}, fmt.Errorf("-webhook-max-attempts: %q is not a whole number from 1 to 100", *values["webhook-max-attempts"])
	}
	if cfg.Webhooks.Timeout, err = time.ParseDuration(*values["webhook-timeout"]); err != nil || cfg.Webhooks.Timeout <= 0 || cfg.Webhooks.Timeout > 5*time.Minute {
		return Config{}, fmt.Errorf("-webhook-timeout: %q is not a duration such as 10s (at most 5m)", *values["webhook-timeout"])
	}
	if cfg.MaxConcurrent, err = strconv.Atoi(*values["max-concurrent"]); err != nil || cfg.MaxConcurrent < 0 {
		return Config{}, fmt.Errorf("-max-concurrent: %q is not a whole number (0: 2 per CPU)", *values["max-concurrent"])
	}
	if cfg.StatementCache, err = strconv.Atoi(*values["statement-cache"]); err != nil || cfg.StatementCache < 0 || cfg.StatementCache > 10000 {
		return Config{}, fmt.Errorf("-statement-cache: %q is not a whole number from 0 to 10000", *values["statement-cache"])
	}
	if cfg.Runtime.GCPercent, err = strconv.Atoi(*values["gc-percent"]); err != nil || cfg.Runtime.GCPercent < 10 || cfg.Runtime.GCPercent > 10000 {
		return Config{}, fmt.Errorf("-gc-percent: %q is not a whole number from 10 to 10000", *values["gc-percent"])
	}
	if v := *values["memory-limit"]; v == "auto" {
		cfg.Runtime.MemoryLimit = autoMemoryLimit(cmp.Or(cfg.MaxConcurrent, graph.DefaultMaxConcurrent()))
	} else if cfg.Runtime.MemoryLimit, err = parseBytes(v); err != nil {
		return Config{}, fmt.Errorf("-memory-limit: %w", err)
	}
	if cfg.MaxBodyBytes, err = strconv.ParseInt(*values["max-body-bytes"], 10, 64); err != nil || cfg.MaxBodyBytes < 1024 {
		return Config{}, fmt.Errorf("-max-body-bytes: %q is not a number of bytes (at least 1024)", *values["max-body-bytes"])
	}
	if cfg.Limits.RatePerSecond, err = strconv.ParseFloat(*values["rate"], 64); err != nil || cfg.Limits.RatePerSecond < 0 {
		return Config{}, fmt.Errorf("-rate: %q is not a number of cost points per second", *values["rate"])
	}
	cfg.AdminToken = getenv("PACTREG_ADMIN_TOKEN")
	if cfg.AdminToken != "" && len(cfg.AdminToken) < 16 {
		return Config{}, fmt.Errorf("PACTREG_ADMIN_TOKEN must be at least 16 characters")
	}
	cfg.OIDC = OIDCConfig{
		Issuer:    getenv("PACTREG_OIDC_ISSUER"),
		Audience:  getenv("PACTREG_OIDC_AUDIENCE"),
		RoleClaim: getenv("PACTREG_OIDC_ROLE_CLAIM"),
	}
	if cfg.OIDC.Issuer != "" && cfg.OIDC.Audience == "" {
		return Config{}, fmt.Errorf("PACTREG_OIDC_AUDIENCE is required with PACTREG_OIDC_ISSUER")
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return Config{}, fmt.Errorf("-log-level: %q is not debug, info, warn or error", cfg.LogLevel)
	}
	return cfg, nil
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("-%s: %q is not true or false", name, v)
	}
	return b, nil
}
