package rules

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent"
	"github.com/go-openapi/inflect"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/hook"
)

// target is the table an edge points to, and whether the edge is unique
// (set through an edge field such as bodyID) or many (memberIDs).
type target struct {
	table  string
	unique bool
}

// inputName is the GraphQL input field that sets edge (as entgql names it).
func inputName(edge string, t target, create bool) string {
	if t.unique {
		return gqlName(edge) + "ID"
	}
	n := gqlName(inflect.Singularize(edge)) + "IDs"
	if !create {
		n = "add" + strings.ToUpper(n[:1]) + n[1:]
	}
	return n
}

// References refuses a write that links to a record that does not exist
// (or is of another type) with NOT_FOUND naming the input field, before
// the database's foreign keys would refuse it without saying which.
func References() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			cm, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return nil, fmt.Errorf("references: mutation %T has no client", m)
			}
			targets := edgeTargets[m.Type()]
			for _, edge := range m.AddedEdges() {
				t, ok := targets[edge]
				if !ok {
					return nil, fmt.Errorf("references: no target known for %s.%s", m.Type(), edge)
				}
				input := inputName(edge, t, m.Op().Is(ent.OpCreate))
				for _, id := range m.AddedIDs(edge) {
					if err := exists(ctx, cm.Client(), t.table, id); gen.IsNotFound(err) {
						return nil, apperr.New(apperr.NotFound, input, "%s: no %s with id %v", input, singular(t.table), id)
					} else if err != nil {
						return nil, fmt.Errorf("references: %s %v: %w", input, id, err)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

func exists(ctx context.Context, c *gen.Client, table string, id ent.Value) error {
	n, ok := id.(int)
	if !ok {
		return fmt.Errorf("id %v is not an int", id)
	}
	_, err := c.Noder(ctx, n, gen.WithFixedNodeType(table))
	return err
}

// singular names a table's row in messages: "seat_allocations" → "seat allocation".
func singular(table string) string {
	return strings.ReplaceAll(inflect.Singularize(table), "_", " ")
}
