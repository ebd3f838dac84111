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
	known := map[string]bool{}
	for _, edges := range edgeTargets {
		for _, tg := range edges {
			known[tg.input] = true
		}
	}
	checked := 0
	for name, def := range schema.Types {
		if def.Kind != ast.InputObject || !(strings.HasPrefix(name, "Create") || strings.HasPrefix(name, "Update")) {
			continue
		}
		for _, f := range def.Fields {
			n := f.Name
			if !strings.HasSuffix(n, "ID") && !strings.HasSuffix(n, "IDs") {
				continue
			}
			if strings.HasPrefix(n, "clear") {
				continue
			}
			if rest, ok := strings.CutPrefix(n, "add"); ok {
				n = strings.ToLower(rest[:1]) + rest[1:]
			} else if strings.HasPrefix(n, "remove") {
				continue // removing a link needs no target
			}
			checked++
			if !known[n] {
				t.Errorf("%s.%s is not covered by rules.References (edgeTargets)", name, f.Name)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d input ID fields: is the schema read right?", checked)
	}
}
