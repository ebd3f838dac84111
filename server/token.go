package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apitoken"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/graph/authn"
)

const tokenUsage = `usage:
  pactreg token create -name NAME -role READER|EDITOR|ADMIN [-expires 90d]
  pactreg token list
  pactreg token revoke -name NAME
(-db or PACTREG_DATABASE_URL picks the database, as for the server)`

// tokenCommand manages API tokens from the operator's shell. It acts as
// the system and is audited as such.
func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, tokenUsage)
		return errHelp
	}
	fs := flag.NewFlagSet("pactreg token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("db", getenv("PACTREG_DATABASE_URL"), "database (env PACTREG_DATABASE_URL)")
	name := fs.String("name", "", "token name, e.g. intranet")
	role := fs.String("role", "READER", "READER, EDITOR or ADMIN")
	expires := fs.String("expires", "", "validity, e.g. 90d or 12h (empty: no expiry)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := store.Open(store.Config{URL: *dbURL})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	ctx = authz.SystemContext(ctx)
	switch args[0] {
	case "create":
		if *name == "" {
			return fmt.Errorf("token create: -name is required")
		}
		r := apitoken.Role(*role)
		if err := apitoken.RoleValidator(r); err != nil {
			return fmt.Errorf("token create: -role %q: use READER, EDITOR or ADMIN", *role)
		}
		return inTx(ctx, db.Client, func(tx *ent.Client) error {
			tok, secret, err := authn.CreateToken(ctx, tx, *name, r, *expires, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\n", secret)
			fmt.Fprintf(stderr, "created API token %q (%s)%s; the secret above is shown only now\n", tok.Name, tok.Role, expiry(tok))
			return nil
		})
	case "list":
		toks, err := db.Client.APIToken.Query().Order(ent.Asc(apitoken.FieldName)).All(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tROLE\tPREFIX\tEXPIRES\tLAST USED\tREVOKED")
		for _, t := range toks {
			fmt.Fprintf(w, "%s\t%s\t%s…\t%s\t%s\t%s\n", t.Name, t.Role, t.Prefix, when(t.ExpiresAt), when(t.LastUsedAt), when(t.RevokedAt))
		}
		return w.Flush()
	case "revoke":
		return inTx(ctx, db.Client, func(tx *ent.Client) error {
			tok, err := tx.APIToken.Query().Where(apitoken.Name(*name)).Only(ctx)
			if err != nil {
				return fmt.Errorf("token revoke %q: %w", *name, err)
			}
			if _, err := authn.RevokeToken(ctx, tx, tok.ID, time.Now()); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "revoked API token %q\n", *name)
			return nil
		})
	}
	fmt.Fprintln(stderr, tokenUsage)
	return fmt.Errorf("unknown token command %q", args[0])
}

// inTx runs f in one transaction, so its audit events and its change
// commit together.
func inTx(ctx context.Context, c *ent.Client, f func(*ent.Client) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx.Client()); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func expiry(t *ent.APIToken) string {
	if t.ExpiresAt == nil {
		return ", no expiry"
	}
	return ", expires " + t.ExpiresAt.UTC().Format(time.RFC3339)
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}
