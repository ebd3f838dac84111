// Command diff writes pactreg's next versioned migration after a change to
// ent/schema. Run it from the module root, after go generate ./ent:
//
//	go run ./ent/migrate/cmd/diff -dev 'postgres://root@127.0.0.1:5432/test?sslmode=disable' add_webhooks
//
// It replays ent/migrate/migrations on a scratch schema of the dev database
// (created and dropped again; the database may hold anything else), compares
// the result with the ent schema, and writes the difference as
// ent/migrate/migrations/<timestamp>_<name>.sql and updates atlas.sum. When
// the files already match the schema it writes nothing and says so.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"

	"ariga.io/atlas/sql/migrate"

	"github.com/pactreg/pactreg/ent/migrate/versioned"
)

func main() {
	dev := flag.String("dev", os.Getenv("PACTREG_TEST_DATABASE_URL"), "dev PostgreSQL database (postgres:// URL; default $PACTREG_TEST_DATABASE_URL)")
	dirPath := flag.String("dir", "ent/migrate/migrations", "migration directory")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./ent/migrate/cmd/diff -dev postgres://… NAME   (NAME: e.g. add_webhooks)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(flag.Arg(0)) {
		flag.Usage()
		os.Exit(2)
	}
	if *dev == "" {
		fmt.Fprintln(os.Stderr, "diff: -dev is required (a PostgreSQL database it may create a scratch schema in)")
		os.Exit(2)
	}
	if err := run(*dev, *dirPath, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
}

func run(dev, dirPath, name string) error {
	if fi, err := os.Stat(dirPath); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a directory: run from the module root", dirPath)
	}
	dir, err := migrate.NewLocalDir(dirPath)
	if err != nil {
		return err
	}
	file, err := versioned.Diff(context.Background(), dev, dir, name)
	if err != nil {
		return err
	}
	if file == "" {
		fmt.Println("the migration files already match the ent schema: nothing written")
		return nil
	}
	fmt.Printf("wrote %s/%s and updated atlas.sum: review it, then commit both\n", dirPath, file)
	return nil
}
