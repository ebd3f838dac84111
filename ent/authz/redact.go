package authz

import (
	"context"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/nominationrequest"
	"github.com/pactreg/pactreg/ent/person"
)

// ContactData names, by entity type, the columns RedactContactData blanks
// for viewers below READER. Readers that scan rows themselves (graph's
// direct read path) blank the same.
var ContactData = map[string][]string{
	gen.TypePerson:            {person.FieldEmail, person.FieldPhone, person.FieldGender},
	gen.TypeAppointment:       {appointment.FieldNote},
	gen.TypeNominationRequest: {nominationrequest.FieldNote},
}

// RedactContactData is a query interceptor: for viewers below READER it
// blanks personal data (a person's e-mail, phone and gender, the notes of
// appointments and nomination requests) in every row a query returns, whichever path asked
// (node, nodes, connections, nested edges, exports). The fields cannot be
// filtered or ordered on, so they leak through no predicate either. Its
// fields are the ones ContactData lists.
func RedactContactData() ent.Interceptor {
	return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			v, err := next.Query(ctx, q)
			if err != nil || FromContext(ctx).Can(Reader) {
				return v, err
			}
			switch rows := v.(type) {
			case []*gen.Person:
				for _, p := range rows {
					p.Email, p.Phone, p.Gender = nil, nil, nil
				}
			case []*gen.Appointment:
				for _, a := range rows {
					a.Note = nil
				}
			case []*gen.NominationRequest:
				for _, n := range rows {
					n.Note = nil
				}
			}
			return v, nil
		})
	})
}
