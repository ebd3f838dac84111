package graph

import (
	"testing"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
)

// TestCSVFilename: the file name is ASCII letters, digits and dashes,
// whatever the body is called.
func TestCSVFilename(t *testing.T) {
	day := dates.MustParse("2024-06-15")
	for name, want := range map[string]string{
		"Rådet for fremtidens kompetencer": "composition-raadet-for-fremtidens-kompetencer-2024-06-15.csv",
		`../../etc/passwd "x"; y`:          "composition-etc-passwd-x-y-2024-06-15.csv",
		"Ærø Øst\r\nSet-Cookie: a=b":       "composition-aeroe-oest-set-cookie-a-b-2024-06-15.csv",
		"ΣΣΣ":                              "composition-body-7-2024-06-15.csv",
		"Et meget langt navn på et udvalg der bliver ved og ved og ved og ved": "composition-et-meget-langt-navn-paa-et-udvalg-der-bliver-ved-og-ved-og-v-2024-06-15.csv",
	} {
		if got := csvFilename(&ent.Body{ID: 7, Name: name}, day); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

// TestCellDefusesFormulas: a text a spreadsheet would run as a formula
// is shown as text.
func TestCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+45": "'+45", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"Aarhus": "Aarhus", "": "", "3F": "3F",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
