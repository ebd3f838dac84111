package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/changeevent"
	"github.com/pactreg/pactreg/ent/predicate"
	"github.com/pactreg/pactreg/graph/generated"
)

// feedTypes are the entity types the change feed knows: every Node of
// the schema but the audit trail, the feed itself and the webhook
// delivery log (none of them are audited).
var feedTypes = sync.OnceValue(func() []string {
	s := generated.NewExecutableSchema(generated.Config{}).Schema()
	var names []string
	for _, t := range s.GetPossibleTypes(s.Types["Node"]) {
		if t.Name != "AuditEvent" && t.Name != "ChangeEvent" && t.Name != "WebhookDelivery" {
			names = append(names, t.Name)
		}
	}
	slices.Sort(names)
	return names
})

// feedFilter is the predicate of a types argument: none for a missing or
// empty list (every type, as for a webhook endpoint without types); an
// unknown type is BAD_USER_INPUT naming the known ones.
func feedFilter(types []string) ([]predicate.ChangeEvent, error) {
	if len(types) == 0 {
		return nil, nil
	}
	known := feedTypes()
	for _, t := range types {
		if !slices.Contains(known, t) {
			return nil, apperr.New(apperr.BadUserInput, "types", "%q is not an entity type; use one of %s", t, strings.Join(known, ", "))
		}
	}
	return []predicate.ChangeEvent{changeevent.EntityTypeIn(types...)}, nil
}

// changes is a page of the feed, oldest first.
func (r *Resolver) changes(ctx context.Context, after *ent.Cursor, first *int, types []string) (*ent.ChangeEventConnection, error) {
	where, err := feedFilter(types)
	if err != nil {
		return nil, err
	}
	conn, err := r.reader(ctx).ChangeEvent.Query().Where(where...).Paginate(ctx, after, first, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	if fieldSelected(ctx, "edges", "node", "node") {
		events := make([]*ent.ChangeEvent, len(conn.Edges))
		for i, e := range conn.Edges {
			events[i] = e.Node
		}
		if err := r.primeNodes(ctx, events); err != nil {
			return nil, err
		}
	}
	return conn, nil
}

// nodeOf is the entity a change event is about, as it is now; nil when it
// is gone.
func (r *Resolver) nodeOf(ctx context.Context, e *ent.ChangeEvent) (ent.Noder, error) {
	if n, ok := primed(ctx, e.EntityID); ok {
		return n, nil
	}
	n, err := r.reader(ctx).Noder(ctx, e.EntityID)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return n, err
}

// followPage is how many events a subscription reads at once.
const followPage = 100

// followPoll is how often a subscription reads the feed when no commit
// has woken it (a lost notification costs at most this long).
const followPoll = 30 * time.Second

// follow sends the feed's events after the newest one at its start to a
// subscriber, until ctx ends. It reads with the subscriber's privileges.
func (r *Resolver) follow(ctx context.Context, types []string) (<-chan *ent.ChangeEvent, error) {
	where, err := feedFilter(types)
	if err != nil {
		return nil, err
	}
	newest, err := r.client.ChangeEvent.Query().Order(ent.Desc(changeevent.FieldID)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("registryChanged: read the feed: %w", err)
	}
	last := 0
	if newest != nil {
		last = newest.ID
	}
	out := make(chan *ent.ChangeEvent)
	go func() {
		defer close(out)
		for {
			wake := r.changed()
			events, err := r.client.ChangeEvent.Query().
				Where(append(where, changeevent.IDGT(last))...).
				Order(ent.Asc(changeevent.FieldID)).Limit(followPage).All(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				r.log.WarnContext(ctx, "subscription: read the change feed", "error", err.Error())
			}
			for _, e := range events {
				select {
				case out <- e:
					last = e.ID
				case <-ctx.Done():
					return
				}
			}
			if len(events) == followPage {
				continue
			}
			select {
			case <-wake:
			case <-time.After(followPoll):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// changed is the channel of the next commit (see store.DB.Changed); with
// none configured, or when listening fails, subscriptions poll.
func (r *Resolver) changed() <-chan struct{} {
	if r.notify != nil {
		ch, err := r.notify()
		if err == nil {
			return ch
		}
		r.log.Warn("subscriptions fall back to polling", "error", err.Error())
	}
	return nil
}
