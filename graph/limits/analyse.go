package limits

import (
	"encoding/json"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
)

// costCap is where cost arithmetic saturates: far above any sane limit,
// far below overflow.
const costCap = 1 << 40

// result is what analyse found out about an operation.
type result struct {
	cost int
	// known is false when the analysis gave up (too many fields); cost is
	// then meaningless.
	known   bool
	refusal *problem
}

// analyse costs op (of doc, with vars applied) and checks it against cfg.
// The first broken argument rule (page size, ids, list length) wins; then
// depth; then cost.
func analyse(cfg *Config, schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) result {
	w := walkers.Get().(*walker)
	*w = walker{cfg: cfg, schema: schema, doc: doc, vars: vars, items: w.items[:0], seen: w.seen[:0], groups: w.groups[:0]}
	defer func() {
		if cap(w.items) > 4096 || cap(w.seen) > 4096 || cap(w.groups) > 4096 {
			return // grown by an odd document: not worth keeping
		}
		// Clear so that the pool holds on to no document.
		items, seen, groups := w.items[:cap(w.items)], w.seen[:cap(w.seen)], w.groups[:cap(w.groups)]
		clear(items)
		clear(seen)
		clear(groups)
		*w = walker{items: items[:0], seen: seen[:0], groups: groups[:0]}
		walkers.Put(w)
	}()
	cost, deepest := w.set(op.SelectionSet, 1, plain)
	if w.aborted {
		return result{refusal: &problem{err: apperr.New(apperr.TooComplex, "",
			"the query selects more than %d fields once its fragments are expanded", maxVisits)}}
	}
	r := result{cost: cost, known: true, refusal: w.problem}
	switch {
	case r.refusal != nil:
	case deepest > cfg.MaxDepth:
		r.refusal = &problem{err: apperr.New(apperr.TooComplex, "",
			"the query nests fields %d levels deep; the limit is %d", deepest, cfg.MaxDepth)}
	case cost > cfg.MaxCost:
		r.refusal = &problem{err: &apperr.Error{
			Code:       apperr.TooComplex,
			Message:    costMessage(cost, cfg.MaxCost),
			Extensions: map[string]any{"cost": cost, "maxCost": cfg.MaxCost},
		}}
	}
	return r
}

func costMessage(cost, limit int) string {
	return "the query costs " + strconv.Itoa(cost) + " points; the limit is " + strconv.Itoa(limit) +
		" per request: ask for smaller pages (first/last) or fewer nested lists"
}

// role says how a selection set's fields count.
type role int

const (
	// plain: each field by the general rule.
	plain role = iota
	// connection: only edges (and nodes) count, as the cost of one item.
	connection
	// edge: only node counts, as the cost of one item.
	edge
)

// walker costs a selection tree. Its slices are stacks shared by the
// recursion, so a walk allocates next to nothing.
type walker struct {
	cfg     *Config
	schema  *ast.Schema // nil: cursors are not checked against their order
	doc     *ast.QueryDocument
	vars    map[string]any
	visits  int
	aborted bool
	problem *problem

	items  []item   // flattened selections of the sets being walked
	seen   []string // fragments already expanded into a set
	groups []group  // per-type costs of a set on an interface or union
}

// walkers keeps walkers for reuse, their stacks grown.
var walkers = sync.Pool{New: func() any { return new(walker) }}

// item is a field of a flattened selection set and the object type it is
// conditional on ("" when it applies to every type).
type item struct {
	f     *ast.Field
	group string
}

type group struct {
	name string
	cost int
}

// set returns the cost of a selection set whose fields are at depth, and
// the depth of its deepest field (depth-1 if it selects nothing).
//
// A field that is on a fragment of an object type applies only to that
// type; on an interface or union, those parts never add up: the set costs
// its unconditional part plus the largest per-type part. (On an object
// type every fragment is of that type or of an abstract type that
// includes it, so everything adds up.)
func (w *walker) set(sel ast.SelectionSet, depth int, r role) (cost, deepest int) {
	start, seen, groups := len(w.items), len(w.seen), len(w.groups)
	w.flatten(sel, "", seen)
	end := len(w.items)
	deepest = depth - 1
	for i := start; i < end && !w.aborted; i++ {
		it := w.items[i]
		c, d := w.selected(it.f, depth, r)
		deepest = max(deepest, d)
		if it.group == "" {
			cost = add(cost, c)
			continue
		}
		j := slices.IndexFunc(w.groups[groups:], func(g group) bool { return g.name == it.group })
		if j < 0 {
			w.groups = append(w.groups, group{name: it.group})
			j = len(w.groups) - groups - 1
		}
		w.groups[groups+j].cost = add(w.groups[groups+j].cost, c)
	}
	most := 0
	for _, g := range w.groups[groups:] {
		most = max(most, g.cost)
	}
	w.items, w.seen, w.groups = w.items[:start], w.seen[:seen], w.groups[:groups]
	return add(cost, most), deepest
}

// selected costs field f of a set walked in role r.
func (w *walker) selected(f *ast.Field, depth int, r role) (cost, deepest int) {
	switch {
	case r == connection && (f.Name == "edges" || f.Name == "nodes") && len(f.SelectionSet) > 0:
		if !w.visit() {
			return 0, depth
		}
		inner := edge
		if f.Name == "nodes" {
			inner = plain
		}
		return w.set(f.SelectionSet, depth+1, inner)
	case r == edge && f.Name == "node" && len(f.SelectionSet) > 0:
		if !w.visit() {
			return 0, depth
		}
		return w.set(f.SelectionSet, depth+1, plain)
	case r != plain:
		// totalCount, pageInfo, cursor, __typename: walked for depth and
		// arguments, free.
		_, deepest = w.field(f, depth)
		return 0, deepest
	}
	return w.field(f, depth)
}

// visit counts a field occurrence; false once the walk must give up.
func (w *walker) visit() bool {
	w.visits++
	if w.visits > maxVisits {
		w.aborted = true
	}
	return !w.aborted
}

// field costs f by the general rule.
func (w *walker) field(f *ast.Field, depth int) (cost, deepest int) {
	if !w.visit() {
		return 0, depth
	}
	w.arguments(f)
	if len(f.SelectionSet) == 0 {
		return 0, depth // scalar or enum
	}
	if isConnection(f) {
		per, deepest := w.set(f.SelectionSet, depth+1, connection)
		return add(1, mul(w.pageSize(f), max(1, per))), deepest
	}
	cost, deepest = w.set(f.SelectionSet, depth+1, plain)
	if n, ok := w.idCount(f); ok {
		return add(1, mul(n, max(1, cost))), deepest
	}
	if d := f.Definition; d != nil && d.Type != nil && d.Type.Elem != nil && w.cfg.ListFanout > 1 && !introspection(f) {
		// A plain list has no page size: charge it ListFanout items (each
		// at least 1), so that nesting lists cannot multiply work for free.
		// ListFanout 1 charges a list like one object.
		return add(1, mul(w.cfg.ListFanout, max(1, cost))), deepest
	}
	return add(1, cost), deepest
}

// isConnection reports whether f is a Relay connection field.
func isConnection(f *ast.Field) bool {
	d := f.Definition
	return d != nil && d.Type != nil && d.Arguments.ForName("first") != nil &&
		strings.HasSuffix(d.Type.Name(), "Connection")
}

// isNodes reports whether f is Query.nodes(ids:).
func isNodes(f *ast.Field) bool {
	return f.Name == "nodes" && f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Query" &&
		f.Definition != nil && f.Definition.Arguments.ForName("ids") != nil
}

// pageSize is the number of items connection field f asks for: first or
// last (the larger if both), DefaultPage if neither is set or both are null.
func (w *walker) pageSize(f *ast.Field) int {
	first, firstSet := w.intArg(f, "first")
	last, lastSet := w.intArg(f, "last")
	switch {
	case firstSet && lastSet:
		return max(0, first, last)
	case firstSet:
		return max(0, first)
	case lastSet:
		return max(0, last)
	}
	return w.cfg.DefaultPage
}

// idCount is the number of ids nodes(ids:) asks for.
func (w *walker) idCount(f *ast.Field) (int, bool) {
	if !isNodes(f) {
		return 0, false
	}
	a := f.Arguments.ForName("ids")
	if a == nil {
		return 0, true
	}
	return listLen(w.valueOf(a.Value)), true
}

// arguments checks f's arguments: page sizes, ids, list lengths.
func (w *walker) arguments(f *ast.Field) {
	if w.problem != nil || len(f.Arguments) == 0 {
		return
	}
	if isConnection(f) {
		for _, name := range [...]string{"first", "last"} {
			n, set := w.intArg(f, name)
			switch {
			case !set:
			case n < 0:
				w.fail(f.Arguments.ForName(name).Position, apperr.TooComplex, name,
					"%s may not be negative, got %d", name, n)
				return
			case n > w.cfg.MaxPage:
				got := strconv.Itoa(n)
				if n == math.MaxInt {
					got = "more"
				}
				w.fail(f.Arguments.ForName(name).Position, apperr.TooComplex, name,
					"%s may be at most %d, got %s", name, w.cfg.MaxPage, got)
				return
			}
		}
	}
	if isNodes(f) {
		if a := f.Arguments.ForName("ids"); a != nil {
			if n := listLen(w.valueOf(a.Value)); n > w.cfg.MaxIDs {
				w.fail(a.Position, apperr.TooComplex, "ids",
					"nodes takes at most %d ids at a time, got %d", w.cfg.MaxIDs, n)
				return
			}
		}
	}
	for _, a := range f.Arguments {
		if w.badCursor(f, a) {
			return
		}
		w.lists(a.Name, a.Value)
	}
}

// badCursor reports (and records) whether argument a of f is a Cursor
// that does not decode, whose order value is a map or a list, or whose
// order value cannot be of f's orderBy field. It is checked here, before
// execution, because a connection below the root is loaded with its
// parent: entgql's loader then took an undecodable cursor for a decoded
// one and panicked, and the whole root field was lost as an internal
// error.
func (w *walker) badCursor(f *ast.Field, a *ast.Argument) bool {
	if f.Definition == nil {
		return false
	}
	d := f.Definition.Arguments.ForName(a.Name)
	if d == nil || d.Type == nil || d.Type.NamedType != "Cursor" {
		return false
	}
	v := w.valueOf(a.Value)
	if v == nil {
		return false
	}
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(v); err != nil || composite(c.Value) {
		w.fail(a.Position, apperr.BadUserInput, a.Name,
			"%s is not a cursor of this API: pass a cursor, startCursor or endCursor that a connection returned", a.Name)
		return true
	}
	// A page without orderBy gives cursors without an order value, and one
	// ordered by a field that has a value in every row gives cursors with
	// one: either used with the other order matched the wrong rows (on
	// SQLite, page 1 again, endlessly).
	typ, nonNull, ordered := w.orderType(f)
	if c.Value != nil && (!ordered || !fits(typ, c.Value)) || c.Value == nil && ordered && nonNull {
		w.fail(a.Position, apperr.BadUserInput, a.Name,
			"%s is a cursor of another order: keep orderBy while paging, or start again without a cursor", a.Name)
		return true
	}
	return false
}

// orderType is the GraphQL type of the node field that f's orderBy names
// (field NAME names name; an enum counts as String), or "" when that
// cannot be told; whether that field is non-null; and whether f has an
// orderBy at all.
func (w *walker) orderType(f *ast.Field) (typ string, nonNull, ordered bool) {
	a := f.Arguments.ForName("orderBy")
	if a == nil || w.valueOf(a.Value) == nil {
		return "", false, false
	}
	if w.schema == nil {
		return "", false, true
	}
	order, _ := w.valueOf(a.Value).(map[string]any)
	name, _ := order["field"].(string)
	node := w.fieldType(w.fieldType(w.schema.Types[f.Definition.Type.Name()], "edges"), "node")
	if name == "" || node == nil {
		return "", false, true
	}
	parts := strings.Split(strings.ToLower(name), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	def := node.Fields.ForName(strings.Join(parts, ""))
	field := w.fieldType(node, strings.Join(parts, ""))
	switch {
	case field == nil:
		return "", false, true
	case field.Kind == ast.Enum:
		return "String", def.Type.NonNull, true
	}
	return field.Name, def.Type.NonNull, true
}

// fieldType is the type of field name of t (nil if either is unknown).
func (w *walker) fieldType(t *ast.Definition, name string) *ast.Definition {
	if t == nil {
		return nil
	}
	if f := t.Fields.ForName(name); f != nil {
		return w.schema.Types[f.Type.Name()]
	}
	return nil
}

// fits reports whether cursor value v can be of an order by a field of
// GraphQL type typ (any value fits a type it cannot tell).
func fits(typ string, v any) bool {
	switch typ {
	case "Time":
		_, ok := v.(time.Time)
		return ok
	case "Date":
		var text string
		switch v := v.(type) {
		case string:
			text = v
		case []byte: // cursors issued before dates were written as text
			text = string(v)
		default:
			return false
		}
		_, err := dates.Parse(text)
		return err == nil
	case "String", "ID":
		_, ok := v.(string)
		return ok
	case "Int":
		switch reflect.ValueOf(v).Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return true
		}
		return false
	}
	return true
}

// composite reports whether a cursor's order value is a map or a list
// (not bytes): no order field gives one, and the database cannot compare
// with it (a forged cursor).
func composite(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map:
		return true
	case reflect.Slice, reflect.Array:
		_, bytes := v.([]byte)
		return !bytes
	}
	return false
}

// intArg is the value of integer argument name of f; set is false when it
// is absent or null.
func (w *walker) intArg(f *ast.Field, name string) (n int, set bool) {
	a := f.Arguments.ForName(name)
	if a == nil {
		return 0, false
	}
	v, err := a.Value.Value(w.vars)
	if err != nil {
		return math.MaxInt, true // an unparseable literal: too large for an int
	}
	if v == nil {
		return 0, false
	}
	return toInt(v), true
}

// valueOf is v with variables applied (nil on error).
func (w *walker) valueOf(v *ast.Value) any {
	if v.Kind == ast.Variable {
		return w.vars[v.Raw]
	}
	if v.Kind == ast.ListValue {
		return v // listLen counts the children
	}
	x, _ := v.Value(w.vars)
	return x
}

// lists checks every list in argument or input field value v (named name)
// against MaxListItems, variables included.
func (w *walker) lists(name string, v *ast.Value) {
	if w.problem != nil || v == nil {
		return
	}
	switch v.Kind {
	case ast.Variable:
		w.goLists(name, w.vars[v.Raw], v.Position)
	case ast.ListValue:
		if len(v.Children) > w.cfg.MaxListItems {
			w.tooLong(name, len(v.Children), v.Position)
			return
		}
		for _, c := range v.Children {
			w.lists(name, c.Value)
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			w.lists(c.Name, c.Value)
		}
	}
}

// goLists is lists for a variable's (coerced) value.
func (w *walker) goLists(name string, v any, pos *ast.Position) {
	if w.problem != nil {
		return
	}
	switch v := v.(type) {
	case nil, string, bool, json.Number, int, int32, int64, float64:
	case []any:
		if len(v) > w.cfg.MaxListItems {
			w.tooLong(name, len(v), pos)
			return
		}
		for _, e := range v {
			w.goLists(name, e, pos)
		}
	case map[string]any:
		if len(v) == 1 {
			for k, e := range v {
				w.goLists(k, e, pos)
			}
			return
		}
		// In name order, so the same request always names the same field.
		for _, k := range slices.Sorted(maps.Keys(v)) {
			w.goLists(k, v[k], pos)
		}
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			if rv.Len() > w.cfg.MaxListItems {
				w.tooLong(name, rv.Len(), pos)
				return
			}
			for i := range rv.Len() {
				w.goLists(name, rv.Index(i).Interface(), pos)
			}
		case reflect.Map:
			if rv.Type().Key().Kind() != reflect.String {
				return
			}
			keys := rv.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				w.goLists(k.String(), rv.MapIndex(k).Interface(), pos)
			}
		case reflect.Pointer:
			if !rv.IsNil() {
				w.goLists(name, rv.Elem().Interface(), pos)
			}
		}
	}
}

func (w *walker) tooLong(name string, n int, pos *ast.Position) {
	w.fail(pos, apperr.TooComplex, name, "%s may hold at most %d items, got %d", name, w.cfg.MaxListItems, n)
}

// fail records the first broken rule.
func (w *walker) fail(pos *ast.Position, code apperr.Code, field, format string, args ...any) {
	if w.problem == nil {
		w.problem = &problem{err: apperr.New(code, field, format, args...), pos: pos}
	}
}

// flatten appends the fields of sel to w.items, expanding fragments the
// way execution does: @skip/@include applied, each named fragment at most
// once per selection set (w.seen from seen on). group is the object type
// the fields are conditional on.
func (w *walker) flatten(sel ast.SelectionSet, grp string, seen int) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if w.included(s.Directives) {
				w.items = append(w.items, item{f: s, group: grp})
			}
		case *ast.InlineFragment:
			if w.included(s.Directives) {
				w.flatten(s.SelectionSet, groupOf(grp, typeOf(s.SelectionSet)), seen)
			}
		case *ast.FragmentSpread:
			if slices.Contains(w.seen[seen:], s.Name) || !w.included(s.Directives) {
				continue
			}
			w.seen = append(w.seen, s.Name)
			if frag := w.doc.Fragments.ForName(s.Name); frag != nil {
				w.flatten(frag.SelectionSet, groupOf(grp, frag.Definition), seen)
			}
		}
	}
}

// typeOf is the type a selection set selects from (the validator records
// it on each selection; an inline fragment's own record is its parent's).
func typeOf(sel ast.SelectionSet) *ast.Definition {
	if len(sel) == 0 {
		return nil
	}
	switch s := sel[0].(type) {
	case *ast.Field:
		return s.ObjectDefinition
	case *ast.InlineFragment:
		return s.ObjectDefinition
	case *ast.FragmentSpread:
		return s.ObjectDefinition
	}
	return nil
}

// groupOf is the group of a fragment on cond inside group outer: fields on
// an object type apply to it alone; an abstract condition narrows nothing.
func groupOf(outer string, cond *ast.Definition) string {
	if outer != "" || cond == nil || cond.Kind != ast.Object {
		return outer
	}
	return cond.Name
}

// included applies @skip and @include.
func (w *walker) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		a := d.Arguments.ForName("if")
		if a == nil {
			continue
		}
		v, _ := a.Value.Value(w.vars)
		if b, _ := v.(bool); (d.Name == "skip") == b {
			return false
		}
	}
	return true
}

// listLen is the length of a list value: an *ast.Value list literal or a
// variable's value (a single value coerces to a list of one).
func listLen(v any) int {
	switch v := v.(type) {
	case nil:
		return 0
	case *ast.Value:
		return len(v.Children)
	case []any:
		return len(v)
	}
	rv := reflect.ValueOf(v)
	if k := rv.Kind(); k == reflect.Slice || k == reflect.Array {
		return rv.Len()
	}
	return 1
}

// toInt reads an integer argument's value; anything unreadable counts as
// too large.
func toInt(v any) int {
	switch v := v.(type) {
	case int:
		return v
	case int32:
		return int(v)
	case int64:
		return int(v)
	case float64:
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return int(v)
		}
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return int(n)
		}
	}
	return math.MaxInt
}

// add and mul saturate at costCap.
func add(a, b int) int { return min(a+b, costCap) }

func mul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > costCap/b {
		return costCap
	}
	return min(a*b, costCap)
}

// introspection reports whether f belongs to the schema's introspection
// (__schema, __type and their types), which reads no data.
func introspection(f *ast.Field) bool {
	return strings.HasPrefix(f.Name, "__") || f.ObjectDefinition != nil && strings.HasPrefix(f.ObjectDefinition.Name, "__")
}
