package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBadURLHidesPassword: an unparsable PostgreSQL URL is reported
// without repeating it (it holds the password).
func TestBadURLHidesPassword(t *testing.T) {
	_, err := Open(Config{URL: "postgres://app:pa%ss-secret@db.example:5432/pactreg"})
	if err == nil {
		t.Fatal("a bad URL was accepted")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("the error repeats the password: %v", err)
	}
}

func TestSQLiteDSN(t *testing.T) {
	for in, want := range map[string]string{
		"pactreg.db":                         "file:pactreg.db?_pragma=foreign_keys(1)",
		"file:x.db?mode=memory&cache=shared": "file:x.db?mode=memory&cache=shared&_pragma=foreign_keys(1)",
	} {
		if got := SQLiteDSN(in); !strings.HasPrefix(got, want) {
			t.Errorf("SQLiteDSN(%q) = %q", in, got)
		}
	}
	if strings.Contains(SQLiteDSN("file:x.db?mode=memory"), "journal_mode(WAL)") {
		t.Error("WAL for an in-memory database")
	}
}

// TestSQLiteTimesWrittenBefore: a SQLite file whose times the driver wrote
// in its old default form (Go's time.String, with zone name and monotonic
// reading) still reads back the same instants, and sorts with the times
// written now, in UTC and SQLite's form.
func TestSQLiteTimesWrittenBefore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now() // with a monotonic reading, as ent's defaults are
	if _, err := old.Exec(`CREATE TABLE t (at datetime); INSERT INTO t VALUES (?)`, before); err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := old.QueryRow(`SELECT CAST(at AS TEXT) FROM t`).Scan(&raw); err != nil || !strings.Contains(raw, "m=") {
		t.Fatalf("the old form was not written (%v): %q", err, raw)
	}
	_ = old.Close()

	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	later := before.Add(time.Millisecond)
	if _, err := db.Exec(`INSERT INTO t VALUES (?)`, later); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT at FROM t ORDER BY at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []time.Time
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			t.Fatal(err)
		}
		got = append(got, at)
	}
	if len(got) != 2 || !got[0].Equal(before) || !got[1].Equal(later) {
		t.Fatalf("read %v, want %v then %v", got, before, later)
	}
	if got[1].Location() != time.UTC {
		t.Errorf("a time written now reads back in %v, not UTC", got[1].Location())
	}
}
