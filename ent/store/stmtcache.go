package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"hash/maphash"
	"strings"

	"github.com/lib/pq"
)

// DefaultStatementCache is how many prepared statements each PostgreSQL
// connection keeps (Config.StatementCache).
const DefaultStatementCache = 128

// preparing is a database/sql connector for PostgreSQL whose connections
// prepare each parameterised statement once and keep it (up to size
// statements per connection, least recently used out first).
//
// lib/pq otherwise sends every statement with arguments as an unnamed
// statement: Parse and Describe, a wait for the answer, then Bind and
// Execute; PostgreSQL parses and plans it anew each time. ent writes the
// same statement text for every request of a shape (and long IN lists
// become one array parameter: longInLists), so a connection that keeps
// its statements saves a round trip, the parse and, once PostgreSQL
// settles on a generic plan for a statement, the planning, on every
// statement of every request. Statements without arguments other than a
// SELECT (migrations, session settings), and a text the connection has
// not run before, go through as before (see keep).
//
// Not for COPY: a statement sent on a connection with a pq.CopyIn in
// progress breaks that connection (lib/pq's own path refuses it with an
// error). pactreg does not use COPY.
type preparing struct {
	driver.Connector
	size int
}

func (c *preparing) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(pqConn)
	if !ok {
		return conn, nil
	}
	return &preparingConn{pqConn: pc, size: c.size, stmts: map[string]*list.Element{}, lru: list.New(), seen: map[uint64]struct{}{}}, nil
}

// pqConn is what database/sql uses of a lib/pq connection.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// preparingConn is one connection of preparing. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type preparingConn struct {
	pqConn
	size  int
	stmts map[string]*list.Element // query → element of lru
	lru   *list.List               // of *cachedStmt, most recently used first
	seen  map[uint64]struct{}      // hashes of texts run once, not kept (see keep)
	inTx  bool                     // a transaction is open: statements go the unnamed way
}

// BeginTx begins a transaction in which statements are not kept or
// reused: a kept statement the server has dropped or made stale fails the
// transaction at its first use, and could not be run again in it.
// Transactions are pactreg's writes; its reads, the traffic, run outside.
func (c *preparingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.pqConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return &preparingTx{Tx: tx, c: c}, nil
}

type preparingTx struct {
	driver.Tx
	c *preparingConn
}

func (t *preparingTx) Commit() error {
	t.c.inTx = false
	return t.Tx.Commit()
}

func (t *preparingTx) Rollback() error {
	t.c.inTx = false
	return t.Tx.Rollback()
}

// seed hashes statement texts for preparingConn.seen.
var seed = maphash.MakeSeed()

type cachedStmt struct {
	query string
	stmt  pqStmt
}

// pqStmt is what preparingConn uses of a lib/pq prepared statement.
type pqStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

func (c *preparingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !c.keep(query, len(args)) {
		return c.pqConn.QueryContext(ctx, query, args)
	}
	return withStatement(c, ctx, query, func(s *cachedStmt) (driver.Rows, error) {
		return s.stmt.QueryContext(ctx, args)
	})
}

func (c *preparingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !c.keep(query, len(args)) {
		return c.pqConn.ExecContext(ctx, query, args)
	}
	return withStatement(c, ctx, query, func(s *cachedStmt) (driver.Result, error) {
		return s.stmt.ExecContext(ctx, args)
	})
}

// keep reports whether query runs as a kept statement: it has arguments
// or is one SELECT as ent writes it (LIMIT and OFFSET as numbers: a page of
// a connection has none), and it is kept already or this connection has
// run its text before. A text run only once (a filter combination, a list
// of strings whose length varies) goes the unnamed way, as without the
// cache, instead of taking a place in it and a round trip to close it
// later. Other statements without arguments (migrations: several
// statements in one text; session settings), and every statement in a
// transaction (see BeginTx), always go the plain way.
func (c *preparingConn) keep(query string, nargs int) bool {
	if c.inTx {
		return false
	}
	if nargs == 0 && (!strings.HasPrefix(query, "SELECT ") || strings.Contains(query, ";")) {
		return false
	}
	if _, ok := c.stmts[query]; ok {
		return true
	}
	h := maphash.String(seed, query)
	if _, ok := c.seen[h]; ok {
		return true
	}
	if len(c.seen) >= 4*c.size {
		clear(c.seen)
	}
	c.seen[h] = struct{}{}
	return false
}

// withStatement runs f with query's prepared statement. When the server
// says the kept statement is gone or stale (stale), it prepares it again
// and runs f once more (the failed attempt executed nothing), returning
// that attempt's result and error. If it cannot prepare it again (in a
// transaction the first error aborted it), the first error is returned.
func withStatement[T any](c *preparingConn, ctx context.Context, query string, f func(*cachedStmt) (T, error)) (T, error) {
	var zero T
	s, err := c.prepared(ctx, query)
	if err != nil {
		return zero, err
	}
	v, err := f(s)
	if !stale(err) {
		return v, err
	}
	c.drop(s)
	if s, err2 := c.prepared(ctx, query); err2 == nil {
		return f(s)
	}
	return zero, err
}

// prepared returns query's statement on this connection, prepared now if
// it was not kept.
func (c *preparingConn) prepared(ctx context.Context, query string) (*cachedStmt, error) {
	if e, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt), nil
	}
	st, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s := &cachedStmt{query: query}
	var ok bool
	if s.stmt, ok = st.(pqStmt); !ok {
		_ = st.Close()
		return nil, errors.New("store: lib/pq statement without context methods")
	}
	if c.lru.Len() >= c.size {
		c.drop(c.lru.Back().Value.(*cachedStmt))
	}
	c.stmts[query] = c.lru.PushFront(s)
	return s, nil
}

// stale reports whether err says that the server no longer has a kept
// statement as it was prepared: it was deallocated (DISCARD ALL, a
// connection pooler), or a schema change altered its result columns
// ("cached plan must not change result type"). Other errors (a
// constraint, a timeout) leave the statement as good as before.
func stale(err error) bool {
	var pe *pq.Error
	if err == nil || !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "26000" || pe.Code == "0A000" // invalid_sql_statement_name, feature_not_supported
}

// drop forgets s and closes it on the server (best effort: a broken
// connection is reported by its next use).
func (c *preparingConn) drop(s *cachedStmt) {
	if e, ok := c.stmts[s.query]; ok {
		c.lru.Remove(e)
		delete(c.stmts, s.query)
		_ = s.stmt.Close()
	}
}
