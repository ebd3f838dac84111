// Package keyset builds the predicates that continue a connection after
// (or before) a cursor, aware of NULLs.
//
// entgql's CursorsPredicate writes (col, id) > (value, id) for a cursor
// with a value and id > id without one. No row without a value matches
// the first, and the second ignores the order altogether, so paging by an
// optional field (an appointment's end, a body's short name) left out the
// rows without a value, or jumped about among them. The generated
// gql_pagination.go calls CursorsPredicate here instead (ent/entc.go
// rewrites the call); the signature and everything else stay entgql's.
//
// Where NULLs sort is the database's: PostgreSQL puts them after every
// value (last ascending, first descending), SQLite before every value.
package keyset

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// CursorsPredicate is entgql.CursorsPredicate with NULLs in their place:
// for each of after and before that is set, the rows that come after it
// in the order field, then idField, both in direction.
func CursorsPredicate[T any](after, before *entgql.Cursor[T], idField, field string, direction entgql.OrderDirection) []func(s *sql.Selector) {
	var predicates []func(s *sql.Selector)
	for _, cursor := range []*entgql.Cursor[T]{after, before} {
		if cursor == nil {
			continue
		}
		if field == idField {
			predicates = append(predicates, func(s *sql.Selector) {
				s.Where(beyond(direction, s.C(idField), cursor.ID))
			})
			continue
		}
		predicates = append(predicates, func(s *sql.Selector) {
			column := s.C(field)
			// An order term may have added the column from a join: use
			// that selection when it is the only one (as entgql does).
			if matches := s.FindSelection(field); len(matches) == 1 {
				column = matches[0]
			}
			s.Where(following(s.Dialect(), direction, column, s.C(idField), cursor.Value, cursor.ID))
		})
	}
	return predicates
}

// following is the predicate of the rows that come after (value, id) in the
// order column, then idColumn, both in direction.
func following(d string, direction entgql.OrderDirection, column, idColumn string, value, id any) *sql.Predicate {
	// Whether rows without a value come after all rows with one.
	nullsLast := (direction == entgql.OrderDirectionAsc) == (d == dialect.Postgres)
	if value == nil {
		p := sql.And(sql.IsNull(column), beyond(direction, idColumn, id))
		if !nullsLast {
			p = sql.Or(p, sql.NotNull(column))
		}
		return p
	}
	p := sql.Or(
		beyond(direction, column, value),
		sql.And(sql.EQ(column, value), beyond(direction, idColumn, id)),
	)
	if nullsLast {
		p = sql.Or(p, sql.IsNull(column))
	}
	return p
}

// beyond is column > v ascending, column < v descending.
func beyond(direction entgql.OrderDirection, column string, v any) *sql.Predicate {
	if direction == entgql.OrderDirectionAsc {
		return sql.GT(column, v)
	}
	return sql.LT(column, v)
}
