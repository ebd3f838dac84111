package sequential

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// FieldSet is graphql.FieldSet for the objects below the roots, whose
// fields the generated code resolves one after another (see graph/gqlgen.go,
// which rewrites their graphql.NewFieldSet calls to NewFieldSet). It keeps
// the part of graphql.FieldSet's API that such code uses (Values, Invalids,
// Dispatch) and writes the same JSON, with less garbage per object:
// graphql.FieldSet.MarshalGQL makes a map per object to skip repeated
// aliases and moves every field to the heap while iterating; together with
// the set and its Values, in two allocations, that was about a fifth of the
// bytes the nested benchmark query allocated. Here the set and, for up to
// inlineFields fields, its Values are one allocation, and repeated aliases
// (which graphql.CollectFields already merges) are found by a scan.
type FieldSet struct {
	fields   []graphql.CollectedField
	Values   []graphql.Marshaler
	Invalids uint32
	inline   [inlineFields]graphql.Marshaler
}

// inlineFields is how many values fit in the set's own allocation; most
// selections below the roots are this small (the struct is 128 bytes).
const inlineFields = 4

var _ graphql.Marshaler = (*FieldSet)(nil)

// NewFieldSet is graphql.NewFieldSet for objects without concurrent fields.
func NewFieldSet(fields []graphql.CollectedField) *FieldSet {
	m := &FieldSet{fields: fields}
	if len(fields) <= inlineFields {
		m.Values = m.inline[:len(fields):len(fields)]
	} else {
		m.Values = make([]graphql.Marshaler, len(fields))
	}
	return m
}

// Dispatch does nothing: no field of the set was deferred to it.
func (m *FieldSet) Dispatch(context.Context) {}

// MarshalGQL writes the object as graphql.FieldSet does: the fields in
// order, a repeated alias only the first time. An alias is a GraphQL name
// ([_A-Za-z][_0-9A-Za-z]*), which needs no escaping in JSON.
func (m *FieldSet) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	first := true
	var written map[string]struct{} // only for sets too large to scan
	for i := range m.fields {
		alias := m.fields[i].Alias
		if m.repeated(i, alias, &written) {
			continue
		}
		if first {
			_, _ = io.WriteString(w, `"`)
			first = false
		} else {
			_, _ = io.WriteString(w, `,"`)
		}
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		m.Values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// scanFields is the largest set whose repeated aliases are found by
// comparing with every earlier field; larger sets use a map.
const scanFields = 16

// repeated reports whether field i's alias was written before it.
func (m *FieldSet) repeated(i int, alias string, written *map[string]struct{}) bool {
	if len(m.fields) <= scanFields {
		for j := range i {
			if m.fields[j].Alias == alias {
				return true
			}
		}
		return false
	}
	if *written == nil {
		*written = make(map[string]struct{}, len(m.fields))
	}
	if _, ok := (*written)[alias]; ok {
		return true
	}
	(*written)[alias] = struct{}{}
	return false
}
