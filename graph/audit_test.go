package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/auditevent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

type auditPage struct {
	AuditEvents struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Actor, Role, RequestID, Operation, EntityType string
				EntityID                                      string
				Changes                                       []struct {
					Field         string
					Before, After any
				}
			}
		}
	}
}

const auditQuery = `query($w: AuditEventWhereInput) {
  auditEvents(where: $w, orderBy: {field: TIME}) { totalCount edges { node {
    actor role requestID operation entityType entityID changes { field before after } } } } }`

// TestAuditTrail: every mutation writes its audit events in its own
// transaction; a failed one writes none; the trail is ADMIN-only and can
// be neither changed nor deleted.
func TestAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		var created struct{ CreateOrganisation struct{ ID string } }
		resp, err := a.c.RawPost(`mutation { createOrganisation(input: {name: "Skive Kommune", kind: MUNICIPALITY, municipalityCode: "779"}) { id } }`,
			client.AddHeader("X-Request-Id", "req-create-1"))
		if err != nil || resp.Errors != nil {
			t.Fatalf("create: %v %s", err, resp.Errors)
		}
		id := resp.Data.(map[string]any)["createOrganisation"].(map[string]any)["id"].(string)
		created.CreateOrganisation.ID = id
		a.do(`mutation($id: ID!) { updateOrganisation(id: $id, expectedVersion: 1, input: {name: "Skive Kommune (ny)"}) { version } }`, nil, "id", id)

		var page auditPage
		a.do(auditQuery, &page, "w", map[string]any{"entityType": "Organisation", "entityID": id})
		if page.AuditEvents.TotalCount != 2 {
			t.Fatalf("want 2 audit events, got %+v", page)
		}
		c, u := page.AuditEvents.Edges[0].Node, page.AuditEvents.Edges[1].Node
		if c.Operation != "CREATE" || c.Actor != "admin-token" || c.Role != "ADMIN" || c.RequestID != "req-create-1" || c.EntityID != id {
			t.Errorf("create event: %+v", c)
		}
		if !hasChange(c.Changes, "municipality_code", nil, "779") || !hasChange(c.Changes, "name", nil, "Skive Kommune") {
			t.Errorf("create changes: %+v", c.Changes)
		}
		if u.Operation != "UPDATE" || !hasChange(u.Changes, "name", "Skive Kommune", "Skive Kommune (ny)") ||
			!hasChange(u.Changes, "version", float64(1), float64(2)) {
			t.Errorf("update event: %+v", u)
		}
		if u.RequestID == "" || u.RequestID == c.RequestID {
			t.Errorf("update request id %q: want its own", u.RequestID)
		}

		// By actor and time range.
		var byActor auditPage
		a.do(auditQuery, &byActor, "w", map[string]any{"actor": "admin-token", "timeGTE": "2000-01-01T00:00:00Z"})
		if byActor.AuditEvents.TotalCount != 2 {
			t.Errorf("by actor: %d", byActor.AuditEvents.TotalCount)
		}

		// An editor's token is the actor of its changes.
		editor := a.as(authz.Editor)
		editor.do(`mutation { createPerson(input: {name: "Demo Person"}) { id } }`, nil)
		var byEditor auditPage
		a.do(auditQuery, &byEditor, "w", map[string]any{"entityType": "Person"})
		if n := byEditor.AuditEvents.Edges; len(n) != 1 || !strings.HasPrefix(n[0].Node.Actor, "token:test-EDITOR") || n[0].Node.Role != "EDITOR" {
			t.Errorf("editor's event: %+v", n)
		}

		// A failed mutation leaves no audit row (and no data).
		before, _ := db.Client.AuditEvent.Query().Count(ctx)
		unchanged(t, db, func() {
			a.fails(`mutation { createOrganisation(input: {name: "X", kind: COMPANY, cvr: "13585627"}) { id } }`, "BAD_USER_INPUT", "cvr")
			// Two mutations in one request: the second fails, the first is rolled back too.
			errs := a.try(`mutation { ok: createPerson(input: {name: "Rolled Back"}) { id } bad: createPerson(input: {name: ""}) { id } }`, nil)
			if len(errs) == 0 {
				t.Fatal("the bad half succeeded")
			}
		})
		if after, _ := db.Client.AuditEvent.Query().Count(ctx); after != before {
			t.Errorf("failed mutations wrote %d audit events", after-before)
		}

		// ADMIN only.
		editor.fails(`{ auditEvents { totalCount } }`, "FORBIDDEN", "")
		a.as(authz.Reader).fails(`{ auditEvents { totalCount } }`, "FORBIDDEN", "")

		// Never changed or deleted, not even by the system.
		ev := db.Client.AuditEvent.Query().FirstX(ctx)
		for name, err := range map[string]error{
			"update":      db.Client.AuditEvent.UpdateOne(ev).Exec(ctx), // every field is immutable: nothing to set,
			"bulk update": func() error { _, err := db.Client.AuditEvent.Update().Save(ctx); return err }(),
			"delete":      db.Client.AuditEvent.DeleteOne(ev).Exec(ctx),
			"bulk delete": func() error {
				_, err := db.Client.AuditEvent.Delete().Where(auditevent.ID(ev.ID)).Exec(ctx)
				return err
			}(),
			"forged create": db.Client.AuditEvent.Create().SetActor("x").SetRole("ADMIN").SetOperation("CREATE").
				SetEntityType("Organisation").SetEntityID(1).Exec(ctx),
		} {
			if ae, ok := apperr.As(err); !ok || ae.Code != apperr.Forbidden {
				t.Errorf("%s of an audit event: %v", name, err)
			}
		}
		if n := db.Client.AuditEvent.Query().Where(auditevent.ID(ev.ID)).CountX(ctx); n != 1 {
			t.Error("an audit event was deleted")
		}
		// And the API has no mutation that touches them.
		var schema struct {
			Type struct{ Fields []struct{ Name string } } `json:"__type"`
		}
		a.do(`{ __type(name: "Mutation") { fields { name } } }`, &schema)
		for _, f := range schema.Type.Fields {
			if strings.Contains(strings.ToLower(f.Name), "audit") {
				t.Errorf("mutation %s touches the audit trail", f.Name)
			}
		}
	})
}

func hasChange(cs []struct {
	Field         string
	Before, After any
}, field string, before, after any) bool {
	for _, c := range cs {
		if c.Field == field && fmt.Sprint(c.Before) == fmt.Sprint(before) && fmt.Sprint(c.After) == fmt.Sprint(after) {
			return true
		}
	}
	return false
}

// TestAuditBulkUpdateBefore: a bulk update records each row's own values
// before the change: the rules' follow-up write of dissolveBody (every
// appointment of the body ended at once) through the API, and a bulk
// update by Go code of two rows that differed before.
func TestAuditBulkUpdateBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		var ap struct{ CreateAppointment struct{ ID string } }
		a.do(fmt.Sprintf(`mutation { createAppointment(input: {personID: %d, seatAllocationID: %d, onBehalfOfID: %d, startsOn: "2019-01-01", endsOn: "2030-12-31"}) { id } }`,
			w.person, w.alloc, w.org), &ap)
		var b struct{ Node struct{ Version int } }
		a.do(fmt.Sprintf(`{ node(id: %d) { ... on Body { version } } }`, w.body), &b)
		a.do(`mutation($id: ID!, $v: Int!, $d: Date!) { dissolveBody(id: $id, expectedVersion: $v, dissolvedOn: $d) { dissolvedOn } }`,
			nil, "id", w.body, "v", b.Node.Version, "d", "2020-06-30")
		var page auditPage
		a.do(auditQuery, &page, "w", map[string]any{"entityType": "Appointment", "entityID": ap.CreateAppointment.ID, "operation": "UPDATE"})
		if page.AuditEvents.TotalCount != 1 {
			t.Fatalf("want 1 update event, got %+v", page)
		}
		cs := page.AuditEvents.Edges[0].Node.Changes
		if !hasChange(cs, "ends_on", "2030-12-31", "2020-06-30") || !hasChange(cs, "version", 1, 2) ||
			!hasChange(cs, "end_reason", nil, "BODY_DISSOLVED") {
			t.Errorf("dissolveBody's ending of the appointment: %+v", cs)
		}

		ctx := authz.SystemContext(context.Background())
		one := db.Client.Organisation.Create().SetName("Skive Kommune").SetKind(vocab.Municipality).SetShortName("Skive").SaveX(ctx)
		two := db.Client.Organisation.Create().SetName("Viborg Kommune").SetKind(vocab.Municipality).SaveX(ctx)
		db.Client.Organisation.Update().Where(organisation.IDIn(one.ID, two.ID)).SetShortName("x").ExecX(ctx)
		for id, before := range map[int]any{one.ID: "Skive", two.ID: ""} {
			a.do(auditQuery, &page, "w", map[string]any{"entityType": "Organisation", "entityID": id, "operation": "UPDATE"})
			if page.AuditEvents.TotalCount != 1 || !hasChange(page.AuditEvents.Edges[0].Node.Changes, "short_name", before, "x") {
				t.Errorf("bulk update of organisation %d (short name %v before): %+v", id, before, page)
			}
		}
	})
}

// TestConcurrentUpdatesOneWins: two updates that read the same version,
// sent at once: exactly one wins, the other is CONFLICT with the current
// version, and nothing is lost silently.
func TestConcurrentUpdatesOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		const rounds = 5
		for round := range rounds {
			var v struct{ Node struct{ Version int } }
			a.do(fmt.Sprintf(`{ node(id: %d) { ... on Organisation { version } } }`, w.org), &v)
			var wg sync.WaitGroup
			results := make([][]gqlError, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = a.try(fmt.Sprintf(`mutation { updateOrganisation(id: %d, expectedVersion: %d, input: {shortName: "writer %d"}) { version } }`,
						w.org, v.Node.Version, i), nil)
				}()
			}
			wg.Wait()
			wins, conflicts := 0, 0
			for _, errs := range results {
				switch {
				case len(errs) == 0:
					wins++
				case errs[0].code() == "CONFLICT" && errs[0].field() == "expectedVersion" && errs[0].Extensions["currentVersion"] == float64(v.Node.Version+1):
					conflicts++
				default:
					t.Errorf("round %d: unexpected %+v", round, errs)
				}
			}
			if wins != 1 || conflicts != 1 {
				t.Fatalf("round %d: %d won, %d conflicts; want exactly one of each", round, wins, conflicts)
			}
		}
		var final struct{ Node struct{ Version int } }
		a.do(fmt.Sprintf(`{ node(id: %d) { ... on Organisation { version } } }`, w.org), &final)
		if final.Node.Version != 1+rounds {
			t.Fatalf("version %d after %d winning updates", final.Node.Version, rounds)
		}
	})
}
