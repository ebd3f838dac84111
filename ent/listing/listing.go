// Package listing holds query interceptors that give lists a stable,
// meaningful default order (a body's seat allocations as listed, an
// allocation's appointments by start date) on every read path, including
// the eager loading of nested GraphQL fields.
package listing

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/pactreg/pactreg/ent/intercept"
)

// DefaultOrder appends ORDER BY fields…, id to the row-returning queries of
// an entity. An order a caller asked for comes first and wins; the default
// only breaks its ties. Counting and existence queries are left alone.
func DefaultOrder(fields ...string) ent.Interceptor {
	terms := make([]func(*sql.Selector), 0, len(fields)+1)
	for _, f := range append(fields, "id") {
		terms = append(terms, sql.OrderByField(f).ToFunc())
	}
	return intercept.Func(func(ctx context.Context, q intercept.Query) error {
		if qc := ent.QueryFromContext(ctx); qc != nil {
			switch qc.Op {
			case ent.OpQueryAll, ent.OpQueryFirst, ent.OpQueryOnly:
				q.Order(terms...)
			}
		}
		return nil
	})
}
