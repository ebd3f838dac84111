package graph

// The CSV export: a body's composition on a date as a spreadsheet that
// Danish Excel opens as it is (UTF-8 with a byte-order mark, semicolons,
// CRLF). It holds no contact data, for any viewer: a spreadsheet is mailed
// on and printed, and who may see e-mail addresses and phone numbers is
// decided by the API (GraphQL and the Popolo export), not by a file.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/graph/generated"
)

// csvHeader names the columns of the CSV export.
var csvHeader = []string{
	"line",         // the allocation's place in the body's order, from 1
	"allocation",   // the allocation's label (the constituency)
	"seat",         // the seat's number within the allocation, from 1
	"role",         // CHAIR, VICE_CHAIR, MEMBER, OBSERVER or SECRETARY
	"status",       // HELD or VACANT
	"person",       // the member holding the seat
	"organisation", // on whose behalf
	"since",        // YYYY-MM-DD
	"until",        // YYYY-MM-DD, empty when open-ended
	"alternates",   // "Name (Organisation)", separated by "; "
}

// utf8BOM makes Excel read the file as UTF-8 (æ, ø, å).
const utf8BOM = "\ufeff"

// compositionCSV serves GET /export/composition.csv.
func (x *exporter) compositionCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := parseExportQuery(r.URL.Query(), true)
	if err != nil {
		return err
	}
	b, err := x.bodyOf(ctx, p.body)
	if err != nil {
		return err
	}
	lines, err := x.r.compositionOf(ctx, b.ID, p.asOf)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	_ = cw.Write(csvHeader)
	_ = cw.WriteAll(compositionRows(lines)) // to memory: cannot fail
	header := http.Header{}
	// The name has letters, digits, dashes and a dot only: safe in quotes.
	header.Set("Content-Disposition", `attachment; filename="`+csvFilename(b, p.asOf)+`"`)
	writeExport(w, http.StatusOK, "text/csv; charset=utf-8", header, buf.Bytes())
	return nil
}

// compositionRows is one row per seat: each holder in start order, then
// each vacant seat. (Should an allocation hold more members than seats,
// every holder still gets a row.)
func compositionRows(lines []*generated.CompositionLine) [][]string {
	var rows [][]string
	for i, l := range lines {
		seat := 0
		row := func(status string, cells ...string) {
			seat++
			rows = append(rows, append([]string{strconv.Itoa(i + 1), cell(l.Label), strconv.Itoa(seat), string(l.Role), status}, cells...))
		}
		for _, h := range l.Holders {
			row("HELD", cell(h.Person.Name), cell(h.Organisation.Name), h.Since.String(), dateText(h.Until), cell(alternatesOf(h)))
		}
		for range l.Vacant {
			row("VACANT", "", "", "", "", "")
		}
	}
	return rows
}

// alternatesOf lists h's alternates as "Name (Organisation)", "; "
// between them.
func alternatesOf(h *generated.Holder) string {
	names := make([]string, 0, len(h.Alternates))
	for _, a := range h.Alternates {
		names = append(names, fmt.Sprintf("%s (%s)", nameOf(a.Edges.Person), orgNameOf(a.Edges.OnBehalfOf)))
	}
	return strings.Join(names, "; ")
}

func nameOf(p *ent.Person) string {
	if p == nil {
		return ""
	}
	return p.Name
}

func orgNameOf(o *ent.Organisation) string {
	if o == nil {
		return ""
	}
	return o.Name
}

// cell keeps a text from being taken for a formula by a spreadsheet
// (CSV injection): one that starts with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, which Excel shows as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvFilename is a safe file name for b's composition on asOf: ASCII
// letters, digits and dashes only (æ → ae, ø → oe, å → aa), e.g.
// composition-raadet-for-fremtidens-kompetencer-2024-06-15.csv.
func csvFilename(b *ent.Body, asOf dates.Date) string {
	var s strings.Builder
	dash := false
	for _, r := range strings.ToLower(b.Name) {
		var out string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = string(r)
		case r == 'æ':
			out = "ae"
		case r == 'ø':
			out = "oe"
		case r == 'å':
			out = "aa"
		default:
			dash = s.Len() > 0
			continue
		}
		if dash {
			out = "-" + out
			dash = false
		}
		if s.Len()+len(out) > 60 {
			break
		}
		s.WriteString(out)
	}
	slug := s.String()
	if slug == "" {
		slug = "body-" + strconv.Itoa(b.ID)
	}
	return "composition-" + slug + "-" + asOf.String() + ".csv"
}
