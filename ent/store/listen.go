package store

import (
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
)

// Changed returns a channel that is closed when the next write transaction
// commits: on PostgreSQL in any process on the database (LISTEN on
// ChangesChannel), on SQLite in this process. Take the channel before
// reading the change feed, then wait on it: a commit in between closes it
// at once, so nothing is missed.
//
// On PostgreSQL the first call opens the LISTEN connection; if it cannot,
// the error is returned and callers fall back to polling.
func (db *DB) Changed() (<-chan struct{}, error) {
	if db.Dialect != dialect.Postgres {
		return db.changed.wait(), nil
	}
	db.listenMu.Lock()
	defer db.listenMu.Unlock()
	if db.listener == nil {
		l := pq.NewListener(db.url, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, _ error) {
			// After a reconnect notifications may have been lost: wake
			// everyone to read the feed again.
			if ev == pq.ListenerEventReconnected {
				db.changed.signal()
			}
		})
		if err := l.Listen(ChangesChannel); err != nil {
			_ = l.Close()
			return nil, fmt.Errorf("listen for changes: %w", err)
		}
		db.listener = l
		go relay(l, db.changed)
	}
	return db.changed.wait(), nil
}

// relay turns notifications into broadcasts until the listener closes.
func relay(l *pq.Listener, b *broadcast) {
	for range l.NotificationChannel() {
		b.signal()
	}
}
