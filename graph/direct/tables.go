package direct

import (
	"context"
	"slices"
	"strings"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/person"
	"github.com/pactreg/pactreg/ent/seatallocation"
)

// kind is how a column is scanned and written.
type kind uint8

const (
	kID         kind = iota // integer, not null, written as an ID ("12")
	kIDNull                 // integer or NULL, written as an ID or null
	kInt                    // integer, written as a number (NULL as 0: ent's Go int)
	kIntNull                // integer or NULL
	kString                 // text, written as a string (NULL as "": ent's Go string)
	kStringNull             // text or NULL
	kTime                   // timestamp (Time)
	kDate                   // date (Date), not null
	kDateNull               // date or NULL
)

// column is a GraphQL field that reads one column as it is.
type column struct {
	name string
	kind kind
}

// edge is a GraphQL field that reads rows of another table: to one row by
// a key of this row (fk on this table), or to the rows whose fk names
// this row (many), in the order of sort (then id), as the resolvers order
// them on the ent path (graph/order.go).
type edge struct {
	target   *table
	fk       string
	many     bool
	sort     string
	sortKind kind // kInt or kDate
}

// table is an entity the direct path reads.
type table struct {
	typ        string   // the GraphQL type
	implements []string // the type and its interfaces (for fragments)
	name       string   // the SQL table
	fields     map[string]column
	edges      map[string]*edge
	// policy evaluates the entity's ent query policy, as the ent path does
	// before each query of the entity.
	policy func(context.Context, *gen.Client) error
}

// redacted reports whether c is blanked for viewers below READER, as the
// entity's authz.RedactContactData blanks it on the ent path.
func (t *table) redacted(c column) bool { return slices.Contains(authz.ContactData[t.typ], c.name) }

// common are the columns every entity has (ent/schema's mixin).
func common(fields map[string]column) map[string]column {
	fields["id"] = column{"id", kID}
	fields["createdAt"] = column{"created_at", kTime}
	fields["updatedAt"] = column{"updated_at", kTime}
	fields["version"] = column{"version", kInt}
	return fields
}

// entity is the table of GraphQL type typ (a Node) in SQL table name, with
// the common columns and fields, whose policy is p's query decision for a
// query of the entity (p is read when asked: ent's runtime sets it).
func entity[Q ent.Query](typ, name string, p *ent.Policy, query func(*gen.Client) Q, fields map[string]column) *table {
	return &table{typ: typ, implements: []string{typ, "Node"}, name: name, fields: common(fields), policy: queryPolicy(p, query)}
}

// queryPolicy returns a table's policy: p's query decision for a query of
// the entity.
func queryPolicy[Q ent.Query](p *ent.Policy, query func(*gen.Client) Q) func(context.Context, *gen.Client) error {
	return func(ctx context.Context, c *gen.Client) error { return (*p).EvalQuery(ctx, query(c)) }
}

// The tables: the registry core that front ends and integrations read in
// depth. A field missing here (a computed field, a JSON column, an edge in
// no defined order, a connection below the root) sends the whole query to
// the ent path. Every entry is checked against the ent path by
// TestDirectMatchesEnt, for every viewer.
//
// Only entities whose query policy allows or denies without filtering rows
// belong here: the direct path asks the policy, but adds no predicate a
// privacy rule might add to ent's query.
var (
	bodies, seatAllocations, organisations, appointments, people *table

	// roots are the connections of the Query type the direct path answers.
	roots map[string]*table
)

func init() {
	organisations = entity(gen.TypeOrganisation, organisation.Table, &organisation.Policy, func(c *gen.Client) *gen.OrganisationQuery { return c.Organisation.Query() }, map[string]column{
		"name":              {organisation.FieldName, kString},
		"shortName":         {organisation.FieldShortName, kString},
		"kind":              {organisation.FieldKind, kString},
		"cvr":               {organisation.FieldCvr, kStringNull},
		"pNumber":           {organisation.FieldPNumber, kStringNull},
		"municipalityCode":  {organisation.FieldMunicipalityCode, kStringNull},
		"institutionNumber": {organisation.FieldInstitutionNumber, kStringNull},
		"website":           {organisation.FieldWebsite, kString},
		"email":             {organisation.FieldEmail, kString},
		"foundedOn":         {organisation.FieldFoundedOn, kDateNull},
		"dissolvedOn":       {organisation.FieldDissolvedOn, kDateNull},
	})
	people = entity(gen.TypePerson, person.Table, &person.Policy, func(c *gen.Client) *gen.PersonQuery { return c.Person.Query() }, map[string]column{
		"name":          {person.FieldName, kString},
		"title":         {person.FieldTitle, kString},
		"email":         {person.FieldEmail, kStringNull},
		"phone":         {person.FieldPhone, kStringNull},
		"affiliationID": {person.FieldAffiliationID, kIDNull},
		"gender":        {person.FieldGender, kStringNull},
	})
	bodies = entity(gen.TypeBody, body.Table, &body.Policy, func(c *gen.Client) *gen.BodyQuery { return c.Body.Query() }, map[string]column{
		"name":                {body.FieldName, kString},
		"shortName":           {body.FieldShortName, kString},
		"kind":                {body.FieldKind, kString},
		"description":         {body.FieldDescription, kString},
		"establishedOn":       {body.FieldEstablishedOn, kDateNull},
		"dissolvedOn":         {body.FieldDissolvedOn, kDateNull},
		"ownerID":             {body.FieldOwnerID, kIDNull},
		"defaultTermMonths":   {body.FieldDefaultTermMonths, kIntNull},
		"maxConsecutiveTerms": {body.FieldMaxConsecutiveTerms, kIntNull},
	})
	seatAllocations = entity(gen.TypeSeatAllocation, seatallocation.Table, &seatallocation.Policy, func(c *gen.Client) *gen.SeatAllocationQuery { return c.SeatAllocation.Query() }, map[string]column{
		"label":                    {seatallocation.FieldLabel, kString},
		"seats":                    {seatallocation.FieldSeats, kInt},
		"role":                     {seatallocation.FieldRole, kString},
		"bodyID":                   {seatallocation.FieldBodyID, kID},
		"nominatingOrganisationID": {seatallocation.FieldNominatingOrganisationID, kIDNull},
		"position":                 {seatallocation.FieldPosition, kInt},
	})
	appointments = entity(gen.TypeAppointment, appointment.Table, &appointment.Policy, func(c *gen.Client) *gen.AppointmentQuery { return c.Appointment.Query() }, map[string]column{
		"startsOn":         {appointment.FieldStartsOn, kDate},
		"endsOn":           {appointment.FieldEndsOn, kDateNull},
		"personID":         {appointment.FieldPersonID, kID},
		"seatAllocationID": {appointment.FieldSeatAllocationID, kID},
		"onBehalfOfID":     {appointment.FieldOnBehalfOfID, kID},
		"endReason":        {appointment.FieldEndReason, kStringNull},
		"alternateForID":   {appointment.FieldAlternateForID, kIDNull},
		"previousID":       {appointment.FieldPreviousID, kIDNull},
		"replacesID":       {appointment.FieldReplacesID, kIDNull},
		"note":             {appointment.FieldNote, kStringNull},
	})
	people.edges = map[string]*edge{
		"affiliation": {target: organisations, fk: person.FieldAffiliationID},
	}
	bodies.edges = map[string]*edge{
		"owner":           {target: organisations, fk: body.FieldOwnerID},
		"seatAllocations": {target: seatAllocations, fk: seatallocation.FieldBodyID, many: true, sort: seatallocation.FieldPosition, sortKind: kInt},
	}
	seatAllocations.edges = map[string]*edge{
		"body":                   {target: bodies, fk: seatallocation.FieldBodyID},
		"nominatingOrganisation": {target: organisations, fk: seatallocation.FieldNominatingOrganisationID},
		"appointments":           {target: appointments, fk: appointment.FieldSeatAllocationID, many: true, sort: appointment.FieldStartsOn, sortKind: kDate},
	}
	appointments.edges = map[string]*edge{
		"person":         {target: people, fk: appointment.FieldPersonID},
		"seatAllocation": {target: seatAllocations, fk: appointment.FieldSeatAllocationID},
		"onBehalfOf":     {target: organisations, fk: appointment.FieldOnBehalfOfID},
		"alternateFor":   {target: appointments, fk: appointment.FieldAlternateForID},
		"previous":       {target: appointments, fk: appointment.FieldPreviousID},
		"replaces":       {target: appointments, fk: appointment.FieldReplacesID},
	}
	roots = map[string]*table{
		"bodies":          bodies,
		"seatAllocations": seatAllocations,
		"organisations":   organisations,
		"appointments":    appointments,
		"people":          people,
	}
}

// Type describes what the direct path answers of one GraphQL type.
type Type struct {
	Name   string
	Fields []string          // fields read from a column
	Edges  map[string]string // edges to the type they lead to
	Root   string            // the connection of Query that lists it
}

// Types describes every type the direct path answers, sorted by name, so
// that tests can ask for all of it.
func Types() []Type {
	var out []Type
	for root, t := range roots {
		ty := Type{Name: t.typ, Root: root, Edges: map[string]string{}}
		for f := range t.fields {
			ty.Fields = append(ty.Fields, f)
		}
		slices.Sort(ty.Fields)
		for f, e := range t.edges {
			ty.Edges[f] = e.target.typ
		}
		out = append(out, ty)
	}
	slices.SortFunc(out, func(a, b Type) int { return strings.Compare(a.Name, b.Name) })
	return out
}
