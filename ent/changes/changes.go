// Package changes holds the record of one field's change, as the audit
// trail stores it (a plain type, so the generated ent code can use it).
package changes

// Field is one field's (or edge's) value before and after a change. Values
// are JSON; a sensitive field shows only that it changed.
type Field struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}
