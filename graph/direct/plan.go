package direct

import (
	"encoding/json"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// What an output field writes.
type what uint8

const (
	wColumn      what = iota // a scanned column (selection.scalars[at])
	wNull                    // null (a redacted column)
	wConst                   // a constant: __typename's name
	wToOne                   // the row of another table named by a key (selection.keys[at])
	wToMany                  // the rows of another table that name this row
	wEdges                   // a connection's edges (root only)
	wPageInfo                // a connection's pageInfo (root only)
	wTotal                   // a connection's totalCount (root only)
	wCursor                  // an edge's cursor
	wNode                    // an edge's node
	wHasNext                 // pageInfo.hasNextPage
	wHasPrevious             // pageInfo.hasPreviousPage
	wStartCursor             // pageInfo.startCursor
	wEndCursor               // pageInfo.endCursor
)

// out is one member of a reply object.
type out struct {
	key   string // `"alias":`
	what  what
	at    int    // wColumn: index of the scalar; wToOne: index of the key
	text  string // wConst: the JSON value
	child *selection
	edge  *edge
	sub   []out // wEdges, wPageInfo: the members of their objects
}

// selection is what a query reads of one table at one place in the tree.
type selection struct {
	t       *table
	out     []out
	scalars []column // rendered into the reply's bytes as they are scanned
	keys    []column // kept as integers: keys of to-one edges, and of a to-many list's rows their parent and sort keys
	// parent and sort index keys in the rows of a to-many list (-1 elsewhere).
	parent, sort int
}

// newSelection is an empty selection of t.
func newSelection(t *table) *selection { return &selection{t: t, parent: -1, sort: -1} }

// key adds c to the kept integers and returns its index.
func (s *selection) key(c column) int {
	s.keys = append(s.keys, c)
	return len(s.keys) - 1
}

// root is one root field: a connection of t.
type root struct {
	key   string
	t     *table
	first int
	after *int // the after cursor's id, if given
	out   []out
	nodes *selection // the edges' node (only the id if no node is asked for)
	edges bool       // edges are asked for: the rows are read
	count bool       // the rows are counted: for totalCount, or pageInfo without edges
}

// planner turns an operation into roots, or gives up.
type planner struct {
	oc     *graphql.OperationContext
	reader bool // the viewer may see contact data
}

// plan returns the roots of oc's operation, or false if any field of it is
// one the direct path does not answer.
func (p *planner) plan() ([]*root, bool) {
	op := p.oc.Operation
	if op == nil || op.Operation != ast.Query {
		return nil, false
	}
	var roots []*root
	for _, f := range graphql.CollectFields(p.oc, op.SelectionSet, []string{"Query"}) {
		r, ok := p.root(f)
		if !ok {
			return nil, false
		}
		roots = append(roots, r)
	}
	return roots, len(roots) > 0
}

// plain reports whether f is a field the direct path can write: no
// deferred fragment and no directive besides @skip and @include (which
// graphql.CollectFields has applied).
func plain(f graphql.CollectedField) bool {
	if len(f.Deferrables) > 0 {
		return false
	}
	for _, d := range f.Directives {
		if d.Name != "skip" && d.Name != "include" {
			return false
		}
	}
	return true
}

// memberKey is f's member name in the reply, with its colon. A GraphQL
// name needs no escaping.
func memberKey(f graphql.CollectedField) string { return `"` + f.Alias + `":` }

// root plans a connection field of Query with only first and after.
func (p *planner) root(f graphql.CollectedField) (*root, bool) {
	t := roots[f.Name]
	if t == nil || !plain(f) {
		return nil, false
	}
	r := &root{key: memberKey(f), t: t}
	for name, v := range f.ArgumentMap(p.oc.Variables) {
		switch {
		case v == nil:
		case name == "first":
			n, ok := toInt(v)
			if !ok || n <= 0 {
				return nil, false // zero and negatives: the ent path's answers
			}
			r.first = n
		case name == "after":
			var c entgql.Cursor[int]
			if c.UnmarshalGQL(v) != nil || c.Value != nil {
				return nil, false
			}
			r.after = &c.ID
		default:
			return nil, false
		}
	}
	if r.first == 0 {
		return nil, false
	}
	// entgql's Paginate finds edges, node, totalCount and pageInfo by their
	// response keys, so an alias there changes what it reads: leave those
	// to it.
	pageInfo := false
	var ok bool
	r.out, ok = p.fixed(f.Selections, t.typ+"Connection", connectionMembers, false, func(o *out, cf graphql.CollectedField) bool {
		ok := true
		switch o.what {
		case wTotal:
			r.count = true
		case wPageInfo:
			pageInfo = true
			o.sub, ok = p.fixed(cf.Selections, "PageInfo", pageInfoMembers, true, nil)
		case wEdges:
			r.edges = true
			o.sub, ok = p.fixed(cf.Selections, t.typ+"Edge", edgeMembers, false, func(e *out, ef graphql.CollectedField) bool {
				if e.what != wNode {
					return true
				}
				if r.nodes != nil {
					return false // two selections of the nodes: not worth a plan
				}
				var planned bool
				r.nodes, planned = p.object(t, ef.Selections)
				return planned
			})
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	// Without edges, entgql's Paginate reads no rows and takes hasNextPage
	// from the count.
	r.count = r.count || pageInfo && !r.edges
	if r.nodes == nil {
		// Cursors and page info need the rows' ids all the same.
		r.nodes = newSelection(t)
	}
	return r, true
}

// The members of a connection's own objects, by field.
var (
	connectionMembers = map[string]what{"edges": wEdges, "pageInfo": wPageInfo, "totalCount": wTotal}
	edgeMembers       = map[string]what{"cursor": wCursor, "node": wNode}
	pageInfoMembers   = map[string]what{"hasNextPage": wHasNext, "hasPreviousPage": wHasPrevious, "startCursor": wStartCursor, "endCursor": wEndCursor}
)

// fixed plans the members of one of a connection's own objects (typ): each
// field writes what names says, __typename the type; each may be aliased if
// aliases. more, if not nil, completes a member or refuses it.
func (p *planner) fixed(sel ast.SelectionSet, typ string, names map[string]what, aliases bool, more func(*out, graphql.CollectedField) bool) ([]out, bool) {
	var outs []out
	for _, f := range graphql.CollectFields(p.oc, sel, []string{typ}) {
		if !plain(f) || len(f.Arguments) > 0 || !aliases && f.Alias != f.Name {
			return nil, false
		}
		o := out{key: memberKey(f)}
		if f.Name == "__typename" {
			o.what, o.text = wConst, strconv.Quote(typ)
		} else if w, ok := names[f.Name]; ok {
			o.what = w
			if more != nil && !more(&o, f) {
				return nil, false
			}
		} else {
			return nil, false
		}
		outs = append(outs, o)
	}
	return outs, true
}

// object plans the selection sel of an object of table t.
func (p *planner) object(t *table, sel ast.SelectionSet) (*selection, bool) {
	s := newSelection(t)
	for _, f := range graphql.CollectFields(p.oc, sel, t.implements) {
		if !plain(f) || len(f.Arguments) > 0 {
			return nil, false
		}
		o := out{key: memberKey(f)}
		if f.Name == "__typename" {
			o.what, o.text = wConst, strconv.Quote(t.typ)
		} else if c, ok := t.fields[f.Name]; ok {
			if !p.reader && t.redacted(c) {
				o.what = wNull
			} else {
				o.what, o.at = wColumn, len(s.scalars)
				s.scalars = append(s.scalars, c)
			}
		} else if e := t.edges[f.Name]; e != nil {
			child, ok := p.object(e.target, f.Selections)
			if !ok {
				return nil, false
			}
			o.child, o.edge = child, e
			if e.many {
				o.what = wToMany
				child.parent = child.key(column{name: e.fk, kind: kInt})
				child.sort = child.key(column{name: e.sort, kind: e.sortKind})
			} else {
				o.what, o.at = wToOne, s.key(column{name: e.fk, kind: kIntNull})
			}
		} else {
			return nil, false
		}
		s.out = append(s.out, o)
	}
	return s, true
}

// toInt reads an Int argument as graphql.ArgumentMap gives it.
func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), int64(int(v)) == v
	case float64:
		return int(v), float64(int(v)) == v
	case json.Number:
		n, err := strconv.Atoi(string(v))
		return n, err == nil
	}
	return 0, false
}
