package store_test

import (
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/pactreg/pactreg/ent/store"
)

// TestInIntsStatement: InInts writes the list as one array parameter in
// each dialect's quoting, wherever the predicate stands among others.
func TestInIntsStatement(t *testing.T) {
	for _, c := range []struct{ dialect, query, arg string }{
		{dialect.Postgres, `SELECT "persons"."id" FROM "persons" WHERE "persons"."version" > $1 AND "persons"."id" = ANY($2)`, "{1,2,30}"},
		{dialect.SQLite, "SELECT `persons`.`id` FROM `persons` WHERE `persons`.`version` > ? AND `persons`.`id` IN (SELECT +value FROM json_each(?))", "[1,2,30]"},
	} {
		tb := entsql.Dialect(c.dialect).Table("persons")
		q := entsql.Dialect(c.dialect).Select(tb.C("id")).From(tb).
			Where(entsql.And(entsql.GT(tb.C("version"), 0), store.InInts(c.dialect, "persons", "id", []int64{1, 2, 30})))
		query, args := q.Query()
		if query != c.query || len(args) != 2 || args[1] != c.arg {
			t.Errorf("%s:\n got %s %v\nwant %s [0 %s]", c.dialect, query, args, c.query, c.arg)
		}
	}
}
