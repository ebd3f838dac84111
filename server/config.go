package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server can be told, from flags or environment.
// A flag wins over its environment variable.
type Config struct {
	Addr            string        // -addr, PACTREG_ADDR
	DatabaseURL     string        // -db, PACTREG_DATABASE_URL
	Demo            bool          // -demo, PACTREG_DEMO
	CORSOrigins     []string      // -cors-origins, PACTREG_CORS_ORIGINS
	Introspection   bool          // -introspection, PACTREG_INTROSPECTION
	ShutdownTimeout time.Duration // -shutdown-timeout, PACTREG_SHUTDOWN_TIMEOUT
	LogLevel        string        // -log-level, PACTREG_LOG_LEVEL

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

// setting describes one configuration entry; the README's table lists the same.
type setting struct {
	flag, env, def, usage string
}

var settings = []setting{
	{"addr", "PACTREG_ADDR", "127.0.0.1:8080", "address to listen on"},
	{"db", "PACTREG_DATABASE_URL", "", "postgres:// URL, or a SQLite file (empty: pactreg.db in the working directory)"},
	{"demo", "PACTREG_DEMO", "true", "load the demo dataset into an empty database"},
	{"cors-origins", "PACTREG_CORS_ORIGINS", "", "comma-separated origins allowed by CORS (empty: none)"},
	{"introspection", "PACTREG_INTROSPECTION", "true", "allow schema introspection, field suggestions and GraphiQL"},
	{"shutdown-timeout", "PACTREG_SHUTDOWN_TIMEOUT", "30s", "how long shutdown waits for requests in flight"},
	{"log-level", "PACTREG_LOG_LEVEL", "info", "debug, info, warn or error"},
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
		Addr:        *values["addr"],
		DatabaseURL: *values["db"],
		LogLevel:    *values["log-level"],
	}
	var err error
	if cfg.Demo, err = parseBool("demo", *values["demo"]); err != nil {
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
