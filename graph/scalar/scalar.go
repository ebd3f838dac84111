// Package scalar binds GraphQL's ID, Cursor and Time scalars to Go with
// typed input errors: a malformed value is BAD_USER_INPUT naming the field,
// never an internal error.
package scalar

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent/apperr"
)

// MarshalID writes a node id.
func MarshalID(id int) graphql.Marshaler { return graphql.MarshalIntID(id) }

// UnmarshalID reads a node id: a string or number of decimal digits.
func UnmarshalID(v any) (int, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case int:
		return v, nil
	case int64:
		s = strconv.FormatInt(v, 10)
	default:
		return 0, apperr.BadInput("", "an ID must be a string of digits, got %v", v)
	}
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, apperr.BadInput("", "%q is not a valid ID", s)
	}
	return id, nil
}

// MarshalCursor writes a pagination cursor.
func MarshalCursor(c entgql.Cursor[int]) graphql.Marshaler { return c }

// UnmarshalCursor reads a pagination cursor.
func UnmarshalCursor(v any) (entgql.Cursor[int], error) {
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(v); err != nil {
		return c, apperr.BadInput("", "not a valid cursor: pass a cursor exactly as a page returned it")
	}
	return c, nil
}

// MarshalTime writes an instant in RFC 3339 with nanoseconds.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads an RFC 3339 instant.
func UnmarshalTime(v any) (time.Time, error) {
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		return t, apperr.BadInput("", "%v is not a valid time: use RFC 3339, e.g. 2018-04-25T10:00:00Z", v)
	}
	return t, nil
}

// MarshalDecimal writes an exact decimal as a JSON string, keeping the
// scale it was written or computed with ("1250000.50" stays so).
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.MarshalString(d.String()) // scale kept: see ent/schema decimal init
}

// UnmarshalDecimal reads an exact decimal from a string or a JSON number
// (taken as written, never through a float).
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case int:
		return decimal.NewFromInt(int64(v)), nil
	case int64:
		return decimal.NewFromInt(v), nil
	default:
		return decimal.Decimal{}, apperr.BadInput("", "a Decimal is a string such as \"1250000.50\", got %v", v)
	}
	d, err := decimal.NewFromString(s)
	if err != nil || strings.ContainsAny(s, "eE") {
		return decimal.Decimal{}, apperr.BadInput("", "%q is not a decimal number: write it as digits with an optional point, e.g. 1250000.50", s)
	}
	return d, nil
}
