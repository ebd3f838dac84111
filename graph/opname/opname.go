// Package opname decides which GraphQL operation names may be written to
// logs, metric labels and trace attributes.
package opname

import "regexp"

// plain is a GraphQL name of at most 64 characters.
var plain = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// Plain reports whether name is a plain GraphQL name of at most 64
// characters: an identifier that a client's developer chose for a
// document, safe to record. Anything else (the operationName of a request
// whose document never parsed may be any string) is not recorded.
func Plain(name string) bool { return plain.MatchString(name) }
