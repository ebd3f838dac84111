package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"entgo.io/ent/dialect"
)

// writeLockClass is the first key of the PostgreSQL advisory lock every
// write transaction takes ("pact" as an int32); the second is a hash of
// the schema, so that deployments in other schemas of the same database do
// not wait for each other. See serialWrites.
const writeLockClass int32 = 0x70616374

// writeLockSQL takes the write lock until the transaction ends.
const writeLockSQL = "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))"

// ChangesChannel is the PostgreSQL NOTIFY channel on which every committed
// write transaction announces itself (with an empty payload): listeners
// then read the change feed after the last event they saw.
const ChangesChannel = "pactreg_changes"

// serialWrites wraps the ent driver so that write transactions commit in
// the order they take their change-feed ids, which is what lets a client
// that polls the feed with its last cursor never miss an event:
//
//   - on PostgreSQL every transaction (pactreg opens transactions only to
//     write; change events are always written in one, see package audit)
//     first takes one advisory lock, held until it commits or rolls
//     back, so no two write transactions overlap and ids of later commits
//     are always larger; the lock also means two writers can never
//     deadlock on each other's rows. Before COMMIT it sends NOTIFY on
//     ChangesChannel, which PostgreSQL delivers only if the commit succeeds.
//   - on SQLite writers are serialised by BEGIN IMMEDIATE already; a
//     successful commit wakes the in-process listeners (Changed).
type serialWrites struct {
	dialect.Driver
	postgres bool
	changed  *broadcast
}

func (d *serialWrites) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

// BeginTx is what ent's Client.BeginTx calls.
func (d *serialWrites) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := beginTx(ctx, d.Driver, opts)
	if err != nil {
		return nil, err
	}
	if d.postgres {
		if err := tx.Exec(ctx, writeLockSQL, []any{writeLockClass}, nil); err != nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("take the write lock: %w", err)
		}
	}
	return &announcingTx{Tx: tx, d: d}, nil
}

// beginTx begins a transaction on drv with opts when drv can take them
// (ent's SQL driver and the wrappers here), else with drv.Tx.
func beginTx(ctx context.Context, drv dialect.Driver, opts *sql.TxOptions) (dialect.Tx, error) {
	if b, ok := drv.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	}); ok {
		return b.BeginTx(ctx, opts)
	}
	return drv.Tx(ctx)
}

// announcingTx announces its commit (see serialWrites).
type announcingTx struct {
	dialect.Tx
	d *serialWrites
}

func (t *announcingTx) Commit() error {
	if t.d.postgres {
		if err := t.Exec(context.Background(), "SELECT pg_notify($1, '')", []any{ChangesChannel}, nil); err != nil {
			_ = t.Tx.Rollback()
			return fmt.Errorf("announce the commit: %w", err)
		}
		return t.Tx.Commit()
	}
	if err := t.Tx.Commit(); err != nil {
		return err
	}
	t.d.changed.signal()
	return nil
}

// broadcast wakes every waiter at once: a channel that is closed and
// replaced on each signal.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

func newBroadcast() *broadcast { return &broadcast{ch: make(chan struct{})} }

// wait returns a channel that is closed at the next signal.
func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}

func (b *broadcast) signal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.ch)
	b.ch = make(chan struct{})
}
