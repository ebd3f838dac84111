// Package sortkeys makes queries that load some columns of a row also load
// the column the API sorts that row's lists by.
//
// entgql's eager loading selects only the columns a GraphQL selection asks
// for, while some lists are sorted after loading (a body's seat allocations
// by position, an allocation's appointments by start date: see graph's
// byPosition and byStart). Without this, a query that did not ask for
// position or startsOn got those lists in id order.
package sortkeys

import (
	"context"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
)

// Keep returns an interceptor for the queries of one entity (columns are
// its columns, foreign keys included) that adds column to the rows its All, Only and First
// queries load (eager loads included) when they select some columns only.
// Queries that scan into other values (Select, IDs, GroupBy, Count, Exist)
// keep their columns, and so does a selection of anything but the entity's
// own columns.
func Keep[Q interface {
	ent.Query
	Modify(...func(*sql.Selector)) S
}, S any](columns []string, column string) ent.Interceptor {
	modify := func(s *sql.Selector) {
		want := s.C(column)
		selected := s.SelectedColumns()
		for _, c := range selected {
			if c == want || !slices.ContainsFunc(columns, func(col string) bool { return s.C(col) == c }) {
				return
			}
		}
		if len(selected) > 0 {
			s.AppendSelect(want)
		}
	}
	return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			if q, ok := q.(Q); ok && loadsRows(ctx) {
				q.Modify(modify)
			}
			return next.Query(ctx, q)
		})
	})
}

// loadsRows reports whether the query of ctx returns entities. An eager
// load runs in its parent's context, whose operation is one of these too.
func loadsRows(ctx context.Context) bool {
	qc := ent.QueryFromContext(ctx)
	if qc == nil {
		return false
	}
	switch qc.Op {
	case ent.OpQueryAll, ent.OpQueryOnly, ent.OpQueryFirst:
		return true
	}
	return false
}
