// Package direct is pactreg's second read path: it answers a query whose
// every field it knows by sending the same statements as the ent path's
// eager loading (one per level of the tree, whatever the number of rows)
// and writing the rows straight into the reply, without ent's entities or
// gqlgen's execution of each field. A query it does not know all of (a
// mutation, a computed field, filters, orderings, a connection below the
// root …) goes to the ent path unchanged, and so does one whose statements
// fail or a policy refuses: the ent path then gives the error it always
// gives. Everything around execution (parsing, validation, the limits, the
// admission of queries, the access log, metrics) is the same for both.
//
// Its answers are the ent path's, byte for byte: the same rules apply.
// Each table's ent query policy is asked before its statement (tables.go),
// contact data is blanked for viewers below READER as
// authz.RedactContactData blanks it, and lists come in the order the
// resolvers give them (graph/order.go). TestDirectMatchesEnt (package
// graph) holds the two paths to that for every field and edge here, for
// every viewer, on SQLite and PostgreSQL. bench/README.md ("Tenth
// session") says why it exists: on the nested benchmark query it needs
// about a third of the ent path's CPU.
package direct

import (
	"bytes"
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	gen "github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
)

// Answered is the key under which an operation's context notes that the
// direct path answered it (graphql.Stats.GetExtension; metrics count it).
const Answered = "pactreg.direct"

// Reader answers queries over a database's driver.
type Reader struct {
	client  *gen.Client
	drv     dialect.Driver
	dialect string
}

// New returns a Reader over drv, the driver client uses (so that its
// statements are counted, traced and rewritten as ent's are).
func New(client *gen.Client, drv dialect.Driver) *Reader {
	return &Reader{client: client, drv: drv, dialect: drv.Dialect()}
}

// Answer writes the data of oc's operation into b and reports true, or
// reports false (leaving b as it was) when the ent path must answer: the
// operation has a field this path does not know, or its reading failed.
func (r *Reader) Answer(ctx context.Context, oc *graphql.OperationContext, b *bytes.Buffer) bool {
	if r == nil {
		return false
	}
	p := planner{oc: oc, reader: authz.FromContext(ctx).Can(authz.Reader)}
	plan, ok := p.plan()
	if !ok {
		return false
	}
	start := b.Len()
	if err := r.answer(ctx, plan, b); err != nil {
		b.Truncate(start)
		return false
	}
	return true
}

func (r *Reader) answer(ctx context.Context, plan []*root, b *bytes.Buffer) error {
	l := loader{ctx: ctx, r: r}
	b.WriteByte('{')
	for i, rt := range plan {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(rt.key)
		var (
			nodes   *rows
			hasNext bool
			total   int
			err     error
		)
		if !rt.edges {
			nodes = emptyRows(rt.nodes)
		} else {
			var where *entsql.Predicate
			if rt.after != nil {
				where = entsql.GT(entsql.Table(rt.t.name).C("id"), *rt.after)
			}
			if nodes, err = l.load(rt.nodes, where, rt.first+1, true); err != nil {
				return err
			}
			if hasNext = len(nodes.ids) > rt.first; hasNext {
				nodes.ids = nodes.ids[:rt.first]
			}
			nodes.inOrder()
		}
		if rt.count {
			if total, err = l.count(rt.t); err != nil {
				nodes.release()
				return err
			}
			if !rt.edges {
				hasNext = total > 0
			}
		}
		err = write(b, rt.out, frame{r: rt, rs: nodes, hasNext: hasNext, total: total})
		nodes.release()
		if err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// count counts the rows of t.
func (l *loader) count(t *table) (int, error) {
	if err := t.policy(l.ctx, l.r.client); err != nil {
		return 0, err
	}
	query, args := entsql.Dialect(l.r.dialect).Select(entsql.Count("*")).From(entsql.Table(t.name)).Query()
	var rs entsql.Rows
	if err := l.r.drv.Query(l.ctx, query, args, &rs); err != nil {
		return 0, fmt.Errorf("direct: count %s: %w", t.name, err)
	}
	defer rs.Close()
	n, err := entsql.ScanInt(rs)
	if err != nil {
		return 0, fmt.Errorf("direct: count %s: %w", t.name, err)
	}
	return n, rs.Close()
}
