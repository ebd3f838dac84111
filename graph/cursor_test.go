package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// TestBadCursors: a cursor that does not decode is bad input, wherever
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
		// A cursor whose order value is a map (forged: no order gives one)
		// is refused too; an absent or null cursor is no cursor.
		var forged bytes.Buffer
		ent.Cursor{ID: 1, Value: map[string]any{"x": 1}}.MarshalGQL(&forged)
		c, err := strconv.Unquote(forged.String())
		if err != nil {
			t.Fatal(err)
		}
		a.fails(`query($c: Cursor) { people { edges { node { appointments(after: $c) { totalCount } } } } }`, "BAD_USER_INPUT", "after", "c", c)
		a.do(`{ people { edges { node { appointments(after: null) { totalCount } } } } }`, nil)
		a.do(`query($c: Cursor) { people { edges { node { appointments(after: $c) { totalCount } } } } }`, nil)

		// A cursor of another order: a name where a time is compared.
		var byName struct {
			People struct {
				PageInfo struct{ EndCursor string }
			}
		}
		a.do(`{ people(first: 1, orderBy: {field: NAME}) { edges { cursor } pageInfo { endCursor } } }`, &byName)
		for _, q := range []string{
			`query($c: Cursor) { people(after: $c, orderBy: {field: CREATED_AT}) { totalCount } }`,
			`query($c: Cursor) { organisations { edges { node { appointments(after: $c, orderBy: {field: STARTS_ON}) { totalCount } } } } }`,
		} {
			if e := a.fails(q, "BAD_USER_INPUT", "after", "c", byName.People.PageInfo.EndCursor); !strings.Contains(e.Message, "another order") {
				t.Errorf("message %q", e.Message)
			}
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
		// An unordered page's cursor (no order value) under orderBy NAME,
		// and a NAME cursor without orderBy, are of another order too: the
		// first gave page 1 again on SQLite (a client paging until
		// hasNextPage is false never stopped), the second paged by id.
		for _, c := range []struct{ q, cursor string }{
			{`query($c: Cursor) { people(first: 1, after: $c, orderBy: {field: NAME}) { totalCount } }`, page.People.PageInfo.EndCursor},
			{`query($c: Cursor) { people(first: 1, after: $c) { totalCount } }`, byName.People.PageInfo.EndCursor},
		} {
			if e := a.fails(c.q, "BAD_USER_INPUT", "after", "c", c.cursor); !strings.Contains(e.Message, "another order") {
				t.Errorf("message %q", e.Message)
			}
		}
		a.do(`query($c: Cursor) { people { edges { node { appointments(after: $c) { totalCount } } } } }`, nil, "c", page.People.PageInfo.EndCursor)
	})
}

// TestPagingByDate: a cursor of a connection ordered by a date field
// pages on. On SQLite a date's cursor value compared as a BLOB, which
// sorts after every text, so the page after it came back empty.
func TestPagingByDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		for i, start := range []string{"2024-01-01", "2022-06-30", "2023-03-15"} {
			p := db.Client.Person.Create().SetName(fmt.Sprintf("Paged %d", i)).SaveX(ctx)
			db.Client.Appointment.Create().SetPersonID(p.ID).SetSeatAllocationID(w.alloc).SetOnBehalfOfID(w.org).
				SetStartsOn(dates.MustParse(start)).SetEndsOn(dates.MustParse(start).AddDays(30)).ExecX(ctx) // the seats are few
		}
		a := newAPI(t, db)
		const fields = `edges { node { startsOn } } pageInfo { hasNextPage endCursor }`
		want := []string{"2022-06-30", "2023-03-15", "2024-01-01"}
		for _, dir := range []string{"ASC", "DESC"} {
			if dir == "DESC" {
				want = []string{want[2], want[1], want[0]}
			}
			root := walkPages(5, false, func(after *string) page {
				var out struct{ Appointments page }
				a.do(`query($a: Cursor, $d: OrderDirection!) { appointments(first: 1, after: $a, orderBy: {field: STARTS_ON, direction: $d}) { `+fields+` } }`,
					&out, "a", after, "d", dir)
				return out.Appointments
			})
			nested := walkPages(5, false, func(after *string) page {
				var out struct {
					Node struct{ Appointments page }
				}
				a.do(`query($id: ID!, $a: Cursor, $d: OrderDirection!) { node(id: $id) { ... on Organisation {
					appointments(first: 1, after: $a, orderBy: {field: STARTS_ON, direction: $d}) { `+fields+` } } } }`,
					&out, "id", w.org, "a", after, "d", dir)
				return out.Node.Appointments
			})
			for name, got := range map[string][]string{"root": root, "nested": nested} {
				if !slices.Equal(got, want) {
					t.Errorf("%s %s: pages gave %v, want %v", name, dir, got, want)
				}
			}
		}
	})
}

// TestPagingByTime: the same for a time order. On SQLite a time was
// written as Go's time.String, with the monotonic clock reading and the
// zone name, while a cursor's time had neither: the row of the cursor
// compared greater than itself and the first page came back forever.
// Times are now written in one sortable form, in UTC (store.SQLiteDSN).
func TestPagingByTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		var want []string
		for i := range 4 {
			name := fmt.Sprintf("Timed %d", 3-i) // names sort against creation
			db.Client.Person.Create().SetName(name).ExecX(ctx)
			want = append(want, name)
		}
		a := newAPI(t, db)
		for _, field := range []string{"CREATED_AT", "UPDATED_AT"} {
			got := walkPages(5, false, func(after *string) page {
				var out struct{ People page }
				a.do(`query($a: Cursor) { people(first: 1, after: $a, orderBy: {field: `+field+`}) {
					edges { node { name } } pageInfo { hasNextPage endCursor } } }`, &out, "a", after)
				return out.People
			})
			if !slices.Equal(got, want) {
				t.Errorf("%s: pages gave %v, want %v", field, got, want)
			}
		}
	})
}

// page is a connection page as the paging tests read it: each node's id,
// startsOn or name (what the query selects).
type page struct {
	Edges []struct {
		Node struct{ ID, StartsOn, Name string }
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

// walkPages reads pages with next, from the first one on (backwards: from
// the last one back) while there is another, at most limit pages, and
// returns what their nodes held, in the connection's order.
func walkPages(limit int, backwards bool, next func(cursor *string) page) []string {
	var got []string
	var cursor *string
	for range limit {
		p := next(cursor)
		var held []string
		for _, e := range p.Edges {
			held = append(held, e.Node.ID+e.Node.StartsOn+e.Node.Name)
		}
		if backwards {
			got, cursor = append(held, got...), p.PageInfo.StartCursor
			if !p.PageInfo.HasPreviousPage {
				break
			}
		} else {
			got, cursor = append(got, held...), p.PageInfo.EndCursor
			if !p.PageInfo.HasNextPage {
				break
			}
		}
	}
	return got
}
