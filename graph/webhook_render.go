package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/webhook"
)

// WebhookRenderer renders the entity of a webhook delivery as the GraphQL
// API shows it to the viewer of the context: every field of its type that
// takes no arguments and is a scalar, an enum or a list of them, or a
// value object made of such fields (a meeting's when, an observation's
// period: FuzzyDate), with GraphQL's names and forms (ids as strings,
// Date, Decimal, Time). It runs
// node(id:) through the same resolvers, privacy policies and redaction as
// /graphql; edges are left out (their ids are the …ID fields).
func WebhookRenderer(client *ent.Client) webhook.RenderFunc {
	es := NewSchema(client)
	exec := executor.New(es)
	docs := nodeDocuments(es.Schema())
	exec.SetQueryCache(lru.New[*ast.QueryDocument](len(docs)))
	return func(ctx context.Context, typ string, id int) (json.RawMessage, error) {
		doc, ok := docs[typ]
		if !ok {
			return nil, fmt.Errorf("%s is not a Node type", typ)
		}
		if _, err := client.Noder(ctx, id); ent.IsNotFound(err) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		ctx = graphql.StartOperationTrace(ctx)
		params := &graphql.RawParams{
			Query:         doc,
			OperationName: "WebhookNode",
			Variables:     map[string]any{"id": strconv.Itoa(id)},
			ReadTime:      graphql.TraceTiming{Start: time.Now(), End: time.Now()},
		}
		oc, errs := exec.CreateOperationContext(ctx, params)
		if errs != nil {
			return nil, fmt.Errorf("webhook node document: %w", errs)
		}
		handler, ctx := exec.DispatchOperation(ctx, oc)
		resp := handler(withNodeCache(ctx))
		if len(resp.Errors) > 0 {
			return nil, fmt.Errorf("read node %d: %w", id, resp.Errors)
		}
		var data struct {
			Node json.RawMessage `json:"node"`
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			return nil, fmt.Errorf("read node %d: %w", id, err)
		}
		if string(data.Node) == "null" {
			return nil, nil
		}
		return data.Node, nil
	}
}

// nodeDocuments are the queries of WebhookRenderer by type: node(id:)
// with the plain fields of the type, and its value objects' plain fields.
func nodeDocuments(s *ast.Schema) map[string]string {
	docs := map[string]string{}
	for _, t := range s.GetPossibleTypes(s.Types["Node"]) {
		fields := plainFields(s, t)
		for _, f := range t.Fields {
			if obj := s.Types[f.Type.Name()]; len(f.Arguments) == 0 && f.Type.Elem == nil && isValueObject(s, obj) {
				fields = append(fields, f.Name+" { "+strings.Join(plainFields(s, obj), " ")+" }")
			}
		}
		docs[t.Name] = fmt.Sprintf("query WebhookNode($id: ID!) { node(id: $id) { ... on %s { %s } } }", t.Name, strings.Join(fields, " "))
	}
	return docs
}

// plainFields are t's fields that take no arguments and are a scalar, an
// enum or a list of them.
func plainFields(s *ast.Schema, t *ast.Definition) []string {
	var fields []string
	for _, f := range t.Fields {
		if isPlain(s, f) {
			fields = append(fields, f.Name)
		}
	}
	return fields
}

func isPlain(s *ast.Schema, f *ast.FieldDefinition) bool {
	target := s.Types[f.Type.Name()]
	return len(f.Arguments) == 0 && !strings.HasPrefix(f.Name, "__") && target != nil &&
		(target.Kind == ast.Scalar || target.Kind == ast.Enum)
}

// isValueObject: an object type that is no entity (not a Node) and whose
// fields are all plain, such as FuzzyDate.
func isValueObject(s *ast.Schema, t *ast.Definition) bool {
	if t == nil || t.Kind != ast.Object || len(t.Fields) == 0 || slices.Contains(t.Interfaces, "Node") {
		return false
	}
	for _, f := range t.Fields {
		if !isPlain(s, f) {
			return false
		}
	}
	return true
}
