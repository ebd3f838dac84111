// Package ent holds the generated ent client; the hand-written schema is in
// ./schema. Regenerate everything (ent, then gqlgen) with:
//
//	go generate ./ent
package ent

//go:generate go run -C .. ./ent/entc.go
//go:generate go run -C .. ./graph/gqlgen.go
