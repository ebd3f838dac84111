// Package migrations holds pactreg's versioned PostgreSQL migrations in
// Atlas format (<version>_<name>.sql and atlas.sum), generated from the ent
// schema by
//
//	go run ./ent/migrate/cmd/diff -dev 'postgres://root@127.0.0.1:5432/test?sslmode=disable' NAME
//
// Never edit a file that has been released: write a new one. The files are
// embedded in the binary, so a deployment needs nothing beside it.
package migrations

import (
	"embed"
	"io/fs"

	"ariga.io/atlas/sql/migrate"
)

//go:embed *.sql atlas.sum
var files embed.FS

// Dir returns the embedded migration directory.
func Dir() (migrate.Dir, error) { return DirFS(files) }

// DirFS copies the migration files (*.sql and atlas.sum) of fsys into an
// in-memory Atlas directory. Nothing is checked here: the executor refuses
// a directory whose atlas.sum does not match its files.
func DirFS(fsys fs.FS) (migrate.Dir, error) {
	dir := &migrate.MemDir{}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	for _, name := range append(names, migrate.HashFileName) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(name, b); err != nil {
			return nil, err
		}
	}
	return dir, nil
}
