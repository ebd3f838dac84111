// Package audit records every change of a registry entity as an
// AuditEvent (who, what, before and after, for admins) and a ChangeEvent
// (the public change feed: what changed, no values), in the transaction
// of the change: a failed mutation leaves neither, and no change made in a
// transaction (every API mutation) happens without both. A change made
// without one gets its events in a transaction of their own (recordAll).
package audit

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/auditevent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/changeevent"
	"github.com/pactreg/pactreg/ent/changes"
	"github.com/pactreg/pactreg/ent/requestid"
)

// sensitive fields are recorded as changed, without their values (an API
// token's hash, a webhook endpoint's secret).
var sensitive = []string{"secret_hash", "secret"}

// bookkeeping fields change without being news: an update that touches
// only these (an API token's last use, a webhook endpoint's cursor in the
// change feed) is not recorded.
var bookkeeping = []string{"last_used_at", "updated_at", "event_cursor"}

// mutation is what the generated mutations offer beyond ent.Mutation.
type mutation interface {
	ent.Mutation
	Client() *gen.Client
	ID() (int, bool)
	IDs(context.Context) ([]int, error)
	Tx() (*gen.Tx, error)
}

// Hook records the mutation it wraps in the audit trail.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			mm, ok := m.(mutation)
			if !ok {
				return nil, fmt.Errorf("audit: %T is not a generated mutation", m)
			}
			op := m.Op()
			var (
				ids    []int
				before map[int]map[string]ent.Value // by id
				err    error
			)
			switch {
			case op.Is(ent.OpUpdateOne):
				id, _ := mm.ID()
				before = map[int]map[string]ent.Value{id: {}}
				err = oldValues(ctx, m, m, before[id])
			case op.Is(ent.OpUpdate):
				if ids, err = mm.IDs(ctx); err == nil {
					before, err = oldRows(ctx, mm, ids)
				}
			case op.Is(ent.OpDelete | ent.OpDeleteOne):
				ids, err = mm.IDs(ctx)
			}
			if err != nil {
				return nil, fmt.Errorf("audit %s: read before values: %w", m.Type(), err)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if id, _ := mm.ID(); op.Is(ent.OpUpdateOne) && len(before[id]) > 0 {
				// A rule that runs after this hook may have set or cleared
				// more fields (cancelling an appointment clears its link to
				// a previous term). OldField still has the row as the first
				// oldValues read it, before the change (ent reads it once
				// per mutation); without a first read (no field was set
				// before this hook: the version mixin's hook raises version
				// first on versioned entities) there is no row to ask.
				if err := oldValues(ctx, m, m, before[id]); err != nil {
					return nil, fmt.Errorf("audit %s: read before values: %w", m.Type(), err)
				}
			}
			if id, ok := mm.ID(); ok && len(ids) == 0 {
				ids = []int{id}
			}
			if op.Is(ent.OpUpdate|ent.OpUpdateOne) && onlyBookkeeping(diff(m, nil)) {
				return v, nil
			}
			if err := recordAll(ctx, mm, ids, func(id int) []changes.Field { return diff(m, before[id]) }); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// oldRows reads, for each of the ids a bulk update m is about to change,
// the values of the fields it changes (oldValues) through a one-row
// update of the same type (Client().<Type>.UpdateOneID), whose OldField
// loads the row in m's transaction.
func oldRows(ctx context.Context, m mutation, ids []int) (map[int]map[string]ent.Value, error) {
	c := reflect.ValueOf(m.Client()).Elem().FieldByName(m.Type())
	if !c.IsValid() {
		return nil, fmt.Errorf("no client for %s", m.Type())
	}
	rows := make(map[int]map[string]ent.Value, len(ids))
	for _, id := range ids {
		one, ok := c.MethodByName("UpdateOneID").Call([]reflect.Value{reflect.ValueOf(id)})[0].
			MethodByName("Mutation").Call(nil)[0].Interface().(ent.Mutation)
		if !ok {
			return nil, fmt.Errorf("%s: no one-row mutation", m.Type())
		}
		rows[id] = map[string]ent.Value{}
		if err := oldValues(ctx, one, m, rows[id]); err != nil {
			return nil, fmt.Errorf("%s %d: %w", m.Type(), id, err)
		}
	}
	return rows, nil
}

// oldValues reads through one (a one-row mutation: m itself for an
// UpdateOne) the values before the change of the fields m sets, adds to
// or clears, into old, skipping those already there.
func oldValues(ctx context.Context, one, m ent.Mutation, old map[string]ent.Value) error {
	for _, f := range append(append(m.Fields(), m.AddedFields()...), m.ClearedFields()...) {
		if _, ok := old[f]; ok {
			continue
		}
		v, err := one.OldField(ctx, f)
		if err != nil {
			return err
		}
		old[f] = v
	}
	return nil
}

// diff lists what m changes: fields set, raised or cleared, and edges
// added or removed (as ids).
func diff(m ent.Mutation, before map[string]ent.Value) []changes.Field {
	var out []changes.Field
	add := func(field string, b, a any) {
		if slices.Contains(sensitive, field) {
			b, a = nil, "(changed)"
		}
		out = append(out, changes.Field{Field: field, Before: b, After: a})
	}
	for _, f := range m.Fields() {
		v, _ := m.Field(f)
		add(f, before[f], v)
	}
	for _, f := range m.AddedFields() {
		delta, _ := m.AddedField(f)
		b := before[f]
		var after any = fmt.Sprintf("+%v", delta)
		if bi, ok := b.(int); ok {
			if di, ok := delta.(int); ok {
				after = bi + di
			}
		}
		add(f, b, after)
	}
	for _, f := range m.ClearedFields() {
		add(f, before[f], nil)
	}
	// An input that names no ids for an edge still marks it added (an
	// empty list): that is no change.
	for _, e := range m.AddedEdges() {
		if ids := m.AddedIDs(e); len(ids) > 0 {
			add(e, nil, ids)
		}
	}
	for _, e := range m.RemovedEdges() {
		if ids := m.RemovedIDs(e); len(ids) > 0 {
			add(e, ids, nil)
		}
	}
	slices.SortStableFunc(out, func(a, b changes.Field) int {
		switch {
		case a.Field < b.Field:
			return -1
		case a.Field > b.Field:
			return 1
		}
		return 0
	})
	return out
}

// recordAll records the change of ids in the mutation's transaction. A
// mutation run without one (Go code using the client directly; the API
// always opens one) has committed already. Its events then go into the
// transaction the context carries (ent.NewTxContext), if any: that one
// holds the write lock, which a second transaction would wait for. Else
// they get a transaction of their own, a write transaction like any other.
// That wakes the change listeners, and on PostgreSQL it takes the write
// lock before the events take their ids, so that they commit in id order
// as the feed's readers rely on (see store.serialWrites). The events are
// ordered by their own commit, not the change's. And a change made
// outside a transaction can be saved while its events are not; the error
// then says so.
func recordAll(ctx context.Context, m mutation, ids []int, diff func(id int) []changes.Field) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := m.Tx(); err == nil {
		return recordIn(ctx, m.Client(), m, ids, diff)
	}
	if tx := gen.TxFromContext(ctx); tx != nil {
		return recordIn(ctx, tx.Client(), m, ids, diff)
	}
	// The change is saved: its events are written even if the caller's
	// context ends now, within eventsTimeout.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), eventsTimeout)
	defer cancel()
	err := func() error {
		tx, err := m.Client().Tx(ctx)
		if err != nil {
			return err
		}
		if err := recordIn(ctx, tx.Client(), m, ids, diff); err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		return fmt.Errorf("audit %s: the change is saved, its events are not: %w", m.Type(), err)
	}
	return nil
}

// eventsTimeout bounds the transaction that records the events of a change
// made without one.
const eventsTimeout = 30 * time.Second

func recordIn(ctx context.Context, c *gen.Client, m mutation, ids []int, diff func(id int) []changes.Field) error {
	for _, id := range ids {
		if err := record(ctx, c, m, id, diff(id)); err != nil {
			return err
		}
	}
	return nil
}

func record(ctx context.Context, c *gen.Client, m mutation, id int, diff []changes.Field) error {
	v := authz.FromContext(ctx)
	op := auditevent.OperationUPDATE
	switch {
	case m.Op().Is(ent.OpCreate):
		op = auditevent.OperationCREATE
	case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
		op = auditevent.OperationDELETE
	}
	err := c.AuditEvent.Create().
		SetActor(v.Actor).
		SetRole(v.Role.String()).
		SetRequestID(requestid.FromContext(ctx)).
		SetOperation(op).
		SetEntityType(m.Type()).
		SetEntityID(id).
		SetChanges(diff).
		Exec(authz.AuditWriterContext(ctx))
	if err != nil {
		return fmt.Errorf("audit %s %d: %w", m.Type(), id, err)
	}
	err = c.ChangeEvent.Create().
		SetEntityType(graphQLName(m.Type())).
		SetEntityID(id).
		SetOperation(changeevent.Operation(op)).
		SetFields(fieldNames(diff)).
		Exec(authz.AuditWriterContext(ctx))
	if err != nil {
		return fmt.Errorf("change feed %s %d: %w", m.Type(), id, err)
	}
	return nil
}

// graphQLName is the GraphQL name of an ent type, which the change feed
// tells its clients.
func graphQLName(entType string) string {
	if entType == gen.TypeAPIToken {
		return "ApiToken"
	}
	return entType
}

// fieldNames are the names of the changed fields, for the change feed
// (which tells no values).
func fieldNames(diff []changes.Field) []string {
	names := make([]string, len(diff))
	for i, c := range diff {
		names[i] = c.Field
	}
	return names
}

func onlyBookkeeping(diff []changes.Field) bool {
	for _, c := range diff {
		if !slices.Contains(bookkeeping, c.Field) {
			return false
		}
	}
	return true
}
