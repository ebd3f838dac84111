package graph_test

// Validation against the official Popolo JSON schemas (testdata/popolo,
// draft-03) and pactreg's profile on top of them
// (testdata/popolo-export.schema.json).
//
// The validator is github.com/santhosh-tekuri/jsonschema/v6. No
// maintained Go library implements draft-03: jsonschema/v6 knows drafts 4
// to 2020-12 and refuses a draft-03 "$schema", and gojsonschema (v1.2.0,
// unmaintained since 2019) fails to compile a draft-03 schema ("required
// must be of an array"). The Popolo schemas use one keyword that the two
// drafts spell differently — a property's "required": true, which draft-04
// writes as the parent's required list — so draft3to4 rewrites that, in
// memory, and refuses the other draft-03-only keywords rather than
// ignoring them. Formats (email, uri, date-time) are asserted.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// profileURL is the $id of testdata/popolo-export.schema.json.
const profileURL = "https://pactreg.invalid/schemas/popolo-export.json"

// popoloSchema is the compiled profile, with the Popolo schemas it refers to.
var popoloSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, err := filepath.Glob("testdata/popolo/*.json")
	if err != nil || len(files) < 9 {
		return nil, fmt.Errorf("the Popolo schemas are missing from testdata/popolo (%d files, %v)", len(files), err)
	}
	for _, f := range files {
		s, err := readJSONObject(f)
		if err != nil {
			return nil, err
		}
		if s["$schema"] != "http://json-schema.org/draft-03/schema#" {
			return nil, fmt.Errorf("%s: not draft-03 (%v): check draft3to4 still fits", f, s["$schema"])
		}
		if err := draft3to4(s); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		s["$schema"] = "http://json-schema.org/draft-04/schema#"
		id, _ := s["id"].(string)
		if err := c.AddResource(strings.TrimSuffix(id, "#"), s); err != nil {
			return nil, err
		}
	}
	profile, err := readJSONObject("testdata/popolo-export.schema.json")
	if err != nil {
		return nil, err
	}
	if err := c.AddResource(profileURL, profile); err != nil {
		return nil, err
	}
	return c.Compile(profileURL)
})

func readJSONObject(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// draft3to4 rewrites draft-03 schema s (and the schemas in it) as
// draft-04: a property's "required": true moves to s's required list.
// Keywords draft-03 has and draft-04 does not, or spells otherwise, are
// refused, so that nothing is silently left unchecked.
func draft3to4(s map[string]any) error {
	for _, k := range []string{"extends", "disallow", "divisibleBy", "dependencies"} {
		if _, ok := s[k]; ok {
			return fmt.Errorf("draft-03 keyword %q is not translated", k)
		}
	}
	if _, ok := s["required"].(bool); ok {
		return fmt.Errorf(`"required": true outside properties`)
	}
	if types, ok := s["type"].([]any); ok {
		for _, t := range types {
			if _, ok := t.(string); !ok {
				return fmt.Errorf("draft-03 schema in type is not translated")
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	var required []any
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p, ok := props[name].(map[string]any)
		if !ok {
			return fmt.Errorf("property %q is not a schema", name)
		}
		if r, ok := p["required"].(bool); ok {
			delete(p, "required")
			if r {
				required = append(required, name)
			}
		}
		if err := draft3to4(p); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(required) > 0 {
		s["required"] = required
	}
	if items, ok := s["items"].(map[string]any); ok {
		return draft3to4(items)
	}
	return nil
}

// validatePopolo checks raw against the schemas.
func validatePopolo(raw []byte) error {
	schema, err := popoloSchema()
	if err != nil {
		return fmt.Errorf("compile the schemas: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	return schema.Validate(doc)
}

// validPopolo is a small document that the schemas accept.
const validPopolo = `{
  "persons": [{"id": "3", "name": "Ærø Åby", "email": "a@example.dk", "contact_details": [{"type": "email", "value": "a@example.dk"}]}],
  "organizations": [
    {"id": "1", "name": "Rådet", "classification": "council"},
    {"id": "2", "name": "Aarhus Kommune", "classification": "municipality",
     "identifiers": [{"identifier": "55133018", "scheme": "DK-CVR"}], "links": [{"url": "https://www.aarhus.dk", "note": "website"}]}],
  "posts": [{"id": "4", "label": "Kommunerne", "role": "member", "organization_id": "1", "seats": 2}],
  "memberships": [{"id": "5", "person_id": "3", "organization_id": "1", "post_id": "4", "on_behalf_of_id": "2",
    "role": "member", "start_date": "2024-01-01", "end_date": "2027-12-31"}]
}`

// TestPopoloSchemasRejectInvalidDocuments: the validator is no rubber
// stamp. Each change to a valid document breaks a rule of the official
// Popolo schemas or of pactreg's profile, and is refused.
func TestPopoloSchemasRejectInvalidDocuments(t *testing.T) {
	if err := validatePopolo([]byte(validPopolo)); err != nil {
		t.Fatalf("the valid document is refused: %v", err)
	}
	for name, c := range map[string]struct {
		change func(doc map[string]any)
		want   string // in the validator's message
	}{
		// Official Popolo rules.
		"date as DD-MM-YYYY": {func(d map[string]any) { membership(d)["start_date"] = "15-06-2024" }, "start_date"},
		"date with a time":   {func(d map[string]any) { membership(d)["end_date"] = "2027-12-31T00:00:00Z" }, "end_date"},
		"id as a number":     {func(d map[string]any) { membership(d)["id"] = 5 }, "/memberships/0/id"},
		"contact detail without value": {func(d map[string]any) {
			first(d, "persons")["contact_details"] = []any{map[string]any{"type": "email"}}
		}, "value"},
		"e-mail that is not one": {func(d map[string]any) { first(d, "persons")["email"] = "not an address" }, "email"},
		"identifier without identifier": {func(d map[string]any) {
			first(d, "organizations")["identifiers"] = []any{map[string]any{"scheme": "DK-CVR"}}
		}, "identifier"},
		"link that is no URL": {func(d map[string]any) {
			first(d, "organizations")["links"] = []any{map[string]any{"url": "www.aarhus.dk"}}
		}, "url"},
		// pactreg's profile (Popolo itself requires none of these).
		"membership without person_id": {func(d map[string]any) { delete(membership(d), "person_id") }, "person_id"},
		"membership without post_id":   {func(d map[string]any) { delete(membership(d), "post_id") }, "post_id"},
		"membership of another role":   {func(d map[string]any) { membership(d)["role"] = "chair" }, "role"},
		"post without seats":           {func(d map[string]any) { delete(first(d, "posts"), "seats") }, "seats"},
		"person without name":          {func(d map[string]any) { delete(first(d, "persons"), "name") }, "name"},
		"no memberships list":          {func(d map[string]any) { delete(d, "memberships") }, "memberships"},
	} {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(validPopolo), &doc); err != nil {
				t.Fatal(err)
			}
			c.change(doc)
			raw, _ := json.Marshal(doc)
			err := validatePopolo(raw)
			if err == nil {
				t.Fatalf("accepted: %s", raw)
			}
			if !strings.Contains(fmt.Sprintf("%#v", err), c.want) {
				t.Fatalf("refused, but not for %q: %#v", c.want, err)
			}
		})
	}
}

func first(doc map[string]any, list string) map[string]any {
	return doc[list].([]any)[0].(map[string]any)
}

func membership(doc map[string]any) map[string]any { return first(doc, "memberships") }
