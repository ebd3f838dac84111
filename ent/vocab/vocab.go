// Package vocab holds the closed vocabularies of the registry (kinds of
// organisation and body, seat roles) as Go string types. ent stores them as
// enums and gqlgen binds them to the GraphQL enums of the same name.
package vocab

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// enum is the behaviour shared by the vocabularies.
type enum interface{ ~string }

func unmarshal[T enum](v any, valid []string, name string) (T, error) {
	s, ok := v.(string)
	if !ok || !slices.Contains(valid, s) {
		return "", &UnknownValueError{Enum: name, Value: fmt.Sprint(v)}
	}
	return T(s), nil
}

// marshal writes s as a JSON string. A vocabulary's values are GraphQL
// enum names ([_A-Za-z][_0-9A-Za-z]*), which need no escaping: they are
// written between quotes as they are. Anything else (a value the database
// should not hold) is escaped by encoding/json.
func marshal(w io.Writer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c == '_' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			b, _ := json.Marshal(s)
			_, _ = w.Write(b)
			return
		}
	}
	_, _ = io.WriteString(w, `"`)
	_, _ = io.WriteString(w, s)
	_, _ = io.WriteString(w, `"`)
}

// UnknownValueError reports a value outside a vocabulary.
type UnknownValueError struct {
	Enum, Value string
}

func (e *UnknownValueError) Error() string {
	return fmt.Sprintf("%q is not a valid %s", e.Value, e.Enum)
}

// OrganisationKind classifies organisations; seat eligibility is expressed
// in these kinds.
type OrganisationKind string

const (
	Region               OrganisationKind = "REGION"
	EmployerOrganisation OrganisationKind = "EMPLOYER_ORGANISATION"
	TradeUnion           OrganisationKind = "TRADE_UNION"
	LabourMarketOffice   OrganisationKind = "LABOUR_MARKET_OFFICE"
	Municipality         OrganisationKind = "MUNICIPALITY"
	BusinessRegion       OrganisationKind = "BUSINESS_REGION"
	BusinessService      OrganisationKind = "BUSINESS_SERVICE"
	GrowthHouse          OrganisationKind = "GROWTH_HOUSE"
	InnovationNetwork    OrganisationKind = "INNOVATION_NETWORK"
	ClusterOrganisation  OrganisationKind = "CLUSTER_ORGANISATION"
	VocationalSchool     OrganisationKind = "VOCATIONAL_SCHOOL"
	BusinessAcademy      OrganisationKind = "BUSINESS_ACADEMY"
	UniversityCollege    OrganisationKind = "UNIVERSITY_COLLEGE"
	University           OrganisationKind = "UNIVERSITY"
	UpperSecondarySchool OrganisationKind = "UPPER_SECONDARY_SCHOOL"
	AdultEducationCentre OrganisationKind = "ADULT_EDUCATION_CENTRE"
	BusinessCollege      OrganisationKind = "BUSINESS_COLLEGE"
	Government           OrganisationKind = "GOVERNMENT"
	Company              OrganisationKind = "COMPANY"
	OtherOrganisation    OrganisationKind = "OTHER"
)

var organisationKinds = []string{
	"REGION", "EMPLOYER_ORGANISATION", "TRADE_UNION", "LABOUR_MARKET_OFFICE",
	"MUNICIPALITY", "BUSINESS_REGION", "BUSINESS_SERVICE", "GROWTH_HOUSE",
	"INNOVATION_NETWORK", "CLUSTER_ORGANISATION", "VOCATIONAL_SCHOOL",
	"BUSINESS_ACADEMY", "UNIVERSITY_COLLEGE", "UNIVERSITY",
	"UPPER_SECONDARY_SCHOOL", "ADULT_EDUCATION_CENTRE", "BUSINESS_COLLEGE",
	"GOVERNMENT", "COMPANY", "OTHER",
}

// Values lists the kinds (ent's EnumValues).
func (OrganisationKind) Values() []string { return slices.Clone(organisationKinds) }

// Valid reports whether k is one of the kinds.
func (k OrganisationKind) Valid() bool { return slices.Contains(organisationKinds, string(k)) }

// MarshalGQL implements graphql.Marshaler.
func (k OrganisationKind) MarshalGQL(w io.Writer) { marshal(w, string(k)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (k *OrganisationKind) UnmarshalGQL(v any) (err error) {
	*k, err = unmarshal[OrganisationKind](v, organisationKinds, "OrganisationKind")
	return err
}

// BodyKind classifies bodies.
type BodyKind string

const (
	Council       BodyKind = "COUNCIL"
	Forum         BodyKind = "FORUM"
	Secretariat   BodyKind = "SECRETARIAT"
	Committee     BodyKind = "COMMITTEE"
	WorkingGroup  BodyKind = "WORKING_GROUP"
	ProjectGroup  BodyKind = "PROJECT_GROUP"
	PoliticalBody BodyKind = "POLITICAL_BODY"
	Board         BodyKind = "BOARD"
	OtherBody     BodyKind = "OTHER"
)

var bodyKinds = []string{
	"COUNCIL", "FORUM", "SECRETARIAT", "COMMITTEE", "WORKING_GROUP",
	"PROJECT_GROUP", "POLITICAL_BODY", "BOARD", "OTHER",
}

// Values lists the kinds (ent's EnumValues).
func (BodyKind) Values() []string { return slices.Clone(bodyKinds) }

// MarshalGQL implements graphql.Marshaler.
func (k BodyKind) MarshalGQL(w io.Writer) { marshal(w, string(k)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (k *BodyKind) UnmarshalGQL(v any) (err error) {
	*k, err = unmarshal[BodyKind](v, bodyKinds, "BodyKind")
	return err
}

// SeatRole is the role a seat allocation's holders have in their body.
type SeatRole string

const (
	Chair     SeatRole = "CHAIR"
	ViceChair SeatRole = "VICE_CHAIR"
	Member    SeatRole = "MEMBER"
	Observer  SeatRole = "OBSERVER"
	Secretary SeatRole = "SECRETARY"
)

var seatRoles = []string{"CHAIR", "VICE_CHAIR", "MEMBER", "OBSERVER", "SECRETARY"}

// Values lists the roles (ent's EnumValues).
func (SeatRole) Values() []string { return slices.Clone(seatRoles) }

// MarshalGQL implements graphql.Marshaler.
func (r SeatRole) MarshalGQL(w io.Writer) { marshal(w, string(r)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (r *SeatRole) UnmarshalGQL(v any) (err error) {
	*r, err = unmarshal[SeatRole](v, seatRoles, "SeatRole")
	return err
}

// EndReason says why an appointment ended.
type EndReason string

// The reasons.
const (
	Resigned             EndReason = "RESIGNED"
	Replaced             EndReason = "REPLACED"
	OrganisationWithdrew EndReason = "ORGANISATION_WITHDREW"
	TermEnded            EndReason = "TERM_ENDED"
	BodyDissolved        EndReason = "BODY_DISSOLVED"
	OtherReason          EndReason = "OTHER"
	// Cancelled: the appointment was called off before it started and
	// never took effect; its term is empty (it ends the day before it
	// starts).
	Cancelled EndReason = "CANCELLED"
)

var endReasons = []string{"RESIGNED", "REPLACED", "ORGANISATION_WITHDREW", "TERM_ENDED", "BODY_DISSOLVED", "OTHER", "CANCELLED"}

// Values lists the reasons (ent's EnumValues).
func (EndReason) Values() []string { return slices.Clone(endReasons) }

// MarshalGQL implements graphql.Marshaler.
func (r EndReason) MarshalGQL(w io.Writer) { marshal(w, string(r)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (r *EndReason) UnmarshalGQL(v any) (err error) {
	*r, err = unmarshal[EndReason](v, endReasons, "EndReason")
	return err
}

// Gender is a person's gender where recorded, for composition statistics.
type Gender string

// The genders.
const (
	Female      Gender = "FEMALE"
	Male        Gender = "MALE"
	OtherGender Gender = "OTHER"
	NotStated   Gender = "NOT_STATED"
)

var genders = []string{"FEMALE", "MALE", "OTHER", "NOT_STATED"}

// Values lists the genders (ent's EnumValues).
func (Gender) Values() []string { return slices.Clone(genders) }

// MarshalGQL implements graphql.Marshaler.
func (g Gender) MarshalGQL(w io.Writer) { marshal(w, string(g)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (g *Gender) UnmarshalGQL(v any) (err error) {
	*g, err = unmarshal[Gender](v, genders, "Gender")
	return err
}

// NominationStatus is where a nomination request (udpegningsbrev) stands.
type NominationStatus string

// The statuses.
const (
	Draft     NominationStatus = "DRAFT"
	Sent      NominationStatus = "SENT"
	Nominated NominationStatus = "NOMINATED"
	Declined  NominationStatus = "DECLINED"
	Withdrawn NominationStatus = "WITHDRAWN"
)

var nominationStatuses = []string{"DRAFT", "SENT", "NOMINATED", "DECLINED", "WITHDRAWN"}

// Values lists the statuses (ent's EnumValues).
func (NominationStatus) Values() []string { return slices.Clone(nominationStatuses) }

// MarshalGQL implements graphql.Marshaler.
func (s NominationStatus) MarshalGQL(w io.Writer) { marshal(w, string(s)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *NominationStatus) UnmarshalGQL(v any) (err error) {
	*s, err = unmarshal[NominationStatus](v, nominationStatuses, "NominationStatus")
	return err
}
