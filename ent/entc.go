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
	"regexp"
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
	if err := sharedToOneEdges("./ent/gql_collection.go"); err != nil {
		log.Fatalf("entc: %v", err)
	}
}

// toOneEdge matches the generated collection of a to-one edge: $1 the
// statements up to its collectField call, $2 that call's block, $3 the
// with-field it fills.
var toOneEdge = regexp.MustCompile(`(?m)^(\t+if err := query\.collectField\(ctx, oneNode, [^\n]+\n\t+return err\n\t+\}\n)(\t+)_q\.(with\w+) = query\n`)

// sharedToOneEdges makes a to-one edge asked under several aliases load
// once with every column, for all of them. entgql collected each alias
// into a query of its own and kept the last, so the other aliases read
// the columns only they asked for as zero values ("owner { name } o:
// owner { id }" answered an empty name).
func sharedToOneEdges(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	n := 0
	src = toOneEdge.ReplaceAllFunc(src, func(m []byte) []byte {
		g := toOneEdge.FindSubmatch(m)
		n++
		indent, with := string(g[2]), string(g[3])
		return fmt.Appendf(nil, "%sif _q.%s != nil {\n%s\t// The edge again under another alias: one query for all, every column (see ent/entc.go).\n%s\tquery = _q.%s\n%s}\n%s%sif _q.%s != nil {\n%s\tquery.ctx.Fields = nil\n%s}\n%s_q.%s = query\n",
			indent, with, indent, indent, with, indent, g[1], indent, with, indent, indent, indent, with)
	})
	if n == 0 {
		return fmt.Errorf("%s: no to-one edge collection to rewrite: has entgql's output changed?", file)
	}
	if src, err = format.Source(src); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, src, 0o644)
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
