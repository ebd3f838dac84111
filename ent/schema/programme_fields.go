package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/field"
	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent/dates"
)

func init() {
	// Keep a decimal's scale when it is stored and shown: 1250000.50 is an
	// amount in kroner and øre, not 1250000.5.
	decimal.TrimTrailingZeros = false
}

// decimalSchemaType stores exact decimals: NUMERIC on PostgreSQL, text on
// SQLite (which has no exact decimal type). Amounts are never floats.
var decimalSchemaType = map[string]string{
	dialect.Postgres: "numeric",
	dialect.SQLite:   "text",
	dialect.MySQL:    "decimal(38,10)",
}

// decimalField is an exact decimal (GraphQL Decimal, a string such as
// "1250000.50"). It is neither filtered nor ordered on: SQLite would
// compare its text.
func decimalField(name string) *decimalBuilder {
	return &decimalBuilder{name: name}
}

type decimalBuilder struct {
	name     string
	optional bool
	comment  string
}

func (b *decimalBuilder) Optional() *decimalBuilder        { b.optional = true; return b }
func (b *decimalBuilder) Comment(c string) *decimalBuilder { b.comment = c; return b }

// Field builds the ent field.
func (b *decimalBuilder) Field() ent.Field {
	f := field.Other(b.name, decimal.Decimal{}).SchemaType(decimalSchemaType).Comment(b.comment).
		Annotations(entgql.Type("Decimal"), entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField))
	if b.optional {
		f = f.Optional().Nillable()
	}
	return f
}

// fuzzyFields are a date as written (see dates.Fuzzy): name holds its text
// form (2018-W50, 2018-06-early …), name_text the words of the source
// ("uge 50 i 2017"), and name_earliest / name_latest the interval it stands
// for, kept by a hook, for filters (overlap) and ordering. GraphQL shows
// them as one FuzzyDate; mutations take the text form and the words.
func fuzzyFields(name, order string) []ent.Field {
	hidden := entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipOrderField,
		entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.Other(name, dates.Fuzzy{}).SchemaType(map[string]string{dialect.Postgres: "text", dialect.SQLite: "text", dialect.MySQL: "varchar(20)"}).
			Annotations(hidden),
		field.String(name + "_text").Optional().MaxLen(200).Annotations(hidden),
		field.Other(name+"_earliest", dates.Date{}).SchemaType(dateSchemaType).
			Annotations(entgql.Type("Date"), entgql.OrderField(order), entgql.Skip(entgql.SkipType, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Other(name+"_latest", dates.Date{}).SchemaType(dateSchemaType).
			Annotations(entgql.Type("Date"), entgql.Skip(entgql.SkipType, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}
