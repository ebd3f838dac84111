package graph

import (
	"context"
	"encoding/json"
	"fmt"
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
// takes no arguments and is a scalar, an enum or a list of them, with
// GraphQL's names and forms (ids as strings, Date, Decimal, Time). It runs
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
// with the plain fields of the type.
func nodeDocuments(s *ast.Schema) map[string]string {
	docs := map[string]string{}
	for _, t := range s.GetPossibleTypes(s.Types["Node"]) {
		var fields []string
		for _, f := range t.Fields {
			target := s.Types[f.Type.Name()]
			if len(f.Arguments) > 0 || strings.HasPrefix(f.Name, "__") || target == nil ||
				(target.Kind != ast.Scalar && target.Kind != ast.Enum) {
				continue
			}
			fields = append(fields, f.Name)
		}
		docs[t.Name] = fmt.Sprintf("query WebhookNode($id: ID!) { node(id: $id) { ... on %s { %s } } }", t.Name, strings.Join(fields, " "))
	}
	return docs
}
