//go:build ignore

// entc.go generates the ent code in ./ent and the GraphQL schema of the
// entities in ./graph/ent.graphqls. Run it from the module root (go
// generate ./... does): the paths are plain relative paths on purpose.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
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
	if err := nullAwareCursors("./ent/gql_pagination.go"); err != nil {
		log.Fatalf("entc: %v", err)
	}
}

// nullAwareCursors makes the generated pagination continue after a cursor
// through package keyset, which places rows without a value where the
// database sorts them (entgql's CursorsPredicate leaves them out).
func nullAwareCursors(file string) error {
	const (
		call, keysetCall = "entgql.CursorsPredicate(", "keyset.CursorsPredicate("
		entgqlImport     = "\t\"entgo.io/contrib/entgql\"\n"
		keysetImport     = "\t\"github.com/pactreg/pactreg/ent/keyset\"\n"
	)
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if !bytes.Contains(src, []byte(call)) || !bytes.Contains(src, []byte(entgqlImport)) {
		return fmt.Errorf("%s: no %s to rewrite: has entgql's output changed?", file, call)
	}
	src = bytes.ReplaceAll(src, []byte(call), []byte(keysetCall))
	src = bytes.Replace(src, []byte(entgqlImport), []byte(entgqlImport+keysetImport), 1)
	if src, err = format.Source(src); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, src, 0o644)
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
