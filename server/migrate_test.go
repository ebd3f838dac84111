package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/migrate/migrations"
	"github.com/pactreg/pactreg/ent/migrate/versioned"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// TestMigrateCommand: `pactreg migrate` on a fresh PostgreSQL schema
// applies every file and says so; run again, it applies nothing.
func TestMigrateCommand(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	env := func(k string) string { return map[string]string{"PACTREG_DATABASE_URL": url}[k] }
	var out bytes.Buffer
	if err := migrateCommand(context.Background(), nil, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied ") || !strings.Contains(out.String(), "_initial.sql") {
		t.Fatalf("first run printed %q", out.String())
	}
	out.Reset()
	if err := migrateCommand(context.Background(), []string{"-db", url}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "applied ") || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second run printed %q", out.String())
	}
	// The server starts on it without migrating again.
	s := start(t, nil, "-db", url, "-auto-migrate=false")
	checkCouncil(t, s)
}

// TestAutoMigrateOff: with -auto-migrate=false the server refuses a
// database with pending migrations and names the command to run.
func TestAutoMigrateOff(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", url, "-auto-migrate=false"}, func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "pactreg migrate") || !strings.Contains(err.Error(), "_initial.sql") {
		t.Fatalf("start with pending migrations: %v", err)
	}
	db, err := store.Open(store.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.SQL.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the refused start created %d tables (%v)", n, err)
	}
}

// TestConcurrentStarts: two instances starting at once on one empty
// PostgreSQL database both start; the schema is migrated and the demo
// data loaded once.
func TestConcurrentStarts(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	cfg, err := parseConfig([]string{"-db", url}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		errs = make([]error, 2)
		logs = make([]bytes.Buffer, 2)
	)
	for i := range 2 {
		db, err := store.Open(store.Config{URL: url, MaxOpenConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = prepare(context.Background(), db, cfg, newLogger(&logs[i], "info"))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	applied, loaded := 0, 0
	for i := range logs {
		applied += strings.Count(logs[i].String(), `"migration applied"`)
		loaded += strings.Count(logs[i].String(), "demo dataset loaded")
	}
	dir, err := migrations.Dir()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := dir.Files()
	if applied != len(files) || loaded != 1 {
		t.Fatalf("migrations applied %d times, demo data loaded %d times; want %d and once:\n%s\n%s", applied, loaded, len(files), logs[0].String(), logs[1].String())
	}
	db, err := store.Open(store.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.Client.Body.Query().Where(body.Name("Rådet for fremtidens kompetencer")).Count(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("the council is there %d times (%v)", n, err)
	}
	var revs int
	if err := db.SQL.QueryRow(`SELECT count(*) FROM ` + versioned.RevisionTable).Scan(&revs); err != nil || revs == 0 {
		t.Fatalf("%d revisions (%v)", revs, err)
	}
}
