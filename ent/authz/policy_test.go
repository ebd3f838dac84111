package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apitoken"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
	"github.com/pactreg/pactreg/ent/vocab"
)

// entityOps are, per entity, a read and a write through the ent client:
// the paths that every other path (GraphQL, loaders, exports) goes through.
type entityOps struct {
	read, write func(context.Context, *ent.Client, int) error
	// readers and writers are the weakest roles allowed.
	readers, writers authz.Role
}

// TestPolicies: every entity × role × read/write, table-driven, against
// the privacy policies themselves.
func TestPolicies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sys := authz.SystemContext(context.Background())
		c := db.Client
		org := c.Organisation.Create().SetName("Aarhus Kommune").SetKind(vocab.Municipality).SaveX(sys)
		body := c.Body.Create().SetName("Rådet").SetKind(vocab.Council).SaveX(sys)
		alloc := c.SeatAllocation.Create().SetBodyID(body.ID).SetLabel("Kommunerne").SetSeats(3).SaveX(sys)
		n := 0
		next := func() string { n++; return fmt.Sprint(n) }
		person := func(ctx context.Context, c *ent.Client) (*ent.Person, error) {
			return c.Person.Create().SetName("P" + next()).Save(ctx)
		}
		table := map[string]entityOps{
			"Organisation": {
				read: func(ctx context.Context, c *ent.Client, _ int) error {
					_, err := c.Organisation.Query().All(ctx)
					return err
				},
				write: func(ctx context.Context, c *ent.Client, _ int) error {
					return c.Organisation.Create().SetName("O" + next()).SetKind(vocab.Company).Exec(ctx)
				},
				readers: authz.Anonymous, writers: authz.Editor,
			},
			"Body": {
				read: func(ctx context.Context, c *ent.Client, _ int) error { _, err := c.Body.Query().All(ctx); return err },
				write: func(ctx context.Context, c *ent.Client, _ int) error {
					return c.Body.UpdateOneID(body.ID).SetDescription(next()).Exec(ctx)
				},
				readers: authz.Anonymous, writers: authz.Editor,
			},
			"SeatAllocation": {
				read: func(ctx context.Context, c *ent.Client, _ int) error {
					_, err := c.SeatAllocation.Query().All(ctx)
					return err
				},
				write: func(ctx context.Context, c *ent.Client, _ int) error {
					return c.SeatAllocation.UpdateOneID(alloc.ID).SetLabel("K" + next()).Exec(ctx)
				},
				readers: authz.Anonymous, writers: authz.Editor,
			},
			"Person": {
				read:    func(ctx context.Context, c *ent.Client, _ int) error { _, err := c.Person.Query().All(ctx); return err },
				write:   func(ctx context.Context, c *ent.Client, _ int) error { _, err := person(ctx, c); return err },
				readers: authz.Anonymous, writers: authz.Editor,
			},
			"Appointment": {
				read: func(ctx context.Context, c *ent.Client, _ int) error {
					_, err := c.Appointment.Query().All(ctx)
					return err
				},
				write: func(ctx context.Context, c *ent.Client, _ int) error {
					p, err := person(sys, c)
					if err != nil {
						return err
					}
					return c.Appointment.Create().SetPersonID(p.ID).SetSeatAllocationID(alloc.ID).SetOnBehalfOfID(org.ID).
						SetStartsOn(dates.MustParse("2018-06-01")).SetEndsOn(dates.MustParse("2018-06-02")).Exec(ctx)
				},
				readers: authz.Anonymous, writers: authz.Editor,
			},
			"APIToken": {
				read: func(ctx context.Context, c *ent.Client, _ int) error {
					_, err := c.APIToken.Query().All(ctx)
					return err
				},
				write: func(ctx context.Context, c *ent.Client, _ int) error {
					return c.APIToken.Create().SetName("t" + next()).SetRole(apitoken.RoleREADER).SetSecretHash(next()).
						SetPrefix("p").SetCreatedBy("test").Exec(ctx)
				},
				readers: authz.Admin, writers: authz.Admin,
			},
			"AuditEvent": {
				read: func(ctx context.Context, c *ent.Client, _ int) error {
					_, err := c.AuditEvent.Query().All(ctx)
					return err
				},
				write: func(ctx context.Context, c *ent.Client, _ int) error {
					return c.AuditEvent.Create().SetActor("x").SetRole("ADMIN").SetOperation("CREATE").SetEntityType("X").SetEntityID(1).Exec(ctx)
				},
				readers: authz.Admin, writers: authz.Admin + 1, // nobody: only the audit hook writes
			},
		}
		for name, ops := range table {
			for role := authz.Anonymous; role <= authz.Admin; role++ {
				ctx := authz.NewContext(context.Background(), authz.Viewer{Role: role, Actor: "test", Kind: authz.KindAPIToken})
				for _, op := range []struct {
					what  string
					f     func(context.Context, *ent.Client, int) error
					least authz.Role
				}{{"read", ops.read, ops.readers}, {"write", ops.write, ops.writers}} {
					t.Run(fmt.Sprintf("%s/%s/%s", name, op.what, role), func(t *testing.T) {
						err := op.f(ctx, c, 0)
						if role >= op.least {
							if err != nil {
								t.Fatalf("allowed operation failed: %v", err)
							}
							return
						}
						if ae, ok := apperr.As(err); !ok || ae.Code != apperr.Forbidden {
							t.Fatalf("want FORBIDDEN, got %v", err)
						}
					})
				}
			}
		}
	})
}
