// Package rules holds the invariants that every write must keep, whatever
// path it comes by (GraphQL mutation, demo loader, import). They run as ent
// hooks registered in the schema, so no caller can skip them.
package rules

import (
	"strings"
	"unicode"
)

// gqlName turns an ent field or edge name (starts_on) into its GraphQL
// input name (startsOn), as entgql does.
func gqlName(s string) string {
	var b strings.Builder
	upper := false
	for _, r := range s {
		switch {
		case r == '_':
			upper = true
		case upper:
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GQLName is gqlName for other packages (the error presenter).
func GQLName(s string) string { return gqlName(s) }
