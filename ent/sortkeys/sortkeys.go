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

// Keep returns an interceptor for the queries of one entity (typ is its
// type name, columns its columns, foreign keys included) that adds column
// to the rows its All, Only and First queries load (eager loads included)
// when they select some columns only. The query is changed only while the
// interceptor runs: the caller may reuse it for IDs, Count or a Select.
// Queries that scan into other values (Select, IDs, GroupBy, Count, Exist)
// keep their columns, and so does a selection of anything but the entity's
// own columns (aggregates, LimitPerRow's window, M2M joins).
//
// One case it cannot tell apart: a query of this entity that scans into
// other values (IDs, Select) run inside another entity's query, e.g. from
// a privacy rule or an interceptor. ent then reports the other query's
// operation; the scan fails loudly ("columns do not match"). No such query
// exists in pactreg.
func Keep[Q interface {
	ent.Query
	Modify(...func(*sql.Selector)) S
}, S any](typ string, columns []string, column string) ent.Interceptor {
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
			query, ok := q.(Q)
			if !ok || !loadsRows(ctx, typ) {
				return next.Query(ctx, q)
			}
			armed := true
			query.Modify(func(s *sql.Selector) {
				if armed {
					modify(s)
				}
			})
			v, err := next.Query(ctx, q)
			armed = false
			return v, err
		})
	})
}

// loadsRows reports whether the query of ctx returns entities of type typ.
// ent puts a query's own operation in ctx unless it runs inside another
// query (an eager load: the parent's context, whose type differs).
func loadsRows(ctx context.Context, typ string) bool {
	qc := ent.QueryFromContext(ctx)
	if qc == nil {
		return false
	}
	if qc.Type != typ {
		return true // an eager load inside another entity's query
	}
	switch qc.Op {
	case ent.OpQueryAll, ent.OpQueryOnly, ent.OpQueryFirst:
		return true
	}
	return false
}
