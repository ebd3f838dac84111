package authz

import "entgo.io/ent"

// AppointmentPolicy: who holds which seat is public (the note is contact
// data, see RedactContactData); editors appoint and end appointments.
func AppointmentPolicy() ent.Policy { return registryPolicy() }
