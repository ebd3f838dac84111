// Command load puts the peer benchmark's dataset (/work/shared/bench/seed.sql,
// the same rows computed by the same formulas of the row number) into
// pactreg's own database through pactreg's normal write path: the ent
// client acting as authz.System, so privacy policies, validators, the
// appointment rules and the audit trail all run, one transaction per batch.
//
//	go run ./bench/load -db 'postgres://postgres@127.0.0.1:5432/pactreg_bench?sslmode=disable' -scale small
//	go run ./bench/load -scale large -plan     # print the mapping only, touch no database
//
// It refuses a database that already holds pactreg registry data (exit
// status 3): it never deletes anything. bench/run.sh drops and recreates
// its database before each load, which makes the whole run repeatable.
// See bench/README.md for how the dataset maps onto pactreg's rules.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/person"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/vocab"
)

// errNotEmpty is returned for a database that already holds data.
var errNotEmpty = errors.New("the database already holds pactreg registry data")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		if errors.Is(err, errNotEmpty) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

type options struct {
	db       string
	scale    Scale
	batch    int
	workers  int
	planOnly bool
}

func parseFlags(args []string, out io.Writer) (options, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(out)
	var o options
	scale := fs.String("scale", "small", "seed.sql scale: small or large")
	fs.StringVar(&o.db, "db", os.Getenv("PACTREG_DATABASE_URL"), "pactreg database (postgres:// URL or SQLite file; env PACTREG_DATABASE_URL)")
	fs.IntVar(&o.batch, "batch", 500, "rows per CreateBulk batch (and transaction) for organisations and people")
	fs.IntVar(&o.workers, "workers", 1, "bodies loaded concurrently, each in its own transaction (above 1, ids interleave between bodies and differ from load to load)")
	fs.BoolVar(&o.planOnly, "plan", false, "print the mapping and stop, without a database")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	s, ok := Scales[*scale]
	if !ok {
		return o, fmt.Errorf("-scale: %q is not small or large", *scale)
	}
	o.scale = s
	if o.batch < 1 || o.workers < 1 {
		return o, errors.New("-batch and -workers must be at least 1")
	}
	if o.db == "" && !o.planOnly {
		return o, errors.New("-db is required (a postgres:// URL)")
	}
	return o, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	plan := NewPlan(o.scale)
	printPlan(out, plan)
	if plan.SamePersonOverlaps > 0 {
		return fmt.Errorf("the plan puts one person twice in one allocation on overlapping terms (%d pairs): pactreg would refuse it", plan.SamePersonOverlaps)
	}
	if o.planOnly {
		return nil
	}

	db, err := store.Open(store.Config{URL: o.db, MaxOpenConns: o.workers + 2, StatementTimeout: time.Minute})
	if err != nil {
		return err
	}
	defer db.Close()
	return load(ctx, db, plan, o, out)
}

// load migrates db, refuses it unless it is empty, writes plan into it
// and checks the counts.
func load(ctx context.Context, db *store.DB, plan *Plan, o options, out io.Writer) error {
	ctx = authz.SystemContext(ctx)
	start := time.Now()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := refuseNonEmpty(ctx, db.Client); err != nil {
		return err
	}
	l := &loader{c: db.Client, p: plan, o: o, out: out}
	for _, phase := range []struct {
		name string
		f    func(context.Context) error
	}{
		{"organisations", l.organisations},
		{"people", l.people},
		{"bodies", l.bodies},
		{"allocations+appointments", l.bodyContents},
	} {
		t := time.Now()
		if err := phase.f(ctx); err != nil {
			return fmt.Errorf("%s: %w", phase.name, err)
		}
		fmt.Fprintf(out, "  %-26s %8.1fs\n", phase.name, time.Since(t).Seconds())
	}
	fmt.Fprintf(out, "loaded scale=%s in %.1fs (%s, %d worker(s))\n", o.scale.Name, time.Since(start).Seconds(), db.Dialect, o.workers)
	return report(ctx, out, db.Client, plan)
}

func printPlan(out io.Writer, p *Plan) {
	s := p.Scale
	fmt.Fprintf(out, "scale=%s: organisations=%d bodies=%d seat allocations=%d people=%d appointments=%d\n",
		s.Name, s.Orgs, s.Bodies, s.Seats, s.People, s.Appointments)
	fmt.Fprintf(out, "  cvr: %d of %d seed values pass pactreg's modulus-11 check and are stored; the rest are left empty\n", p.ValidCVRs, p.SeedCVRs)
	hist := make([]int, 0, len(p.SeatsHist))
	for k := range p.SeatsHist {
		hist = append(hist, k)
	}
	sort.Ints(hist)
	fmt.Fprintf(out, "  seats per allocation (most overlapping appointments on one day):")
	for _, k := range hist {
		fmt.Fprintf(out, " %d×%d", p.SeatsHist[k], k)
	}
	fmt.Fprintf(out, " (sum %d)\n", p.SeatsSum)
	fmt.Fprintf(out, "  roles: CHAIR kept %d, demoted to MEMBER %d; VICE_CHAIR kept %d, demoted to MEMBER %d\n",
		p.Kept[vocab.Chair], p.Demoted[vocab.Chair], p.Kept[vocab.ViceChair], p.Demoted[vocab.ViceChair])
	fmt.Fprintf(out, "  appointments on behalf of the formula's organisation where the seat has none: %d\n", p.OnBehalfOfStandIn)
	fmt.Fprintf(out, "  most allocations in one body: %d; most appointments in one allocation: %d\n", p.MaxSeatsPerBody, p.MaxAppsPer)
}

// refuseNonEmpty refuses to load into a database holding registry data.
func refuseNonEmpty(ctx context.Context, c *ent.Client) error {
	for _, q := range []struct {
		what  string
		exist func(context.Context) (bool, error)
	}{
		{"organisations", c.Organisation.Query().Exist},
		{"bodies", c.Body.Query().Exist},
		{"seat allocations", c.SeatAllocation.Query().Exist},
		{"people", c.Person.Query().Exist},
		{"appointments", c.Appointment.Query().Exist},
	} {
		found, err := q.exist(ctx)
		if err != nil {
			return fmt.Errorf("look for %s: %w", q.what, err)
		}
		if found {
			return fmt.Errorf("%w (it has %s): load into an empty database; bench/run.sh recreates its own", errNotEmpty, q.what)
		}
	}
	return nil
}

type loader struct {
	c   *ent.Client
	p   *Plan
	o   options
	out io.Writer
	// pactreg ids by seed id (index 0 unused); each slice is written by
	// one phase and only read afterwards.
	orgID, personID, bodyID []int
}

// inTx runs f in one transaction, committed only if f succeeds.
func inTx(ctx context.Context, c *ent.Client, f func(context.Context, *ent.Client) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(ent.NewTxContext(ctx, tx), tx.Client()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// inBatches creates rows 1..n with CreateBulk, batch rows per transaction,
// and returns their ids by row number. Bulk creates run every hook and
// policy of every row (checked in ent's generated CreateBulk.Save).
func inBatches[B any, E any](ctx context.Context, c *ent.Client, n, batch int,
	build func(*ent.Client, int) B, save func(context.Context, *ent.Client, []B) ([]E, error), id func(E) int) ([]int, error) {
	ids := make([]int, n+1)
	for lo := 1; lo <= n; lo += batch {
		hi := min(lo+batch-1, n)
		err := inTx(ctx, c, func(ctx context.Context, c *ent.Client) error {
			bs := make([]B, 0, hi-lo+1)
			for i := lo; i <= hi; i++ {
				bs = append(bs, build(c, i))
			}
			rows, err := save(ctx, c, bs)
			if err != nil {
				return fmt.Errorf("rows %d-%d: %w", lo, hi, err)
			}
			for k, r := range rows {
				ids[lo+k] = id(r)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func (l *loader) organisations(ctx context.Context) (err error) {
	l.orgID, err = inBatches(ctx, l.c, l.p.Scale.Orgs, l.o.batch,
		func(c *ent.Client, i int) *ent.OrganisationCreate {
			b := c.Organisation.Create().SetName(orgName(i)).SetKind(orgKind(i))
			if cvr, ok := orgCVR(i); ok {
				b.SetCvr(cvr)
			}
			return b
		},
		func(ctx context.Context, c *ent.Client, bs []*ent.OrganisationCreate) ([]*ent.Organisation, error) {
			return c.Organisation.CreateBulk(bs...).Save(ctx)
		},
		func(o *ent.Organisation) int { return o.ID })
	return err
}

func (l *loader) people(ctx context.Context) (err error) {
	l.personID, err = inBatches(ctx, l.c, l.p.Scale.People, l.o.batch,
		func(c *ent.Client, i int) *ent.PersonCreate {
			b := c.Person.Create().SetName(personName(i))
			if e, ok := personEmail(i); ok {
				b.SetEmail(e)
			}
			return b
		},
		func(ctx context.Context, c *ent.Client, bs []*ent.PersonCreate) ([]*ent.Person, error) {
			return c.Person.CreateBulk(bs...).Save(ctx)
		},
		func(p *ent.Person) int { return p.ID })
	return err
}

func (l *loader) bodies(ctx context.Context) (err error) {
	s := l.p.Scale
	l.bodyID, err = inBatches(ctx, l.c, s.Bodies, l.o.batch,
		func(c *ent.Client, i int) *ent.BodyCreate {
			return c.Body.Create().SetName(bodyName(i)).SetKind(s.bodyKind(i))
		},
		func(ctx context.Context, c *ent.Client, bs []*ent.BodyCreate) ([]*ent.Body, error) {
			return c.Body.CreateBulk(bs...).Save(ctx)
		},
		func(b *ent.Body) int { return b.ID })
	return err
}

// bodyContents loads each body's seat allocations and appointments in one
// transaction per body, o.workers bodies at a time.
func (l *loader) bodyContents(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range l.o.workers {
		wg.Go(func() {
			for b := range next {
				if err := inTx(ctx, l.c, func(ctx context.Context, c *ent.Client) error { return l.body(ctx, c, b) }); err != nil {
					cancel(fmt.Errorf("body %d: %w", b, err))
				}
			}
		})
	}
	for b := 1; b <= l.p.Scale.Bodies && ctx.Err() == nil; b++ {
		select {
		case next <- b:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

var epoch = dates.Of(2000, time.January, 1)

// body writes body b's allocations with one CreateBulk (their hooks do not
// depend on each other: positions are given), then its appointments one
// by one in seed order. Appointments are not bulk-created: in a bulk, ent
// runs every row's hooks before the one INSERT, so the rules of a row
// would not see the rows before it in the same batch (capacity, the
// chair rule, the same person twice, the link to a previous term).
func (l *loader) body(ctx context.Context, c *ent.Client, b int) error {
	s, p := l.p.Scale, l.p
	seats := p.BodySeats[b]
	bs := make([]*ent.SeatAllocationCreate, len(seats))
	for k, seat := range seats {
		bs[k] = c.SeatAllocation.Create().
			SetBodyID(l.bodyID[b]).
			SetLabel(seatLabel(seat)).
			SetSeats(p.Seats[seat]).
			SetRole(p.Role[seat]).
			SetPosition(seat)
		if o, ok := s.seatOrg(seat); ok {
			bs[k].SetNominatingOrganisationID(l.orgID[o])
		}
	}
	allocs, err := c.SeatAllocation.CreateBulk(bs...).Save(ctx)
	if err != nil {
		return fmt.Errorf("seat allocations: %w", err)
	}
	allocID := make(map[int]int, len(seats))
	var apps []int
	for k, seat := range seats {
		allocID[seat] = allocs[k].ID
		apps = append(apps, p.SeatApps[seat]...)
	}
	slices.Sort(apps)
	for _, i := range apps {
		a := c.Appointment.Create().
			SetSeatAllocationID(allocID[s.appSeat(i)]).
			SetPersonID(l.personID[s.appPerson(i)]).
			SetOnBehalfOfID(l.orgID[p.OnBehalfOf[i]]).
			SetStartsOn(epoch.AddDays(appStart(i)))
		if e := appEnd(i); e != openEnd {
			a.SetEndsOn(epoch.AddDays(e))
		}
		if err := a.Exec(ctx); err != nil {
			return fmt.Errorf("appointment %d (seat %d): %w", i, s.appSeat(i), err)
		}
	}
	return nil
}

// report prints what the database holds and fails if a count is not the
// plan's.
func report(ctx context.Context, out io.Writer, c *ent.Client, p *Plan) error {
	s := p.Scale
	type line struct {
		what      string
		got, want int
		err       error
	}
	count := func(what string, want int, f func(context.Context) (int, error)) line {
		n, err := f(ctx)
		return line{what, n, want, err}
	}
	seatsSum, sumErr := c.SeatAllocation.Query().Aggregate(ent.Sum(seatallocation.FieldSeats)).Int(ctx)
	opens := 0
	for i := 1; i <= s.Appointments; i++ {
		if appEnd(i) == openEnd {
			opens++
		}
	}
	emails := 0
	for i := 1; i <= s.People; i++ {
		if _, ok := personEmail(i); ok {
			emails++
		}
	}
	lines := []line{
		count("organisations", s.Orgs, c.Organisation.Query().Count),
		count("  with a cvr", p.ValidCVRs, c.Organisation.Query().Where(organisation.CvrNotNil()).Count),
		count("bodies", s.Bodies, c.Body.Query().Count),
		count("seat allocations", s.Seats, c.SeatAllocation.Query().Count),
		{"  seats (sum)", seatsSum, p.SeatsSum, sumErr},
		count("  CHAIR", p.Kept[vocab.Chair], c.SeatAllocation.Query().Where(seatallocation.RoleEQ(vocab.Chair)).Count),
		count("  VICE_CHAIR", p.Kept[vocab.ViceChair], c.SeatAllocation.Query().Where(seatallocation.RoleEQ(vocab.ViceChair)).Count),
		count("people", s.People, c.Person.Query().Count),
		count("  with an e-mail", emails, c.Person.Query().Where(person.EmailNotNil()).Count),
		count("appointments", s.Appointments, c.Appointment.Query().Count),
		count("  open-ended", opens, c.Appointment.Query().Where(appointment.EndsOnIsNil()).Count),
	}
	fmt.Fprintln(out, "counts (database / plan):")
	var bad []string
	for _, x := range lines {
		if x.err != nil {
			return fmt.Errorf("count %s: %w", x.what, x.err)
		}
		mark := ""
		if x.got != x.want {
			mark = "  MISMATCH"
			bad = append(bad, x.what)
		}
		fmt.Fprintf(out, "  %-18s %7d / %7d%s\n", x.what, x.got, x.want, mark)
	}
	linked, err := c.Appointment.Query().Where(appointment.PreviousIDNotNil()).Count(ctx)
	if err != nil {
		return err
	}
	audits, err := c.AuditEvent.Query().Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  appointments linked to a previous term by pactreg's rule: %d\n", linked)
	fmt.Fprintf(out, "  audit events written: %d\n", audits)
	if len(bad) > 0 {
		return fmt.Errorf("counts differ from the plan: %v", bad)
	}
	return nil
}
