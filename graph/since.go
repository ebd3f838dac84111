package graph

import (
	"time"

	"entgo.io/ent/dialect/sql"
)

// changedSince is the filter of a root connection's updatedSince: rows
// whose updated_at is at or after t (none when t is nil).
func changedSince[P ~func(*sql.Selector)](t *time.Time) []P {
	if t == nil {
		return nil
	}
	return []P{P(sql.FieldGTE("updated_at", *t))}
}
