package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/pactreg/pactreg/ent/apperr"
)

// noIntrospection refuses __schema and __type with FORBIDDEN when
// introspection is switched off (gqlgen would answer with an untyped error
// in the middle of execution). __typename stays allowed: clients need it.
type noIntrospection struct{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !asksSchema(oc.Operation.SelectionSet, oc.Doc.Fragments, 0) {
		return nil
	}
	return gqlerror.WrapPath(nil, apperr.New(apperr.Forbidden, "", "introspection is switched off on this server"))
}

// asksSchema reports whether a root selection (fragments included) asks
// for __schema or __type. Validation has refused fragment cycles already,
// so the recursion ends.
func asksSchema(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int) bool {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if asksSchema(s.SelectionSet, frags, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil && asksSchema(f.SelectionSet, frags, depth+1) {
				return true
			}
		}
	}
	return false
}
