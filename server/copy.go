package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/pactreg/pactreg/ent/store"
)

const copyUsage = `usage: pactreg copy -from DATABASE -to DATABASE
Copies everything (ids, history and API tokens included) from one database
into a new, empty one, typically from the embedded SQLite file to
PostgreSQL. Both are migrated first; the target must be empty. Stop the
server that uses the source first: writes made during the copy are lost.`

// copyCommand moves a registry to another database.
func copyCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pactreg copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, copyUsage); fs.PrintDefaults() }
	from := fs.String("from", store.DefaultSQLiteFile, "the database to copy from (a SQLite file or postgres:// URL)")
	to := fs.String("to", "", "the new, empty database to copy into (a postgres:// URL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if fs.NArg() > 0 || *to == "" {
		fs.Usage()
		return errors.New("copy: -to is required, and there are no other arguments")
	}
	if *to == *from {
		return errors.New("copy: -from and -to are the same database")
	}
	open := func(url string) (*store.DB, error) {
		db, err := store.Open(store.Config{URL: url})
		if err != nil {
			return nil, err
		}
		if err := db.Migrate(ctx); err != nil {
			_ = db.Close()
			return nil, err
		}
		return db, nil
	}
	src, err := open(*from)
	if err != nil {
		return fmt.Errorf("copy from: %w", err)
	}
	defer src.Close()
	dst, err := open(*to)
	if err != nil {
		return fmt.Errorf("copy to: %w", err)
	}
	defer dst.Close()
	copied, err := store.Copy(ctx, src, dst)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(copied))
	total := 0
	for name, n := range copied {
		names = append(names, name)
		total += n
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(stdout, "%-28s %7d\n", name, copied[name])
	}
	fmt.Fprintf(stdout, "copied %d rows from %s to %s\n", total, src.Dialect, dst.Dialect)
	return nil
}
