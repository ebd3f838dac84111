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
	if err := sharedEdges("./ent/gql_collection.go"); err != nil {
		log.Fatalf("entc: %v", err)
	}
}

// toOneEdge matches the generated collection of a to-one edge: $1 its
// collectField call's block, $2 the indentation, $3 the with-field it fills.
var toOneEdge = regexp.MustCompile(`(?m)^(\t+if err := query\.collectField\(ctx, oneNode, [^\n]+\n\t+return err\n\t+\}\n)(\t+)_q\.(with\w+) = query\n`)

// namedList matches the generated collection of a plain list (a to-many
// edge without arguments; connections are collected otherwise): $1 the
// end of its query's declaration and its collectField call's block, $2
// the indentation, $3 the edge's Go name, $4 the rest of the statement
// that names the list by its alias.
var namedList = regexp.MustCompile(`(?m)^(\t+\)\n\t+if err := query\.collectField\(ctx, false, opCtx, field, path, [^\n]+\n\t+return err\n\t+\}\n)(\t+)_q\.WithNamed(\w+)(\(alias, func\(wq \*\w+Query\) \{\n\t+\*wq = \*query\n\t+\}\)\n)`)

// sharedEdges makes an edge that one object's selection asks for again
// under another alias load once, with every column, for all of them.
// entgql collected each alias of a to-one edge into a query of its own
// and kept the last, so the others read the columns only they asked for
// as zero values ("owner { name } o: owner { id }" answered an empty
// name). The aliases of a to-one edge now share its query; and since two
// such aliases may ask for the same list by the same name inside it
// ("seatAllocation { appointments { endsOn } } s: seatAllocation {
// appointments { startsOn } }"), a list asked again under its name shares
// its query too. Connections with arguments are left as they are.
func sharedEdges(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	ones, lists := 0, 0
	src = toOneEdge.ReplaceAllFunc(src, func(m []byte) []byte {
		g := toOneEdge.FindSubmatch(m)
		ones++
		indent, with := string(g[2]), "_q."+string(g[3])
		return fmt.Appendf(shared(indent, with, g[1]), "%s%s = query\n", indent, with)
	})
	src = namedList.ReplaceAllFunc(src, func(m []byte) []byte {
		g := namedList.FindSubmatch(m)
		lists++
		// g[1] starts with the declaration's closing parenthesis.
		decl, rest, _ := bytes.Cut(g[1], []byte("\n"))
		indent := string(g[2])
		out := append(append(decl, '\n'), shared(indent, "_q.withNamed"+string(g[3])+"[alias]", rest)...)
		return fmt.Appendf(out, "%s_q.WithNamed%s%s", indent, g[3], g[4])
	})
	if ones == 0 || lists == 0 {
		return fmt.Errorf("%s: %d to-one edges and %d lists to rewrite: has entgql's output changed?", file, ones, lists)
	}
	if src, err = format.Source(src); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, src, 0o644)
}

// shared writes block, a collectField call into query, so that it collects
// into prev (an expression) instead when prev is not nil, which then loads
// every column.
func shared(indent, prev string, block []byte) []byte {
	return fmt.Appendf(nil, "%[1]sif p := %[2]s; p != nil {\n%[1]s\t// Asked again under another alias: one query for all, every column (ent/entc.go: sharedEdges).\n%[1]s\tquery = p\n%[1]s}\n%[3]s%[1]sif %[2]s != nil {\n%[1]s\tquery.ctx.Fields = nil\n%[1]s}\n",
		indent, prev, block)
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
