package graph_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph/generated"
)

// feedPage is a page of the change feed as the tests read it.
type feedPage struct {
	Changes struct {
		Edges []struct {
			Cursor string
			Node   feedEvent
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

type feedEvent struct {
	ID         string
	EntityType string
	EntityID   string
	Operation  string
	Fields     []string
	Node       *struct {
		ID    string
		Name  string
		Email *string
	}
}

const feedQuery = `query($after: Cursor, $first: Int, $types: [String!]) {
  changes(after: $after, first: $first, types: $types) {
    edges { cursor node { id entityType entityID operation fields
      node { id ... on Person { name email } ... on Organisation { name } } } }
    pageInfo { hasNextPage endCursor }
  }
}`

// readFeed reads the whole feed after cursor (nil: from the start), page by
// page, as a client that stores its cursor does; it returns the events and
// the cursor to store.
func (a *api) readFeed(after *string, page int, types ...string) ([]feedEvent, *string) {
	a.t.Helper()
	var all []feedEvent
	var ts any
	if types != nil {
		ts = types
	}
	for {
		var p feedPage
		a.do(feedQuery, &p, "after", after, "first", page, "types", ts)
		for _, e := range p.Changes.Edges {
			all = append(all, e.Node)
		}
		if p.Changes.PageInfo.EndCursor != nil {
			after = p.Changes.PageInfo.EndCursor
		}
		if !p.Changes.PageInfo.HasNextPage {
			return all, after
		}
	}
}

func TestChangeFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		reader := admin.as(authz.Reader)
		anon := admin.as(authz.Anonymous)
		_, start := admin.readFeed(nil, 100)

		var org struct{ CreateOrganisation struct{ ID string } }
		admin.do(`mutation { createOrganisation(input: {name: "Aarhus Kommune", kind: MUNICIPALITY, municipalityCode: "751"}) { id } }`, &org)
		admin.do(`mutation($id: ID!) { updateOrganisation(id: $id, expectedVersion: 1, input: {website: "https://www.aarhus.dk"}) { id } }`, nil, "id", org.CreateOrganisation.ID)
		var p struct{ CreatePerson struct{ ID string } }
		admin.do(`mutation { createPerson(input: {name: "Jens Å", email: "jens@example.dk"}) { id } }`, &p)
		// A refused mutation leaves no event (nor any data).
		unchanged(t, db, func() {
			admin.fails(`mutation { createPerson(input: {name: ""}) { id } }`, "BAD_USER_INPUT", "name")
		})

		t.Run("in commit order with the fields changed", func(t *testing.T) {
			events, _ := admin.on(t).readFeed(start, 100)
			var got []string
			for _, e := range events {
				if e.EntityType != "ApiToken" {
					got = append(got, e.EntityType+" "+e.Operation+" "+fmt.Sprint(e.Fields))
				}
			}
			want := []string{
				"Organisation CREATE [created_at kind municipality_code name updated_at version]",
				"Organisation UPDATE [updated_at version website]",
				"Person CREATE [created_at email gender name updated_at version]",
			}
			if !slices.Equal(got, want) {
				t.Fatalf("feed:\n got %q\nwant %q", got, want)
			}
		})

		t.Run("a stored cursor reads each event once", func(t *testing.T) {
			all, _ := reader.on(t).readFeed(nil, 100)
			paged, _ := reader.on(t).readFeed(nil, 2)
			if !sameIDs(all, paged) || len(all) < 3 {
				t.Fatalf("paging by 2 read %d events, the whole feed has %d", len(paged), len(all))
			}
			// Nothing new: the stored cursor reads nothing, and stays.
			_, end := reader.on(t).readFeed(nil, 100)
			if again, next := reader.on(t).readFeed(end, 100); len(again) != 0 || *next != *end {
				t.Fatalf("after the end: %d events, cursor %v", len(again), next)
			}
		})

		t.Run("types filter", func(t *testing.T) {
			events, _ := reader.on(t).readFeed(nil, 100, "Person")
			if len(events) == 0 {
				t.Fatal("no Person events")
			}
			for _, e := range events {
				if e.EntityType != "Person" {
					t.Fatalf("types [Person] returned %s", e.EntityType)
				}
			}
			reader.on(t).fails(`{ changes(types: ["Persons"]) { totalCount } }`, "BAD_USER_INPUT", "types")
			// An empty list is every type, as omitting it (it was none: a
			// client following the feed never got a cursor).
			var all, empty struct{ Changes struct{ TotalCount int } }
			reader.on(t).do(`{ changes { totalCount } }`, &all)
			reader.on(t).do(`{ changes(types: []) { totalCount } }`, &empty)
			if all.Changes.TotalCount == 0 || empty.Changes.TotalCount != all.Changes.TotalCount {
				t.Errorf("types [] gave %d events, no types %d", empty.Changes.TotalCount, all.Changes.TotalCount)
			}
		})

		t.Run("nodes with the reader's privileges", func(t *testing.T) {
			for _, c := range []struct {
				who       *api
				wantEmail bool
			}{{anon, false}, {reader, true}} {
				events, _ := c.who.on(t).readFeed(start, 100, "Person")
				if len(events) != 1 || events[0].Node == nil || events[0].Node.Name != "Jens Å" {
					t.Fatalf("person event: %+v", events)
				}
				if got := events[0].Node.Email != nil; got != c.wantEmail {
					t.Fatalf("email visible = %v, want %v", got, c.wantEmail)
				}
			}
		})

		t.Run("admin-only types only for admins", func(t *testing.T) {
			admin.on(t).as(authz.Reader) // creates an ApiToken
			for _, c := range []struct {
				who  *api
				want bool
			}{{admin, true}, {reader, false}, {anon, false}} {
				events, _ := c.who.on(t).readFeed(nil, 100)
				has := slices.ContainsFunc(events, func(e feedEvent) bool { return e.EntityType == "ApiToken" })
				if has != c.want {
					t.Fatalf("ApiToken events shown = %v, want %v", has, c.want)
				}
			}
		})

		t.Run("a deleted entity's node is null", func(t *testing.T) {
			ctx := authz.SystemContext(context.Background())
			id := decodeID(t, p.CreatePerson.ID)
			if err := db.Client.Person.DeleteOneID(id).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			events, _ := admin.on(t).readFeed(start, 100, "Person")
			if len(events) != 2 || events[1].Operation != "DELETE" {
				t.Fatalf("want CREATE and DELETE of the person, got %+v", events)
			}
			for _, e := range events {
				if e.Node != nil {
					t.Fatalf("node of a deleted person: %+v", e.Node)
				}
			}
		})
	})
}

func sameIDs(a, b []feedEvent) bool {
	return slices.EqualFunc(a, b, func(x, y feedEvent) bool { return x.ID == y.ID })
}

// TestChangeFeedUnderConcurrentWrites: writers commit while a client polls
// the feed with its stored cursor; at the end the client has read every
// event exactly once, in id order — no event committed "behind" its cursor.
func TestChangeFeedUnderConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		_, cursor := admin.readFeed(nil, 100)
		const writers, each = 4, 10
		var wg sync.WaitGroup
		done := make(chan struct{})
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					admin.do(`mutation($n: String!) { createPerson(input: {name: $n}) { id } }`, nil, "n", fmt.Sprintf("W%d-%d", w, i))
				}
			}()
		}
		go func() { wg.Wait(); close(done) }()
		var seen []feedEvent
		for polling := true; polling; {
			select {
			case <-done:
				polling = false
			default:
			}
			events, next := admin.readFeed(cursor, 7, "Person")
			seen = append(seen, events...)
			cursor = next
		}
		ids := map[string]bool{}
		for _, e := range seen {
			if ids[e.ID] {
				t.Fatalf("event %s read twice", e.ID)
			}
			ids[e.ID] = true
		}
		if len(seen) != writers*each {
			t.Fatalf("read %d events while polling, %d were written", len(seen), writers*each)
		}
		if !slices.IsSortedFunc(seen, func(a, b feedEvent) int { return cmp.Compare(decodeID(t, a.ID), decodeID(t, b.ID)) }) {
			t.Fatal("events not in id order")
		}
	})
}

// decodeID is the number of a global id.
func decodeID(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

func TestUpdatedSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		type org struct {
			ID        string
			Version   int
			UpdatedAt string
		}
		create := func(name string) org {
			var out struct{ CreateOrganisation org }
			a.do(`mutation($n: String!) { createOrganisation(input: {name: $n, kind: COMPANY}) { id version updatedAt } }`, &out, "n", name)
			return out.CreateOrganisation
		}
		since := func(ts string) []string {
			var out struct {
				Organisations struct {
					Edges []struct{ Node struct{ Name string } }
				}
			}
			a.do(`query($ts: Time) { organisations(updatedSince: $ts, orderBy: {field: NAME}) { edges { node { name } } } }`, &out, "ts", ts)
			var names []string
			for _, e := range out.Organisations.Edges {
				names = append(names, e.Node.Name)
			}
			return names
		}
		first := create("Alfa A/S")
		second := create("Beta A/S")
		if got := since(second.UpdatedAt); !slices.Equal(got, []string{"Beta A/S"}) {
			t.Fatalf("updatedSince the second's creation: %q", got)
		}
		a.do(`mutation($id: ID!, $v: Int!) { updateOrganisation(id: $id, expectedVersion: $v, input: {website: "https://alfa.dk"}) { id } }`, nil, "id", first.ID, "v", first.Version)
		if got := since(second.UpdatedAt); !slices.Equal(got, []string{"Alfa A/S", "Beta A/S"}) {
			t.Fatalf("after updating the first: %q", got)
		}
		if got := since(first.UpdatedAt); len(got) != 2 {
			t.Fatalf("updatedSince the first's creation: %q", got)
		}
	})
}

// TestEveryRootConnectionHonoursUpdatedSince walks the schema: every root
// connection with updatedSince returns nothing for an instant in the
// future, where it has rows without it.
func TestEveryRootConnectionHonoursUpdatedSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		seedProgramme(t, db.Client, w)
		a.do(`mutation { createWebhookEndpoint(input: {name: "hook", url: "http://127.0.0.1:1/hook", role: READER}) { secret } }`, nil)
		s := generated.NewExecutableSchema(generated.Config{}).Schema()
		future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		checked := 0
		for _, f := range s.Query.Fields {
			if f.Arguments.ForName("updatedSince") == nil {
				continue
			}
			count := func(since any) int {
				var out map[string]struct{ TotalCount int }
				a.on(t).do(fmt.Sprintf(`query($s: Time) { %s(updatedSince: $s) { totalCount } }`, f.Name), &out, "s", since)
				return out[f.Name].TotalCount
			}
			if count(nil) == 0 {
				continue
			}
			checked++
			if n := count(future); n != 0 {
				t.Errorf("%s(updatedSince: tomorrow) has %d rows", f.Name, n)
			}
		}
		if checked < 15 {
			t.Fatalf("only %d root connections had rows to check", checked)
		}
		t.Logf("%d root connections checked", checked)
	})
}

// TestEmptyEdgeListsAreNoChange: a write that names an edge with no ids
// (as a loader may) does not report that edge as changed.
func TestEmptyEdgeListsAreNoChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		_, start := a.readFeed(nil, 100)
		ctx := authz.SystemContext(context.Background())
		db.Client.Body.Create().SetName("Vækstforum").SetKind(vocab.Council).AddAdviseIDs().AddReplaceIDs().SaveX(ctx)
		events, _ := a.readFeed(start, 100, "Body")
		if len(events) != 1 {
			t.Fatalf("want one Body event, got %+v", events)
		}
		for _, f := range events[0].Fields {
			if f == "advises" || f == "replaces" {
				t.Fatalf("fields %v name an edge that got no ids", events[0].Fields)
			}
		}
	})
}
