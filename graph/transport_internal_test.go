package graph

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseAsMarshalled checks that writeResponse writes what
// json.Marshal(resp) writes, byte for byte, on its fast path (raw data) and
// on the others.
func TestWriteResponseAsMarshalled(t *testing.T) {
	yes := true
	errs := gqlerror.List{{Message: "a <b> & c", Path: ast.Path{ast.PathName("x"), ast.PathIndex(1)},
		Extensions: map[string]any{"code": "NOT_FOUND"}}}
	for name, resp := range map[string]*graphql.Response{
		"data":                  {Data: []byte(`{"a":{"b":[1,2,"x y \"z\" \\ q"]}}`)},
		"data, extensions":      {Data: []byte(`{"a":null}`), Extensions: map[string]any{"cost": 81, "b": "<x>"}},
		"errors, data":          {Errors: errs, Data: []byte(`{"a":null}`)},
		"errors, no data":       {Errors: errs},
		"errors, extensions":    {Errors: errs, Extensions: map[string]any{"cost": 1}},
		"empty extensions":      {Data: []byte(`{}`), Extensions: map[string]any{}},
		"html in data":          {Data: []byte(`{"a":"<script>&"}`)},
		"line separator":        {Data: []byte("{\"a\":\"x\u2028y\u2029\"}")},
		"other non-ASCII":       {Data: []byte(`{"a":"æøå €"}`)},
		"whitespace in data":    {Data: []byte("{\"a\": [1, 2]\n}")},
		"escaped quote, html":   {Data: []byte(`{"a":"\"<"}`)},
		"label and path":        {Data: []byte(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("x")}},
		"has next":              {Data: []byte(`{"a":1}`), HasNext: &yes},
		"invalid data":          {Data: []byte(`{"a":`)[:0]},
		"data with null inside": {Data: []byte(`[null,true,false,-1.5e3]`)},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			want = []byte(`{"errors":[{"message":"internal error: the response could not be encoded","extensions":{"code":"INTERNAL"}}]}`)
		}
		var got bytes.Buffer
		writeResponse(&got, resp)
		if got.String() != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got.String(), want)
		}
	}
}
