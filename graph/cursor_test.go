package graph_test

import (
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// TestBadCursors: a cursor this API did not issue is bad input, wherever
// it is given: at the root or on a connection below it (which ent loads
// with its parent: entgql's loader panicked on such a cursor and the
// whole root field was lost as INTERNAL), as a literal or a variable.
func TestBadCursors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedWorld(t, db.Client)
		a := newAPI(t, db)
		for name, q := range map[string]string{
			"root":            `{ people(after: "not a cursor") { totalCount } }`,
			"root, variable":  `query($c: Cursor) { people(before: $c, last: 2) { totalCount } }`,
			"nested":          `{ people { edges { node { name appointments(after: "not a cursor") { totalCount } } } } }`,
			"nested variable": `query($c: Cursor) { people { edges { node { appointments(before: $c) { totalCount } } } } }`,
		} {
			t.Run(name, func(t *testing.T) {
				field := "after"
				if strings.Contains(q, "before") {
					field = "before"
				}
				e := a.on(t).fails(q, "BAD_USER_INPUT", field, "c", "bm90IGEgY3Vyc29y")
				if !strings.Contains(e.Message, "cursor") {
					t.Errorf("message %q", e.Message)
				}
			})
		}
		// A cursor the API issued still pages.
		var page struct {
			People struct {
				PageInfo struct{ EndCursor string }
			}
		}
		a.do(`{ people(first: 1) { edges { cursor } pageInfo { endCursor } } }`, &page)
		if page.People.PageInfo.EndCursor == "" {
			t.Fatal("no end cursor")
		}
		a.do(`query($c: Cursor) { people { edges { node { appointments(after: $c) { totalCount } } } } }`, nil, "c", page.People.PageInfo.EndCursor)
	})
}
