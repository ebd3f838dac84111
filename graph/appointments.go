package graph

import (
	"context"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/vocab"
)

// endAppointment ends (or, with reason CANCELLED, cancels) appointment id
// on endsOn, at the expected version when one is given. The rules
// (ent/rules) judge the change and end or cancel its alternates.
func endAppointment(ctx context.Context, id int, endsOn dates.Date, reason vocab.EndReason, expectedVersion *int) (*ent.Appointment, error) {
	c := ent.FromContext(ctx)
	update := c.Appointment.UpdateOneID(id).SetEndsOn(endsOn).SetEndReason(reason)
	if expectedVersion == nil {
		return update.Save(ctx)
	}
	return updateVersioned(ctx, "appointment", id, *expectedVersion,
		func() (*ent.Appointment, error) { return update.Where(appointment.Version(*expectedVersion)).Save(ctx) },
		func() (int, error) {
			return c.Appointment.Query().Where(appointment.ID(id)).Select(appointment.FieldVersion).Int(ctx)
		})
}

// mayChangeAppointment asks the Appointment policy whether the viewer may
// change appointment id, before a resolver reads or checks anything for
// the change: a viewer who may not is told so (FORBIDDEN), not that the
// appointment is missing or the input wrong.
func mayChangeAppointment(ctx context.Context, c *ent.Client, id int) error {
	return appointment.Policy.EvalMutation(ctx, c.Appointment.UpdateOneID(id).Mutation())
}
