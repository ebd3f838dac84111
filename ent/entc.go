//go:build ignore

// entc.go generates the ent code in ./ent and the GraphQL schema of the
// entities in ./graph/ent.graphqls. Run it from the module root (go
// generate ./... does): the paths are plain relative paths on purpose.
package main

import (
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphqls"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(updatedSince),
	)
	if err != nil {
		log.Fatalf("entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "./ent",
		Package: "github.com/pactreg/pactreg/ent",
		Features: []gen.Feature{
			gen.FeatureGlobalID,
			gen.FeatureIntercept,
			gen.FeaturePrivacy,
			gen.FeatureModifier,
			gen.FeatureNamedEdges,
			gen.FeatureLock,
			gen.FeatureUpsert,
			gen.FeatureExecQuery,
			gen.FeatureVersionedMigration,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("entc: %v", err)
	}
}

// updatedSince gives every root connection of an entity with updatedAt an
// argument updatedSince: Time, for clients that catch up on what changed
// (the change feed is the way never to miss a change).
func updatedSince(_ *gen.Graph, s *ast.Schema) error {
	q := s.Types["Query"]
	if q == nil {
		return nil
	}
	for _, f := range q.Fields {
		conn := s.Types[f.Type.Name()]
		if conn == nil || !strings.HasSuffix(conn.Name, "Connection") || conn.Fields.ForName("edges") == nil {
			continue
		}
		edge := s.Types[conn.Fields.ForName("edges").Type.Name()]
		node := s.Types[edge.Fields.ForName("node").Type.Name()]
		if node.Fields.ForName("updatedAt") == nil {
			continue
		}
		f.Arguments = append(f.Arguments, &ast.ArgumentDefinition{
			Name:        "updatedSince",
			Description: "Only the rows created or changed at or after this instant (their updatedAt).",
			Type:        ast.NamedType("Time", nil),
		})
	}
	return nil
}
