//go:build ignore

// entc.go generates the ent code in ./ent and the GraphQL schema of the
// entities in ./graph/ent.graphqls. Run it from the module root (go
// generate ./... does): the paths are plain relative paths on purpose.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphqls"),
		entgql.WithWhereInputs(true),
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
