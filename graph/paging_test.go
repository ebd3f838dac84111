package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/server/demo"
)

// TestPagingEveryOrder: on the demo registry, every root connection read
// page by page (first: 2, after: the last cursor; and backwards, last: 2,
// before: the first cursor) gives the same nodes in the same order as
// read in one page, for every field it can be ordered
// by, both directions, and its default order. The connections and their
// order fields come from the schema, so a new one is covered when it is
// added. (Paging by a date or a time order lost or repeated pages on
// SQLite before: TestPagingByDate, TestPagingByTime; by an optional field
// it left out the rows without a value on both databases: package
// keyset.)
func TestPagingEveryOrder(t *testing.T) {
	schema := graph.NewSchema(nil).Schema()
	type order struct{ field, dir string }
	connections := map[string][]order{} // root field -> its orders ("" field: the default)
	nullable := 0                       // orders by an optional field: rows without a value sort first or last
	for _, f := range schema.Query.Fields {
		typ := schema.Types[f.Type.Name()]
		if typ == nil || !strings.HasSuffix(typ.Name, "Connection") || f.Arguments.ForName("after") == nil {
			continue
		}
		orders := []order{{}}
		if a := f.Arguments.ForName("orderBy"); a != nil {
			input := schema.Types[a.Type.Name()]
			enum := schema.Types[input.Fields.ForName("field").Type.Name()]
			node := schema.Types[schema.Types[typ.Fields.ForName("edges").Type.Name()].Fields.ForName("node").Type.Name()]
			for _, v := range enum.EnumValues {
				if optional(node, v.Name) {
					nullable++
				}
				for _, dir := range []string{"ASC", "DESC"} {
					orders = append(orders, order{v.Name, dir})
				}
			}
		}
		connections[f.Name] = orders
	}
	if nullable < 10 {
		t.Fatalf("only %d orders by an optional field found", nullable)
	}
	if len(connections) < 10 {
		t.Fatalf("only %d root connections found: %v", len(connections), connections)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.Load(authz.SystemContext(context.Background()), db.Client); err != nil {
			t.Fatal(err)
		}
		a := newAPI(t, db)
		checked := 0
		for field, orders := range connections {
			for _, o := range orders {
				arg := ""
				if o.field != "" {
					arg = fmt.Sprintf(", orderBy: {field: %s, direction: %s}", o.field, o.dir)
				}
				// read asks for n rows: the first ones after cursor, or
				// the last ones before it (backwards).
				read := func(n int, cursor *string, backwards bool) page {
					var out map[string]page
					rows := fmt.Sprintf("first: %d, after: $c", n)
					if backwards {
						rows = fmt.Sprintf("last: %d, before: $c", n)
					}
					a.do(fmt.Sprintf(`query($c: Cursor) { c: %s(%s%s) {
						edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, field, rows, arg), &out, "c", cursor)
					return out["c"]
				}
				one := read(100, nil, false)
				if one.PageInfo.HasNextPage {
					continue // more than one full page (the audit trail, the feed): no one-page reading to compare with
				}
				all := walkPages(1, false, func(*string) page { return one })
				for _, backwards := range []bool{false, true} {
					paged := walkPages(len(all)+1, backwards, func(cursor *string) page { return read(2, cursor, backwards) })
					if !slices.Equal(paged, all) {
						t.Errorf("%s%s (backwards %t): pages gave %v, one page %v", field, arg, backwards, paged, all)
					}
				}
				if len(all) > 2 {
					checked++
				}
			}
		}
		if checked < 20 {
			t.Errorf("only %d orders had more than one page of demo rows", checked)
		}
		t.Logf("%d root connections, %d orders with more than one page, %d order fields optional", len(connections), checked, nullable)
	})
}

// optional reports whether order enum value v (STARTS_ON) names a field
// of node (startsOn) that may be null.
func optional(node *ast.Definition, v string) bool {
	parts := strings.Split(strings.ToLower(v), "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	f := node.Fields.ForName(strings.Join(parts, ""))
	return f != nil && !f.Type.NonNull
}
