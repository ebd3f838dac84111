// Package store opens pactreg's database: the embedded SQLite default (a
// file, or memory for tests) or PostgreSQL, and migrates its schema
// (PostgreSQL: the versioned migrations of ent/migrate/migrations; SQLite:
// ent's auto-migration).
package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq" // PostgreSQL driver "postgres", and LISTEN
	"modernc.org/sqlite"

	"github.com/pactreg/pactreg/ent"
	_ "github.com/pactreg/pactreg/ent/runtime" // hooks, interceptors and defaults of the schema
)

// Config says which database to open.
type Config struct {
	// URL is a postgres:// or postgresql:// URL for PostgreSQL, or a
	// SQLite file path or file: URI. Empty means DefaultSQLiteFile.
	URL string
	// MaxOpenConns caps the pool (PostgreSQL); 0 means 16.
	MaxOpenConns int
	// Wrap, if set, wraps the ent driver (tests count statements with it).
	Wrap func(dialect.Driver) dialect.Driver
	// StatementTimeout bounds each PostgreSQL statement (statement_timeout)
	// unless the URL sets one; 0 means 10s.
	StatementTimeout time.Duration
	// StatementCache is how many prepared statements each PostgreSQL
	// connection keeps (see preparing); 0 means DefaultStatementCache, a
	// negative number none (for a pooler that cannot hold them).
	StatementCache int
}

// DefaultSQLiteFile is the embedded database used when no URL is given.
const DefaultSQLiteFile = "pactreg.db"

// DB is an open database.
type DB struct {
	Client *ent.Client
	// Driver is the driver Client uses (statements rewritten, serialised,
	// counted or traced as the Options say): other readers of the database
	// go through it too (graph's direct read path).
	Driver  dialect.Driver
	SQL     *sql.DB
	Dialect string

	url      string // PostgreSQL: for the LISTEN connection
	changed  *broadcast
	listenMu sync.Mutex
	listener *pq.Listener
}

// Close closes the client, its pool and the change listener.
func (db *DB) Close() error {
	db.listenMu.Lock()
	if db.listener != nil {
		_ = db.listener.Close()
		db.listener = nil
	}
	db.listenMu.Unlock()
	return db.Client.Close()
}

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// IsPostgres reports whether url names a PostgreSQL database.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open opens the database of cfg. It does not migrate: call Migrate.
func Open(cfg Config) (*DB, error) {
	url := cfg.URL
	if url == "" {
		url = DefaultSQLiteFile
	}
	var (
		db   *sql.DB
		name string
		err  error
	)
	if IsPostgres(url) {
		name = dialect.Postgres
		if url, err = withStatementTimeout(url, cfg.StatementTimeout); err != nil {
			return nil, err
		}
		connector, err := pq.NewConnector(url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		var conns driver.Connector = connector
		if size := cmp.Or(cfg.StatementCache, DefaultStatementCache); size > 0 {
			conns = &preparing{Connector: connector, size: size}
		}
		db = sql.OpenDB(conns)
		n := cfg.MaxOpenConns
		if n <= 0 {
			n = 16
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		name = dialect.SQLite
		registerSQLiteFunctions()
		db, err = sql.Open("sqlite", SQLiteDSN(url))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", url, err)
		}
	}
	changed := newBroadcast()
	postgres := name == dialect.Postgres
	var drv dialect.Driver = &serialWrites{
		Driver:   &longInLists{Driver: entsql.OpenDB(name, db), postgres: postgres},
		postgres: postgres,
		changed:  changed,
	}
	if cfg.Wrap != nil {
		drv = cfg.Wrap(drv)
	}
	return &DB{Client: ent.NewClient(ent.Driver(drv)), Driver: drv, SQL: db, Dialect: name, url: url, changed: changed}, nil
}

// SQLiteDSN turns a file path or file: URI into a DSN with the pragmas
// pactreg relies on: foreign keys on, WAL, a busy timeout, and BEGIN
// IMMEDIATE so that write transactions queue instead of failing. Times are
// written in UTC in SQLite's own sortable text form: the driver's default,
// Go's time.String, carries the zone name and the monotonic clock reading,
// so that a time compared as text with another form of itself (a
// pagination cursor's) came out greater, and times of different offsets
// (summer and winter time) sorted by their digits. Times written before
// keep their form; the driver reads both.
func SQLiteDSN(path string) string {
	dsn := path
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	params := []string{"_pragma=foreign_keys(1)", "_pragma=busy_timeout(10000)", "_txlock=immediate",
		"_time_format=sqlite", "_timezone=UTC"}
	if !strings.Contains(dsn, "mode=memory") {
		params = append(params, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
	}
	return dsn + sep + strings.Join(params, "&")
}

var registerOnce sync.Once

// registerSQLiteFunctions replaces SQLite's lower(), which folds only ASCII,
// with a Unicode one, so that case-insensitive search treats Æ/æ, Ø/ø and
// Å/å (and every other letter) alike on both databases.
func registerSQLiteFunctions() {
	registerOnce.Do(func() {
		sqlite.MustRegisterDeterministicScalarFunction("lower", 1,
			func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				switch v := args[0].(type) {
				case string:
					return strings.ToLower(v), nil
				case []byte:
					return strings.ToLower(string(v)), nil
				default:
					return v, nil
				}
			})
	})
}

// withStatementTimeout adds statement_timeout to a PostgreSQL URL that
// does not set one, so a runaway statement cannot outlive its request.
func withStatementTimeout(raw string, d time.Duration) (string, error) {
	if d <= 0 {
		d = 10 * time.Second
	}
	u, err := neturl.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: say only why.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("the database URL is not a valid URL: %v", err)
	}
	q := u.Query()
	if q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", strconv.FormatInt(d.Milliseconds(), 10))
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
