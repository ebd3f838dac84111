package vocab

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestMarshal: a vocabulary value is written as the JSON string
// encoding/json writes, for every known value and for values the database
// should never hold (quotes, control and non-ASCII characters).
func TestMarshal(t *testing.T) {
	values := []string{"", "MEMBER", "CHAIR", "a_b9", `a"b`, "a\\b", "line\nbreak", "tab\t", "ø", "<&>", "x\u2028"}
	for _, v := range []OrganisationKind{Region, TradeUnion, Municipality} {
		values = append(values, string(v))
	}
	for _, s := range values {
		var got bytes.Buffer
		marshal(&got, s)
		want, _ := json.Marshal(s)
		if got.String() != string(want) {
			t.Errorf("marshal(%q) = %s, want %s", s, got.String(), want)
		}
	}
}
