package store

import (
	"strings"
	"testing"
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
