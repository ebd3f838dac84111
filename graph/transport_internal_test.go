package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
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
		"escaped backslashes":   {Data: []byte(`{"a":"x\\\\","b":"\\\"q\\"}`)},
		"space after escapes":   {Data: []byte(`{"a":"x\\\\" ,"b":1}`)},
		"escaped quote, space":  {Data: []byte(`{"a":"x\" y","b":[1, 2]}`)},
		"unterminated string":   {Data: []byte(`{"a":"x\"}`)},
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

// TestRawDataAsMarshalledMatchesScan: the quote-hopping check agrees with a
// plain byte-by-byte reading of the same rule on 50,000 random inputs
// built from the bytes that matter (quotes, backslashes, whitespace, the
// HTML characters), so a wrong escape count cannot pass by falling back.
func TestRawDataAsMarshalledMatchesScan(t *testing.T) {
	scan := func(data []byte) bool {
		inString, escaped := false, false
		for _, c := range data {
			switch {
			case c == '<', c == '>', c == '&', c == 0xE2: // anywhere, conservatively
				return false
			case inString && escaped:
				escaped = false
			case inString:
				switch c {
				case '\\':
					escaped = true
				case '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == ' ', c == '\t', c == '\n', c == '\r':
				return false
			}
		}
		return !inString // unterminated: not valid JSON
	}
	alphabet := []byte("\"\"\"\\\\\\  \n\tax,:{}[]<&\xe2")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50_000 {
		data := make([]byte, 1+rng.IntN(24))
		for i := range data {
			data[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if got, want := rawDataAsMarshalled(data), scan(data); got != want {
			t.Fatalf("%q: %v, the byte-by-byte reading says %v", data, got, want)
		}
	}
}

// BenchmarkRawDataAsMarshalled: the check every reply's data passes before
// it is written as it is, on a reply shaped like the large nested
// benchmark's (about 330 KB: ids, names, roles).
func BenchmarkRawDataAsMarshalled(b *testing.B) {
	var data bytes.Buffer
	data.WriteString(`{"bodies":{"edges":[`)
	for i := range 1000 {
		if i > 0 {
			data.WriteByte(',')
		}
		fmt.Fprintf(&data, `{"id":"%d","role":"MEMBER","nominatingOrganisation":{"name":"Organisation %d"},"appointments":[`, 17179869184+i, i%450)
		for j := range 5 {
			if j > 0 {
				data.WriteByte(',')
			}
			fmt.Fprintf(&data, `{"id":"%d","person":{"name":"Person %d"}}`, 21474836480+5*i+j, 5*i+j)
		}
		data.WriteString(`]}`)
	}
	data.WriteString(`]}}`)
	b.SetBytes(int64(data.Len()))
	for b.Loop() {
		if !rawDataAsMarshalled(data.Bytes()) {
			b.Fatal("not as marshalled")
		}
	}
}
