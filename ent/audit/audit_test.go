package audit_test

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/changeevent"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// TestEventsOutsideATransaction: a change made without a transaction
// (Go code using the client directly; the API always opens one) has its
// events written in a transaction of their own, which is a write
// transaction like any other: it wakes the change listeners, and on
// PostgreSQL it takes the write lock before the events take their ids.
// Readers of the change feed rely on that: ids below the newest one they
// can see are committed (see store.serialWrites). An insert that took its
// id outside the lock could commit after a larger one had been read, and
// a webhook endpoint's cursor passed it for good.
func TestEventsOutsideATransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		changed, err := db.Changed()
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Client.Person.Create().SetName("Outside").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatal("the change woke no listener")
		}
		if n := events(t, db); n != 1 {
			t.Fatalf("%d change events, want 1", n)
		}
		if db.Dialect != dialect.Postgres {
			return
		}

		// Hold the write lock, as a dispatcher reading the feed does.
		hold, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = hold.Rollback() })
		done := make(chan error, 1)
		go func() { done <- db.Client.Person.Create().SetName("Waits").Exec(ctx) }()
		waitForWriteLockWaiter(t, db)
		if n := events(t, db); n != 1 {
			t.Fatalf("%d change events while the write lock is held, want 1: an event was written without it", n)
		}
		if err := hold.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := events(t, db); n != 2 {
			t.Fatalf("%d change events, want 2", n)
		}

		// Code that holds a transaction in its context and writes through
		// the root client: the events go into that transaction (which holds
		// the write lock) instead of waiting for it.
		outer, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = outer.Rollback() })
		go func() { done <- db.Client.Person.Create().SetName("Beside").Exec(ent.NewTxContext(ctx, outer)) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a write beside a transaction in its context waits for that transaction's lock")
		}
		if err := outer.Commit(); err != nil {
			t.Fatal(err)
		}
		if n := events(t, db); n != 3 {
			t.Fatalf("%d change events, want 3", n)
		}
	})
}

func events(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.Client.ChangeEvent.Query().Where(changeevent.EntityType("Person")).
		Count(authz.SystemContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitForWriteLockWaiter returns once a session waits for this schema's
// write lock (an advisory lock; see store.serialWrites), and fails the
// test if none does within 10 s.
func waitForWriteLockWaiter(t *testing.T, db *store.DB) {
	t.Helper()
	const q = `SELECT count(*) FROM pg_locks
		WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = 1885430644 -- store's writeLockClass, "pact"
		AND objid::bigint = (hashtext(current_schema())::bigint + 4294967296) % 4294967296`
	for range 500 {
		var n int
		if err := db.SQL.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no write waited for the write lock")
}
