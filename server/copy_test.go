package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/migrate"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/graph"
	"github.com/pactreg/pactreg/graph/authn"
	"github.com/pactreg/pactreg/server/demo"
)

// copyCheckQuery reads a wide slice of the registry as an admin: the
// council's composition with people's contact data, and the audit trail.
const copyCheckQuery = `{
  bodies(first: 20, orderBy: {field: NAME}) { totalCount edges { node { id name version
    composition(asOf: "2024-01-01") { label seats vacant holders { since person { id name email } organisation { id name } } }
  } } }
  people(first: 50, orderBy: {field: NAME}) { totalCount edges { node { id name email phone updatedAt } } }
  auditEvents(first: 50, orderBy: {field: TIME}) { totalCount edges { node { id actor entityType changes { field } } } }
  changes(first: 50) { totalCount edges { cursor node { id entityType operation fields } } }
}`

// TestCopySQLiteToPostgres: pactreg copy moves the demo registry from a
// SQLite file to PostgreSQL with every row, id and history; the API
// answers alike on both; the target takes new rows; a second copy into the
// now full target is refused.
func TestCopySQLiteToPostgres(t *testing.T) {
	pg := storetest.PostgresSchemaURL(t)
	file := filepath.Join(t.TempDir(), "pactreg.db")
	ctx := context.Background()
	src, err := store.Open(store.Config{URL: file})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(authz.SystemContext(ctx), src.Client); err != nil {
		t.Fatal(err)
	}

	var out, errs bytes.Buffer
	if err := copyCommand(ctx, []string{"-from", file, "-to", pg}, &out, &errs); err != nil {
		t.Fatalf("copy: %v\n%s", err, errs.String())
	}
	if !strings.Contains(out.String(), "copied ") {
		t.Fatalf("copy said: %s", out.String())
	}
	dst, err := store.Open(store.Config{URL: pg})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	for _, table := range migrate.Tables {
		if a, b := countRows(t, src, table.Name), countRows(t, dst, table.Name); a != b {
			t.Errorf("%s: %d rows in SQLite, %d in PostgreSQL", table.Name, a, b)
		}
	}
	// PostgreSQL keeps instants to the microsecond, SQLite to the nanosecond.
	if a, b := micros(askAdmin(t, src, copyCheckQuery)), micros(askAdmin(t, dst, copyCheckQuery)); a != b {
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		from := max(0, i-200)
		t.Fatalf("the API answers differently after the copy, at byte %d:\nSQLite:     …%.300s\nPostgreSQL: …%.300s", i, a[from:], b[from:])
	}
	if countRows(t, dst, "persons") == 0 || countRows(t, dst, "audit_events") == 0 {
		t.Fatal("nothing was copied")
	}

	p, err := dst.Client.Person.Create().SetName("After the move").Save(authz.SystemContext(ctx))
	if err != nil {
		t.Fatalf("a new row on the target: %v", err)
	}
	var maxBefore int
	if err := dst.SQL.QueryRow(`SELECT max(id) FROM persons WHERE id <> $1`, p.ID).Scan(&maxBefore); err != nil {
		t.Fatal(err)
	}
	if p.ID <= maxBefore {
		t.Fatalf("new id %d does not follow the copied ids (max %d)", p.ID, maxBefore)
	}

	if err := copyCommand(ctx, []string{"-from", file, "-to", pg}, &out, &errs); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a copy into a full database: %v", err)
	}
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// askAdmin is the JSON answer of query as an admin, through the real handler.
func askAdmin(t *testing.T, db *store.DB, query string) string {
	t.Helper()
	const token = "copy-test-admin-token-0123456789"
	h := graph.NewHandler(db.Client, graph.Config{Auth: authn.Config{AdminToken: token}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	resp, err := client.New(h, client.AddHeader("Authorization", "Bearer "+token)).RawPost(query)
	if err != nil || len(resp.Errors) > 0 {
		t.Fatalf("query: %v %s", err, resp.Errors)
	}
	b, _ := json.Marshal(resp.Data)
	return string(b)
}

var fraction = regexp.MustCompile(`(T\d\d:\d\d:\d\d)(\.\d+)?Z`)

// micros writes every instant of s to the microsecond.
func micros(s string) string {
	return fraction.ReplaceAllStringFunc(s, func(m string) string {
		p := fraction.FindStringSubmatch(m)
		frac := strings.TrimPrefix(p[2], ".") + "000000"
		return p[1] + "." + frac[:6] + "Z"
	})
}
