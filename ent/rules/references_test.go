package rules

import (
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestEveryInputEdgeHasATarget: every ID field of a generated create or
// update input is known to References, so a new edge cannot slip past it.
func TestEveryInputEdgeHasATarget(t *testing.T) {
	sdl, err := os.ReadFile("../../graph/ent.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(
		&ast.Source{Name: "schema.graphqls", Input: string(base)},
		&ast.Source{Name: "ent.graphqls", Input: string(sdl)},
	)
	if gerr != nil {
		t.Fatal(gerr)
	}
	checked := 0
	for name, def := range schema.Types {
		if def.Kind != ast.InputObject {
			continue
		}
		entity, create := strings.CutPrefix(name, "Create")
		if !create {
			var ok bool
			if entity, ok = strings.CutPrefix(name, "Update"); !ok {
				continue
			}
		}
		entity = strings.TrimSuffix(entity, "Input")
		if entity == "ApiToken" {
			entity = "APIToken"
		}
		// The input names this entity's edges can have.
		names := map[string]bool{}
		for edge, tg := range edgeTargets[entity] {
			names[inputName(edge, tg, create)] = true
		}
		for _, f := range def.Fields {
			n := f.Name
			if !strings.HasSuffix(n, "ID") && !strings.HasSuffix(n, "IDs") ||
				strings.HasPrefix(n, "clear") || strings.HasPrefix(n, "remove") {
				continue
			}
			checked++
			if !names[n] {
				t.Errorf("%s.%s is not an edge rules.References knows for %s (edgeTargets)", name, f.Name, entity)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d input ID fields: is the schema read right?", checked)
	}
}
