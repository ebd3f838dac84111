package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph"
)

// contactFields are the personal data only READER and above may see.
var contactFields = map[string][]string{
	"Person":            {"email", "phone", "gender"},
	"Appointment":       {"note"},
	"NominationRequest": {"note"},
}

// path is a way from the query root to a type with contact data.
type path struct {
	query string // the GraphQL document
	steps string // for test names
}

// paths walks the schema from Query to every type in contactFields, up to
// maxDepth fields deep, through connections (edges.node) and lists, with
// no type twice on a path, and builds a query for each path. The walk
// reads the schema itself, so a field added later is walked too.
func paths(t *testing.T, s *ast.Schema, ids map[string]int, maxDepth int) []path {
	t.Helper()
	var out []path
	var walk func(typ *ast.Definition, seen []string, steps []string, open, close string)
	walk = func(typ *ast.Definition, seen []string, steps []string, open, close string) {
		if fields, ok := contactFields[typ.Name]; ok {
			sel := "id " + strings.Join(fields, " ")
			out = append(out, path{query: "{ " + open + sel + close + " }", steps: strings.Join(steps, ".")})
		}
		if len(steps) >= maxDepth {
			return
		}
		for _, f := range typ.Fields {
			target, conn := s.Types[f.Type.Name()], false
			if target == nil || target.Kind != ast.Object || strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.HasSuffix(target.Name, "Connection") {
				node := s.Types[target.Fields.ForName("edges").Type.Name()].Fields.ForName("node")
				target, conn = s.Types[node.Type.Name()], true
			}
			if slices.Contains(seen, target.Name) {
				continue
			}
			o, c := f.Name+" { ", " }"
			if conn {
				o, c = f.Name+" { edges { node { ", " } } }"
			}
			walk(target, append(seen, target.Name), append(steps, f.Name), open+o, c+close)
		}
	}
	root := s.Query
	for _, f := range root.Fields {
		switch f.Name {
		case "node", "nodes":
			// Reach every type through the Node interface, by id.
			for name, id := range ids {
				arg := fmt.Sprintf("(id: %d)", id)
				if f.Name == "nodes" {
					arg = fmt.Sprintf("(ids: [%d])", id)
				}
				walk(s.Types[name], []string{name}, []string{f.Name, name}, f.Name+arg+" { ... on "+name+" { ", " } }")
			}
		default:
			typ := s.Types[f.Type.Name()]
			if typ == nil || !strings.HasSuffix(typ.Name, "Connection") {
				continue
			}
			node := s.Types[s.Types[typ.Fields.ForName("edges").Type.Name()].Fields.ForName("node").Type.Name()]
			if node.Name == "AuditEvent" || node.Name == "ApiToken" {
				continue // ADMIN only: no contact data for anyone else to see
			}
			walk(node, []string{node.Name}, []string{f.Name}, f.Name+" { edges { node { ", " } } }")
		}
	}
	return out
}

// collect finds every object in v that has one of the contact fields and
// returns what each holds.
func collect(v any, found *[]map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for _, fields := range contactFields {
			if _, ok := x[fields[0]]; ok {
				*found = append(*found, x)
			}
		}
		for _, c := range x {
			collect(c, found)
		}
	case []any:
		for _, c := range x {
			collect(c, found)
		}
	}
}

// TestContactDataOnEveryPath: on every path by which a Person (or an
// appointment note) can be reached, contact fields are null for ANONYMOUS
// and present for READER.
func TestContactDataOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := newAPI(t, db)
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		// Every person has contact data, every appointment and letter a
		// note, and every relation is used, so that every path reaches data.
		c := db.Client
		person := func(name string) int {
			return c.Person.Create().SetName(name).SetEmail("demo@example.org").SetPhone("+45 00 00 00 00").
				SetGender(vocab.Female).SetAffiliationID(w.org).SaveX(ctx).ID
		}
		c.Person.UpdateOneID(w.person).SetEmail("demo@example.org").SetPhone("+45 00 00 00 00").
			SetGender(vocab.Male).SetAffiliationID(w.org).ExecX(ctx)
		c.SeatAllocation.UpdateOneID(w.alloc).SetNominatingOrganisationID(w.org).AddEligibleOrganisationIDs(w.org).ExecX(ctx)
		c.Body.UpdateOneID(w.body).SetOwnerID(w.org).ExecX(ctx)
		create := func(p int, from, to string) *ent.AppointmentCreate {
			q := c.Appointment.Create().SetPersonID(p).SetSeatAllocationID(w.alloc).SetOnBehalfOfID(w.org).
				SetStartsOn(dates.MustParse(from)).SetNote("internal note")
			if to != "" {
				q.SetEndsOn(dates.MustParse(to))
			}
			return q
		}
		create(w.person, "2018-04-25", "2018-05-31").ExecX(ctx)
		ap := create(w.person, "2018-06-01", "").SaveX(ctx) // linked to the term before
		create(person("Alternate"), "2018-06-01", "").SetAlternateForID(ap.ID).ExecX(ctx)
		old := create(person("Replaced"), "2018-06-01", "2019-12-31").SaveX(ctx)
		create(person("Successor"), "2020-01-01", "").SetReplacesID(old.ID).ExecX(ctx)
		c.NominationRequest.Create().SetSeatAllocationID(w.alloc).SetOrganisationID(w.org).SetStatus(vocab.Nominated).
			SetNomineeID(w.person).SetAppointmentID(ap.ID).SetNote("internal note").ExecX(ctx)
		seedProgramme(t, c, w)
		ids := map[string]int{"Person": w.person, "Appointment": ap.ID, "Organisation": w.org, "Body": w.body, "SeatAllocation": w.alloc}
		schema := graph.NewSchema(db.Client).Schema()
		all := paths(t, schema, ids, 4)
		if len(all) < 30 {
			t.Fatalf("only %d paths found: the walk is broken", len(all))
		}
		anon, reader := admin.as(authz.Anonymous), admin.as(authz.Reader)
		for _, p := range all {
			t.Run(p.steps, func(t *testing.T) {
				for _, c := range []struct {
					who  *api
					seen bool
				}{{anon, false}, {reader, true}} {
					var data any
					c.who.on(t).do(p.query, &data)
					var objs []map[string]any
					collect(data, &objs)
					if len(objs) == 0 {
						t.Fatalf("path reached nothing: %s", p.query)
					}
					for _, o := range objs {
						for _, fields := range contactFields {
							for _, f := range fields {
								v, ok := o[f]
								if !ok {
									continue
								}
								if (v != nil) != c.seen {
									b, _ := json.Marshal(o)
									t.Fatalf("seen=%v but %s = %v in %s\nquery: %s", c.seen, f, v, b, p.query)
								}
							}
						}
					}
				}
			})
		}
		t.Logf("%d paths walked", len(all))
		// Contact fields cannot be used as filters (a filter would leak them).
		anon.fails(`{ people(where: {emailContains: "example"}) { totalCount } }`, "BAD_USER_INPUT", "")
		anon.fails(`{ appointments(where: {noteContains: "internal"}) { totalCount } }`, "BAD_USER_INPUT", "")
	})
}
