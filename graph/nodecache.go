package graph

import (
	"context"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent"
)

// nodeCache holds entities loaded ahead for one operation, so that a page
// of change events resolves its nodes with one query per entity type
// instead of one per event.
type nodeCache struct {
	mu    sync.Mutex
	nodes map[int]ent.Noder
}

type nodeCacheKey struct{}

// withNodeCache gives an operation its node cache.
func withNodeCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, nodeCacheKey{}, &nodeCache{}) // the map comes with the first prime
}

// primeNodes loads the entities of events in one batch per type.
// Entities that are gone or hidden are left out: they resolve one by one.
func (r *Resolver) primeNodes(ctx context.Context, events []*ent.ChangeEvent) error {
	c, _ := ctx.Value(nodeCacheKey{}).(*nodeCache)
	if c == nil || len(events) == 0 {
		return nil
	}
	seen := make(map[int]bool, len(events))
	ids := make([]int, 0, len(events))
	for _, e := range events {
		if !seen[e.EntityID] {
			seen[e.EntityID] = true
			ids = append(ids, e.EntityID)
		}
	}
	// Noders reports missing ids as GraphQL errors of the response in
	// ctx: give it a response of its own, whose errors nobody reads.
	quiet := graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	nodes, err := r.reader(ctx).Noders(quiet, ids)
	if ent.IsNotFound(err) { // (one id is loaded alone, and its absence is an error)
		return nil
	}
	if err != nil {
		return fmt.Errorf("load the entities of %d change events: %w", len(events), err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nodes == nil {
		c.nodes = make(map[int]ent.Noder, len(nodes))
	}
	for i, n := range nodes {
		if n != nil {
			c.nodes[ids[i]] = n
		}
	}
	return nil
}

// primed is the entity id loaded ahead, if it was.
func primed(ctx context.Context, id int) (ent.Noder, bool) {
	c, _ := ctx.Value(nodeCacheKey{}).(*nodeCache)
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.nodes[id]
	return n, ok
}

// fieldSelected reports whether the selection of the field resolving in
// ctx reaches path (through fragments too).
func fieldSelected(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	return selects(graphql.GetOperationContext(ctx), fc.Field.Selections, path)
}

func selects(op *graphql.OperationContext, set ast.SelectionSet, path []string) bool {
	if len(path) == 0 {
		return true
	}
	for _, f := range graphql.CollectFields(op, set, nil) {
		if f.Name == path[0] && selects(op, f.Selections, path[1:]) {
			return true
		}
	}
	return false
}
