package rules

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/body"
	"github.com/pactreg/pactreg/ent/hook"
	"github.com/pactreg/pactreg/ent/nominationrequest"
	"github.com/pactreg/pactreg/ent/organisation"
	"github.com/pactreg/pactreg/ent/person"
	"github.com/pactreg/pactreg/ent/seatallocation"
)

// target is the table an edge points to and the GraphQL input field that
// sets it on create.
type target struct {
	table, input string
}

// edgeTargets lists, per entity, the edges that mutation inputs can set.
// TestEveryInputEdgeHasATarget keeps it complete.
var edgeTargets = map[string]map[string]target{
	gen.TypeOrganisation: {
		organisation.EdgeMembers:  {organisation.Table, "memberIDs"},
		organisation.EdgeMemberOf: {organisation.Table, "memberOfIDs"},
	},
	gen.TypeBody: {
		body.EdgeOwner:      {organisation.Table, "ownerID"},
		body.EdgeAdvises:    {body.Table, "adviseIDs"},
		body.EdgeAdvisedBy:  {body.Table, "advisedByIDs"},
		body.EdgeReplaces:   {body.Table, "replaceIDs"},
		body.EdgeReplacedBy: {body.Table, "replacedByIDs"},
	},
	gen.TypeSeatAllocation: {
		seatallocation.EdgeBody:                   {body.Table, "bodyID"},
		seatallocation.EdgeNominatingOrganisation: {organisation.Table, "nominatingOrganisationID"},
		seatallocation.EdgeEligibleOrganisations:  {organisation.Table, "eligibleOrganisationIDs"},
	},
	gen.TypePerson: {
		person.EdgeAffiliation: {organisation.Table, "affiliationID"},
	},
	gen.TypeNominationRequest: {
		nominationrequest.EdgeSeatAllocation: {seatallocation.Table, "seatAllocationID"},
		nominationrequest.EdgeOrganisation:   {organisation.Table, "organisationID"},
		nominationrequest.EdgeNominee:        {person.Table, "nomineeID"},
		nominationrequest.EdgeAppointment:    {appointment.Table, "appointmentID"},
	},
	gen.TypeAppointment: {
		appointment.EdgePerson:         {person.Table, "personID"},
		appointment.EdgeSeatAllocation: {seatallocation.Table, "seatAllocationID"},
		appointment.EdgeOnBehalfOf:     {organisation.Table, "onBehalfOfID"},
		appointment.EdgeAlternateFor:   {appointment.Table, "alternateForID"},
		appointment.EdgePrevious:       {appointment.Table, "previousID"},
		appointment.EdgeReplaces:       {appointment.Table, "replacesID"},
	},
}

// References refuses a write that links to a record that does not exist
// (or is of another type) with NOT_FOUND naming the input field, before
// the database's foreign keys would refuse it without saying which.
func References() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			cm, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return nil, fmt.Errorf("references: mutation %T has no client", m)
			}
			targets := edgeTargets[m.Type()]
			for _, edge := range m.AddedEdges() {
				t, ok := targets[edge]
				if !ok {
					return nil, fmt.Errorf("references: no target known for %s.%s", m.Type(), edge)
				}
				input := t.input
				if !m.Op().Is(ent.OpCreate) && len(input) > 3 && input[len(input)-3:] == "IDs" {
					input = "add" + string(input[0]-'a'+'A') + input[1:]
				}
				for _, id := range m.AddedIDs(edge) {
					if err := exists(ctx, cm.Client(), t.table, id); err != nil {
						return nil, apperr.New(apperr.NotFound, input, "%s: no %s with id %v", input, singular(t.table), id)
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

func exists(ctx context.Context, c *gen.Client, table string, id ent.Value) error {
	n, ok := id.(int)
	if !ok {
		return fmt.Errorf("id %v is not an int", id)
	}
	_, err := c.Noder(ctx, n, gen.WithFixedNodeType(table))
	return err
}

var singulars = map[string]string{
	organisation.Table:      "organisation",
	body.Table:              "body",
	seatallocation.Table:    "seat allocation",
	person.Table:            "person",
	appointment.Table:       "appointment",
	nominationrequest.Table: "nomination request",
}

func singular(table string) string { return singulars[table] }
