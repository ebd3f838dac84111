package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/migrate"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Every unique index of several columns names a field (or says it has
// none) in compositeUniques; a new one must be added there.
func TestEveryCompositeUniqueIsMapped(t *testing.T) {
	for _, tbl := range migrate.Tables {
		for _, ix := range tbl.Indexes {
			if ix.Unique && len(ix.Columns) > 1 {
				if _, ok := compositeUniques[ix.Name]; !ok {
					t.Errorf("unique index %s of %s is not in compositeUniques", ix.Name, tbl.Name)
				}
			}
		}
	}
	for name := range compositeUniques {
		if v, ok := uniqueIndexes[name]; !ok || v.index != name {
			t.Errorf("compositeUniques names %s, which is no unique index of several columns", name)
		}
	}
}

// A unique violation, as each database reports it, is CONFLICT on the
// field a client should change; one that cannot be traced to an index has
// no field and does not name the index.
func TestUniqueViolationsNameTheField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := authz.SystemContext(context.Background())
		c := db.Client
		ind := c.Indicator.Create().SetCode("STEM-1").SetName("STEM").SetUnit("PERCENT").SaveX(ctx)
		c.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2025).ExecX(ctx)
		body := c.Body.Create().SetName("Rådet").SetKind(vocab.Council).SetMandate([]string{"1", "2", "3"}).SaveX(ctx)
		ini := c.Initiative.Create().SetTitle("STEM").SaveX(ctx)
		link := c.MandateLink.Create().SetBodyID(body.ID).SetTask(3).SetInitiativeID(ini.ID).SaveX(ctx)
		// duplicate copies a row but its id with SQL, past the rules.
		duplicate := func(table string, id int) error {
			var cols []string
			for _, tbl := range migrate.Tables {
				if tbl.Name == table {
					for _, col := range tbl.Columns {
						if col.Name != "id" {
							cols = append(cols, `"`+col.Name+`"`)
						}
					}
				}
			}
			list := strings.Join(cols, ", ")
			_, err := db.SQL.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q (%s) SELECT %s FROM %q WHERE id = %d`, table, list, list, table, id))
			if err == nil {
				t.Fatalf("a copy of %s %d was stored", table, id)
			}
			return err
		}
		for _, tc := range []struct {
			what  string
			err   error
			field string
		}{
			{"indicator target of the same year", c.IndicatorTarget.Create().SetIndicatorID(ind.ID).SetYear(2025).Exec(ctx), "year"},
			{"indicator target, copied", duplicate("indicator_targets", c.IndicatorTarget.Query().OnlyIDX(ctx)), "year"},
			{"mandate link, copied", duplicate("mandate_links", link.ID), "task"},
			{"indicator code", c.Indicator.Create().SetCode("STEM-1").SetName("Igen").SetUnit("PERCENT").Exec(ctx), "code"},
		} {
			got := constraint(tc.err)
			if got.code != apperr.Conflict || got.field != tc.field || strings.Contains(got.message, "_") {
				t.Errorf("%s: %+v (from %v), want CONFLICT on %s", tc.what, got, tc.err, tc.field)
			}
		}
	})
}

// A unique violation of an index pactreg does not know: no field, and a
// message without the index's name.
func TestUnknownUniqueViolationHasNoField(t *testing.T) {
	for _, err := range []error{
		&pq.Error{Code: "23505", Table: "things", Constraint: "things_a_b_idx"},
		fmt.Errorf("constraint failed: UNIQUE constraint failed: things.a, things.b (2067)"),
		fmt.Errorf("constraint failed: UNIQUE constraint failed: things.a (2067)"),
	} {
		got := constraint(err)
		if got.code != apperr.Conflict || got.field != "" || strings.Contains(got.message, "things") {
			t.Errorf("%v: %+v", err, got)
		}
	}
}
