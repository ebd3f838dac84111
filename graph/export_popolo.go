package graph

// The Popolo export (https://www.popoloproject.com, schemas under
// graph/testdata/popolo): who sits on which body as of a date, as
// persons, organizations, posts and memberships. Every id is the entity's
// GraphQL id, so records can be matched with the API and across exports.

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/vocab"
	"github.com/pactreg/pactreg/graph/generated"
)

// popoloDocument is a Popolo export.
type popoloDocument struct {
	Persons       []*popoloPerson       `json:"persons"`
	Organizations []*popoloOrganization `json:"organizations"`
	Memberships   []*popoloMembership   `json:"memberships"`
	Posts         []*popoloPost         `json:"posts"`
}

type popoloPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Contact data: present only for viewers who may see it (READER and
	// above); the ent interceptor has blanked it for the rest.
	Email          string          `json:"email,omitempty"`
	Gender         string          `json:"gender,omitempty"`
	ContactDetails []popoloContact `json:"contact_details,omitempty"`
}

type popoloContact struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type popoloOrganization struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	OtherNames      []popoloOtherName `json:"other_names,omitempty"`
	Classification  string            `json:"classification"`
	Identifiers     []popoloID        `json:"identifiers,omitempty"`
	ParentID        string            `json:"parent_id,omitempty"`
	FoundingDate    string            `json:"founding_date,omitempty"`
	DissolutionDate string            `json:"dissolution_date,omitempty"`
	ContactDetails  []popoloContact   `json:"contact_details,omitempty"`
	Links           []popoloLink      `json:"links,omitempty"`
}

type popoloOtherName struct {
	Name string `json:"name"`
	Note string `json:"note"`
}

type popoloID struct {
	Identifier string `json:"identifier"`
	Scheme     string `json:"scheme"`
}

type popoloLink struct {
	URL  string `json:"url"`
	Note string `json:"note"`
}

// popoloPost is a seat allocation. Seats is not a Popolo term: Popolo has
// no property for the number of people a post takes, and its schemas
// allow more properties, so it is added under a plain name of its own.
type popoloPost struct {
	ID             string `json:"id"`
	Label          string `json:"label"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
	Seats          int    `json:"seats"`
}

// popoloMembership is an appointment in force on the export's date.
type popoloMembership struct {
	ID             string `json:"id"`
	PersonID       string `json:"person_id"`
	OrganizationID string `json:"organization_id"`
	PostID         string `json:"post_id"`
	OnBehalfOfID   string `json:"on_behalf_of_id"`
	// Role is "member", or "alternate" for a suppleant (who takes no seat).
	Role      string `json:"role"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date,omitempty"`
}

// Identifier schemes of organisations.
const (
	schemeCVR          = "DK-CVR"
	schemePNumber      = "DK-P"
	schemeMunicipality = "DK-KOMMUNEKODE"
	schemeInstitution  = "DK-INSTNR"
)

// popolo serves GET /export/popolo.json.
func (x *exporter) popolo(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := parseExportQuery(r.URL.Query(), false)
	if err != nil {
		return err
	}
	var bodies []*ent.Body
	if p.body != 0 {
		b, err := x.bodyOf(ctx, p.body)
		if err != nil {
			return err
		}
		bodies = []*ent.Body{b}
	} else if bodies, err = x.r.reader(ctx).Body.Query().Where(existsOn(p.asOf)).All(ctx); err != nil {
		return err
	}
	doc, err := x.popoloOf(ctx, byName(bodies), p.asOf)
	if err != nil {
		return err
	}
	writeExport(w, http.StatusOK, "application/json; charset=utf-8", nil, jsonBytes(doc))
	return nil
}

// popoloOf is the Popolo document of bodies on asOf: the bodies in the
// given order, their allocations as posts, the appointments in force as
// memberships (each member followed by its alternates), and the people
// and organisations these refer to (by name). Five statements at most,
// whatever the number of bodies.
func (x *exporter) popoloOf(ctx context.Context, bodies []*ent.Body, asOf dates.Date) (*popoloDocument, error) {
	comps, err := x.r.compositionsOf(ctx, idsOf(bodies, idOfBody), asOf)
	if err != nil {
		return nil, err
	}
	doc := &popoloDocument{
		Persons:       []*popoloPerson{},
		Organizations: []*popoloOrganization{},
		Memberships:   []*popoloMembership{},
		Posts:         []*popoloPost{},
	}
	people := map[int]*ent.Person{}
	orgs := map[int]*ent.Organisation{}
	for _, b := range bodies {
		doc.Organizations = append(doc.Organizations, popoloBody(b))
		for _, l := range comps[b.ID] {
			doc.Posts = append(doc.Posts, popoloPostOf(b, l))
			for _, h := range l.Holders {
				for _, a := range append([]*ent.Appointment{h.Appointment}, h.Alternates...) {
					people[a.PersonID] = a.Edges.Person
					orgs[a.OnBehalfOfID] = a.Edges.OnBehalfOf
					doc.Memberships = append(doc.Memberships, popoloMembershipOf(a, b.ID))
				}
			}
		}
	}
	// The bodies' owners, as their parents, with the organisations not
	// read yet.
	var owners []int
	for _, b := range bodies {
		if b.OwnerID != nil && orgs[*b.OwnerID] == nil {
			owners = append(owners, *b.OwnerID)
		}
	}
	if len(owners) > 0 {
		more, err := x.r.reader(ctx).Organisation.Query().Where(organisation.IDIn(owners...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range more {
			orgs[o.ID] = o
		}
	}
	for _, o := range sortedByName(orgs, func(o *ent.Organisation) string { return o.Name }) {
		doc.Organizations = append(doc.Organizations, popoloOrganisation(o))
	}
	for _, p := range sortedByName(people, func(p *ent.Person) string { return p.Name }) {
		doc.Persons = append(doc.Persons, popoloPersonOf(p))
	}
	return doc, nil
}

// sortedByName lists the values of m (nil ones left out) by name, then id.
func sortedByName[T any](m map[int]*T, name func(*T) string) []*T {
	ids := make([]int, 0, len(m))
	for id, v := range m {
		if v != nil {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b int) int { return cmp.Or(cmp.Compare(name(m[a]), name(m[b])), cmp.Compare(a, b)) })
	out := make([]*T, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out
}

// popoloIDOf is an entity's id in the export: its GraphQL id.
func popoloIDOf(id int) string { return strconv.Itoa(id) }

// popoloTerm is an enum value as a Popolo term: "WORKING_GROUP" →
// "working_group".
func popoloTerm[S ~string](v S) string { return strings.ToLower(string(v)) }

// popoloOrg is what bodies and organisations have alike.
func popoloOrg[K ~string](id int, name, short string, kind K, founded, dissolved *dates.Date) *popoloOrganization {
	o := &popoloOrganization{ID: popoloIDOf(id), Name: name, Classification: popoloTerm(kind),
		FoundingDate: dateText(founded), DissolutionDate: dateText(dissolved)}
	if short != "" {
		o.OtherNames = []popoloOtherName{{Name: short, Note: "short name"}}
	}
	return o
}

func popoloBody(b *ent.Body) *popoloOrganization {
	o := popoloOrg(b.ID, b.Name, b.ShortName, b.Kind, b.EstablishedOn, b.DissolvedOn)
	if b.OwnerID != nil {
		o.ParentID = popoloIDOf(*b.OwnerID)
	}
	return o
}

func popoloOrganisation(org *ent.Organisation) *popoloOrganization {
	o := popoloOrg(org.ID, org.Name, org.ShortName, org.Kind, org.FoundedOn, org.DissolvedOn)
	for _, id := range []struct {
		value  *string
		scheme string
	}{
		{org.Cvr, schemeCVR},
		{org.PNumber, schemePNumber},
		{org.MunicipalityCode, schemeMunicipality},
		{org.InstitutionNumber, schemeInstitution},
	} {
		if id.value != nil && *id.value != "" {
			o.Identifiers = append(o.Identifiers, popoloID{Identifier: *id.value, Scheme: id.scheme})
		}
	}
	if org.Email != "" {
		o.ContactDetails = []popoloContact{{Type: "email", Value: org.Email}}
	}
	if org.Website != "" {
		o.Links = []popoloLink{{URL: org.Website, Note: "website"}}
	}
	return o
}

func popoloPersonOf(p *ent.Person) *popoloPerson {
	out := &popoloPerson{ID: popoloIDOf(p.ID), Name: p.Name}
	if p.Email != nil && *p.Email != "" {
		out.Email = *p.Email
		out.ContactDetails = append(out.ContactDetails, popoloContact{Type: "email", Value: *p.Email})
	}
	if p.Phone != nil && *p.Phone != "" {
		out.ContactDetails = append(out.ContactDetails, popoloContact{Type: "voice", Value: *p.Phone})
	}
	if p.Gender != nil && *p.Gender != vocab.NotStated {
		out.Gender = popoloTerm(*p.Gender)
	}
	return out
}

func popoloPostOf(b *ent.Body, l *generated.CompositionLine) *popoloPost {
	return &popoloPost{
		ID:             popoloIDOf(l.Allocation.ID),
		Label:          l.Label,
		Role:           popoloTerm(l.Role),
		OrganizationID: popoloIDOf(b.ID),
		Seats:          l.Seats,
	}
}

func popoloMembershipOf(a *ent.Appointment, bodyID int) *popoloMembership {
	role := "member"
	if a.AlternateForID != nil {
		role = "alternate"
	}
	return &popoloMembership{
		ID:             popoloIDOf(a.ID),
		PersonID:       popoloIDOf(a.PersonID),
		OrganizationID: popoloIDOf(bodyID),
		PostID:         popoloIDOf(a.SeatAllocationID),
		OnBehalfOfID:   popoloIDOf(a.OnBehalfOfID),
		Role:           role,
		StartDate:      a.StartsOn.String(),
		EndDate:        dateText(a.EndsOn),
	}
}
