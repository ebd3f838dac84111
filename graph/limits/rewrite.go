package limits

import (
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// docKey names a rewrite: the parsed document, and the variables given as
// a connection's first or last that are null in the request
// (comma-separated, in the order the document first uses them).
type docKey struct {
	doc   *ast.QueryDocument
	nulls string
}

// rewritten is a document with default page sizes.
type rewritten struct {
	// doc is the document to execute: the original one if no connection
	// needed a default page.
	doc *ast.QueryDocument
	// pageVars are the variables given as first or last of a connection
	// field (only on the rewrite without null variables).
	pageVars []string
}

// executable returns the document and operation to execute: oc's, with
// first: DefaultPage on every connection field that is otherwise unbounded
// in this request.
func (l *Limits) executable(oc *graphql.OperationContext) (*ast.QueryDocument, *ast.OperationDefinition) {
	doc, i, cache := oc.Doc, slices.Index(oc.Doc.Operations, oc.Operation), true
	if i < 0 {
		// An operation that is not in its document (another extension
		// swapped it): rewrite it alone, without memoising.
		only := *oc.Doc
		only.Operations = ast.OperationList{oc.Operation}
		doc, i, cache = &only, 0, false
	}
	rw := l.rewrite(doc, "", cache)
	if len(rw.pageVars) > 0 {
		if nulls := nullVars(rw.pageVars, oc.Variables); nulls != "" {
			rw = l.rewrite(doc, nulls, cache)
		}
	}
	return rw.doc, rw.doc.Operations[i]
}

// nullVars lists (as a key) the variables of names that are null or unset.
func nullVars(names []string, vars map[string]any) string {
	var b strings.Builder
	for _, n := range names {
		if v, ok := vars[n]; !ok || v == nil {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}

// rewrite returns doc with default page sizes, treating the variables in
// nulls as null; memoised if cache.
func (l *Limits) rewrite(doc *ast.QueryDocument, nulls string, cache bool) *rewritten {
	key := docKey{doc: doc, nulls: nulls}
	if !cache {
		return l.rewriteNow(doc, nulls)
	}
	if rw, ok := l.docs.Get(key); ok {
		return rw
	}
	rw := l.rewriteNow(doc, nulls)
	l.docs.Add(key, rw)
	return rw
}

func (l *Limits) rewriteNow(doc *ast.QueryDocument, nulls string) *rewritten {
	r := rewriter{l: l, doc: doc}
	if nulls != "" {
		r.nulls = strings.Split(nulls, ",")
	}
	return r.run()
}

// rewriter copies a document with first: DefaultPage added where needed.
// It copies only what changes (and what leads to it) and never writes to
// the original.
type rewriter struct {
	l        *Limits
	doc      *ast.QueryDocument
	nulls    []string
	frags    map[string]*ast.FragmentDefinition // rewritten fragments
	pageVars []string
}

func (r *rewriter) run() *rewritten {
	var ops ast.OperationList
	for i, op := range r.doc.Operations {
		if c, changed := r.operation(op); changed {
			if ops == nil {
				ops = slices.Clone(r.doc.Operations)
			}
			ops[i] = c
		}
	}
	var frags ast.FragmentDefinitionList
	for i, f := range r.doc.Fragments {
		if c, changed := r.fragment(f.Name); changed {
			if frags == nil {
				frags = slices.Clone(r.doc.Fragments)
			}
			frags[i] = c
		}
	}
	rw := &rewritten{doc: r.doc, pageVars: r.pageVars}
	if ops != nil || frags != nil {
		doc := *r.doc
		if ops != nil {
			doc.Operations = ops
		}
		if frags != nil {
			doc.Fragments = frags
		}
		rw.doc = &doc
	}
	return rw
}

func (r *rewriter) operation(op *ast.OperationDefinition) (*ast.OperationDefinition, bool) {
	sel, changed := r.set(op.SelectionSet)
	return copied(op, changed, func(c *ast.OperationDefinition) { c.SelectionSet = sel })
}

// copied returns p, or if changed a copy of *p with edit applied.
func copied[T any](p *T, changed bool, edit func(*T)) (*T, bool) {
	if !changed {
		return p, false
	}
	c := *p
	edit(&c)
	return &c, true
}

// fragment returns the rewritten fragment name, once per fragment.
func (r *rewriter) fragment(name string) (*ast.FragmentDefinition, bool) {
	orig := r.doc.Fragments.ForName(name)
	if orig == nil {
		return nil, false
	}
	if f, ok := r.frags[name]; ok {
		return f, f != orig
	}
	if r.frags == nil {
		r.frags = map[string]*ast.FragmentDefinition{}
	}
	r.frags[name] = orig // validated documents have no fragment cycles; still, end one
	sel, changed := r.set(orig.SelectionSet)
	c, changed := copied(orig, changed, func(c *ast.FragmentDefinition) { c.SelectionSet = sel })
	r.frags[name] = c
	return c, changed
}

func (r *rewriter) set(sel ast.SelectionSet) (ast.SelectionSet, bool) {
	var out ast.SelectionSet
	for i, s := range sel {
		c, changed := r.selection(s)
		if changed && out == nil {
			out = slices.Clone(sel)
		}
		if changed {
			out[i] = c
		}
	}
	if out == nil {
		return sel, false
	}
	return out, true
}

func (r *rewriter) selection(s ast.Selection) (ast.Selection, bool) {
	switch s := s.(type) {
	case *ast.Field:
		args, argsChanged := r.arguments(s)
		sel, selChanged := r.set(s.SelectionSet)
		return copied(s, argsChanged || selChanged, func(c *ast.Field) { c.Arguments, c.SelectionSet = args, sel })
	case *ast.InlineFragment:
		sel, changed := r.set(s.SelectionSet)
		return copied(s, changed, func(c *ast.InlineFragment) { c.SelectionSet = sel })
	case *ast.FragmentSpread:
		def, changed := r.fragment(s.Name)
		return copied(s, changed, func(c *ast.FragmentSpread) { c.Definition = def })
	}
	return s, false
}

// arguments gives connection field f first: DefaultPage unless first or
// last bounds it.
func (r *rewriter) arguments(f *ast.Field) (ast.ArgumentList, bool) {
	if !isConnection(f) {
		return f.Arguments, false
	}
	first, last := f.Arguments.ForName("first"), f.Arguments.ForName("last")
	// Both, so that the variables of both are remembered.
	if bf, bl := r.bounds(first), r.bounds(last); bf || bl {
		return f.Arguments, false
	}
	value := &ast.Value{
		Kind:         ast.IntValue,
		Raw:          r.l.defaultPage,
		Position:     f.Position,
		ExpectedType: f.Definition.Arguments.ForName("first").Type,
	}
	if first == nil {
		args := make(ast.ArgumentList, 0, len(f.Arguments)+1)
		args = append(args, f.Arguments...)
		return append(args, &ast.Argument{Name: "first", Value: value, Position: f.Position}), true
	}
	args := slices.Clone(f.Arguments)
	i := slices.Index(args, first)
	args[i] = &ast.Argument{Name: "first", Value: value, Position: first.Position, Comment: first.Comment}
	return args, true
}

// bounds reports whether a (first or last) may bound the page: present
// and not null. A variable counts unless it is one of the null ones; the
// pass without null variables remembers it.
func (r *rewriter) bounds(a *ast.Argument) bool {
	if a == nil || a.Value == nil || a.Value.Kind == ast.NullValue {
		return false
	}
	if a.Value.Kind != ast.Variable {
		return true
	}
	name := a.Value.Raw
	if r.nulls == nil && !slices.Contains(r.pageVars, name) {
		r.pageVars = append(r.pageVars, name)
	}
	return !slices.Contains(r.nulls, name)
}
