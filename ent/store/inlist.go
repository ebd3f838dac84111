package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// longInLists sends every long list of integers that ent writes as
// `x IN ($1, $2, …, $n)` as one parameter instead: `x = ANY($1)` with a
// PostgreSQL array on PostgreSQL, `x IN (SELECT +value FROM json_each(?))`
// with a JSON array on SQLite. ent's eager loading puts one parameter per
// parent row in such lists (the people of 5,000 appointments: 5,000
// parameters), which
//
//   - fails once a list passes the databases' limits (PostgreSQL's wire
//     protocol takes at most 65,535 parameters, SQLite at most 32,766: a
//     query that loads more rows could not be answered at all; ent issue
//     #2539, unresolved), and
//   - costs on both sides of the connection: lib/pq encodes and PostgreSQL
//     parses, binds and type-checks each parameter (about 8 ms of
//     PostgreSQL's CPU for the benchmark's nested query at the large
//     scale, more than a third of its share).
//
// The two forms are equivalent for lists of non-null integers, the only
// lists it rewrites; PostgreSQL itself turns an IN list into = ANY(ARRAY[…])
// when it plans, so the plans do not change. Anything it does not
// recognise with certainty (a comment, a quoted `$`, placeholders out of
// order, an argument that is not an integer) leaves the statement as ent
// wrote it.
type longInLists struct {
	dialect.Driver
	postgres bool
}

// minArrayList is the shortest IN list sent as an array. On PostgreSQL
// that is every list of two or more, so that a statement's text does not
// depend on how many rows it loads for (the connection keeps one prepared
// statement per text: preparing). On SQLite, where a statement costs no
// round trip, only lists long enough to matter.
func minArrayList(postgres bool) int {
	if postgres {
		return 2
	}
	return 16
}

func (d *longInLists) Exec(ctx context.Context, query string, args, v any) error {
	query, args = d.rewrite(query, args)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *longInLists) Query(ctx context.Context, query string, args, v any) error {
	query, args = d.rewrite(query, args)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *longInLists) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

// BeginTx is what ent's Client.BeginTx and serialWrites call.
func (d *longInLists) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := beginTx(ctx, d.Driver, opts)
	if err != nil {
		return nil, err
	}
	return &longInListsTx{Tx: tx, d: d}, nil
}

type longInListsTx struct {
	dialect.Tx
	d *longInLists
}

func (t *longInListsTx) Exec(ctx context.Context, query string, args, v any) error {
	query, args = t.d.rewrite(query, args)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *longInListsTx) Query(ctx context.Context, query string, args, v any) error {
	query, args = t.d.rewrite(query, args)
	return t.Tx.Query(ctx, query, args, v)
}

// rewrite returns query and args with their long integer IN lists as
// array parameters, or unchanged (see longInLists).
func (d *longInLists) rewrite(query string, args any) (string, any) {
	list, ok := args.([]any)
	if !ok || len(list) < minArrayList(d.postgres) || !strings.Contains(query, " IN (") {
		return query, args
	}
	if q, a, ok := rewriteInLists(query, list, d.postgres); ok {
		return q, a
	}
	return query, args
}

// rewriteInLists is longInLists' rewrite. It reports false when it
// changes nothing, or when the statement is not one it can read with
// certainty. It reads the statement as ent's SQL builder writes it:
// placeholders in the order of their arguments ($1, $2, … on PostgreSQL,
// ? on SQLite), lists as ` IN (p, p, …)`.
func rewriteInLists(query string, args []any, postgres bool) (string, []any, bool) {
	var (
		out     strings.Builder
		outArgs = make([]any, 0, 8) // the lists collapse: usually a few
		next    int                 // index of the next placeholder's argument
		changed bool
	)
	out.Grow(min(len(query), 512))
	writePlaceholder := func() {
		if postgres {
			out.WriteByte('$')
			out.WriteString(strconv.Itoa(len(outArgs)))
		} else {
			out.WriteByte('?')
		}
	}
	const in = " IN ("
	for i := 0; i < len(query); {
		switch c := query[i]; {
		case c == '\'' || c == '"' || c == '`':
			// A quoted literal or identifier: copied as it is ('' and ""
			// inside are two quoted parts back to back).
			j := strings.IndexByte(query[i+1:], c)
			if j < 0 || strings.IndexByte(query[i+1:i+1+j], '\\') >= 0 {
				return "", nil, false // unterminated, or an escape we do not read
			}
			out.WriteString(query[i : i+j+2])
			i += j + 2
		case c == '-' && strings.HasPrefix(query[i:], "--"), c == '/' && strings.HasPrefix(query[i:], "/*"):
			return "", nil, false
		case c == '$' || c == '?':
			n := placeholderAt(query, i, next, postgres)
			if n == 0 || next >= len(args) {
				return "", nil, false
			}
			outArgs = append(outArgs, args[next])
			writePlaceholder()
			next++
			i += n
		case c == ' ' && strings.HasPrefix(query[i:], in) && !strings.HasSuffix(query[:i], " NOT"):
			n, length := inList(query, i+len(in), next, postgres)
			var array string
			ok := n >= minArrayList(postgres) && next+n <= len(args)
			if ok {
				array, ok = arrayOf(args[next:next+n], postgres)
			}
			if !ok {
				out.WriteString(in)
				i += len(in)
				continue
			}
			outArgs = append(outArgs, array)
			if postgres {
				out.WriteString(" = ANY(")
				writePlaceholder()
				out.WriteByte(')')
			} else {
				// +value: no affinity, so the comparison applies the left
				// side's, as it does to a list of values.
				out.WriteString(" IN (SELECT +value FROM json_each(?))")
			}
			next += n
			i += len(in) + length
			changed = true
		default:
			j := i + 1
			for j < len(query) && !special[query[j]] {
				j++
			}
			out.WriteString(query[i:j])
			i = j
		}
	}
	if !changed || next != len(args) {
		return "", nil, false
	}
	return out.String(), outArgs, true
}

// special marks the bytes at which rewriteInLists looks closer; it copies
// runs of others as they are.
var special = func() (s [256]bool) {
	for _, c := range []byte("'\"`-/$? ") {
		s[c] = true
	}
	return s
}()

// placeholderAt returns the length of the placeholder at query[i:] if it
// is the one of argument arg (0-based), else 0.
func placeholderAt(query string, i, arg int, postgres bool) int {
	if !postgres {
		if i < len(query) && query[i] == '?' && (i+1 == len(query) || !isDigit(query[i+1])) {
			return 1
		}
		return 0
	}
	if i >= len(query) || query[i] != '$' {
		return 0
	}
	j := i + 1
	for j < len(query) && isDigit(query[j]) {
		j++
	}
	if n, err := strconv.Atoi(query[i+1 : j]); err != nil || n != arg+1 {
		return 0
	}
	return j - i
}

// inList reads `p, p, …, p)` at query[i:], the placeholders of the
// arguments from arg on, and returns how many there are and the length
// read; 0, 0 if it finds anything else.
func inList(query string, i, arg int, postgres bool) (n, length int) {
	start := i
	for {
		j := placeholderAt(query, i, arg+n, postgres)
		if j == 0 {
			return 0, 0
		}
		i += j
		n++
		switch {
		case strings.HasPrefix(query[i:], ", "):
			i += 2
		case strings.HasPrefix(query[i:], ")"):
			return n, i + 1 - start
		default:
			return 0, 0
		}
	}
}

// arrayOf writes values as one parameter, a PostgreSQL array literal
// {1,2,3} or a JSON array [1,2,3] for SQLite's json_each, if every value is
// a Go integer (what ent passes for ids and integer fields).
func arrayOf(values []any, postgres bool) (string, bool) {
	return array(len(values), func(i int) (int64, bool) {
		switch v := values[i].(type) {
		case int:
			return int64(v), true
		case int64:
			return v, true
		case int32:
			return int64(v), true
		}
		return 0, false
	}, postgres)
}

// array writes the n integers at(0) … at(n-1) as arrayOf does, or
// reports false at the first that at refuses.
func array(n int, at func(int) (int64, bool), postgres bool) (string, bool) {
	open, close := byte('['), byte(']')
	if postgres {
		open, close = '{', '}'
	}
	var (
		b   strings.Builder
		num [20]byte
	)
	b.Grow(n*12 + 2) // ids up to 11 digits and a comma without growing
	b.WriteByte(open)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		v, ok := at(i)
		if !ok {
			return "", false
		}
		b.Write(strconv.AppendInt(num[:0], v, 10))
	}
	b.WriteByte(close)
	return b.String(), true
}

// InInts is the predicate table.column IN (ids…) in the form longInLists
// gives a long list (= ANY($1) on PostgreSQL, json_each on SQLite), for
// readers that write their own statements over many ids (graph/direct):
// no placeholder per id to write and then to rewrite, and one statement
// text whatever the number of ids.
func InInts(dialectName, table, column string, ids []int64) *entsql.Predicate {
	postgres := dialectName == dialect.Postgres
	list, _ := array(len(ids), func(i int) (int64, bool) { return ids[i], true }, postgres)
	return entsql.P(func(b *entsql.Builder) {
		b.Ident(table).WriteByte('.').Ident(column)
		if postgres {
			b.WriteString(" = ANY(").Arg(list).WriteByte(')')
		} else {
			// +value: as longInLists writes it (see rewriteInLists).
			b.WriteString(" IN (SELECT +value FROM json_each(").Arg(list).WriteString("))")
		}
	})
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
