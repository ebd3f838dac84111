package direct

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/store"
)

// rows is what one selection loaded.
type rows struct {
	ids  []int64
	keys []int64 // len(selection.keys) per row; NULL is 0
	text []byte  // the scalars' JSON, row after row
	offs []int32 // len(selection.scalars)+1 per row: where each scalar starts in text, and where the last ends
	kids []*rows // per member of selection.out: the rows its edge loaded

	byID  map[int64]int32    // the rows of a to-one edge: the row of an id
	order []int32            // the rows of a to-many edge, by parent, sort key and id
	spans map[int64][2]int32 // the rows of a to-many edge: a parent's range in order
}

// pool keeps rows, with their arrays and maps, from one request to the
// next: a nested query's levels need the same sizes each time, and
// growing them anew was most of the bytes the direct path allocated.
var pool = sync.Pool{New: func() any { return new(rows) }}

// newRows is rows from the pool, empty, with n members' kids.
func newRows(n int) *rows {
	rs := pool.Get().(*rows)
	rs.kids = slices.Grow(rs.kids[:0], n)[:n]
	return rs
}

// release gives rs and the rows of its edges back to the pool; nothing
// may read them after.
func (rs *rows) release() {
	for _, k := range rs.kids {
		if k != nil {
			k.release()
		}
	}
	clear(rs.kids)
	clear(rs.byID)
	clear(rs.spans)
	rs.ids, rs.keys, rs.text, rs.offs, rs.order, rs.kids = rs.ids[:0], rs.keys[:0], rs.text[:0], rs.offs[:0], rs.order[:0], rs.kids[:0]
	pool.Put(rs)
}

// loader runs a plan's statements.
type loader struct {
	ctx context.Context
	r   *Reader
}

// load reads the rows of s that where selects (all its edges below
// included) with at most limit rows (0: no limit), in id order if ordered.
func (l *loader) load(s *selection, where *entsql.Predicate, limit int, ordered bool) (*rows, error) {
	if err := s.t.policy(l.ctx, l.r.client); err != nil {
		return nil, err
	}
	t := entsql.Table(s.t.name)
	cols := make([]string, 0, 1+len(s.scalars)+len(s.keys))
	cols = append(cols, t.C("id"))
	for _, c := range s.scalars {
		cols = append(cols, t.C(c.name))
	}
	for _, c := range s.keys {
		cols = append(cols, t.C(c.name))
	}
	q := entsql.Dialect(l.r.dialect).Select(cols...).From(t)
	if where != nil {
		q.Where(where)
	}
	if ordered {
		q.OrderBy(t.C("id"))
	}
	if limit > 0 {
		q.Limit(limit)
	}
	query, args := q.Query()
	var rs entsql.Rows
	if err := l.r.drv.Query(l.ctx, query, args, &rs); err != nil {
		return nil, fmt.Errorf("direct: %s: %w", s.t.name, err)
	}
	defer rs.Close()
	out := newRows(len(s.out))
	sc := newScanner(s)
	for rs.Next() {
		if err := sc.scan(rs.ColumnScanner); err != nil {
			out.release()
			return nil, fmt.Errorf("direct: %s: %w", s.t.name, err)
		}
		out.ids = append(out.ids, sc.id.Int64)
		for i, c := range s.scalars {
			out.offs = append(out.offs, int32(len(out.text)))
			out.text = sc.holders[i].appendJSON(out.text, c.kind)
		}
		out.offs = append(out.offs, int32(len(out.text)))
		for i, c := range s.keys {
			out.keys = append(out.keys, sc.holders[len(s.scalars)+i].int(c.kind))
		}
	}
	if err := rs.Err(); err != nil {
		out.release()
		return nil, fmt.Errorf("direct: %s: %w", s.t.name, err)
	}
	if err := l.edges(s, out); err != nil {
		out.release()
		return nil, err
	}
	return out, nil
}

// edges loads the rows of s's edges for the rows rs, one statement per
// edge whatever the number of rows.
func (l *loader) edges(s *selection, rs *rows) error {
	for i, o := range s.out {
		var (
			kid *rows
			err error
		)
		switch o.what {
		case wToOne:
			ids := make([]int64, 0, len(rs.ids))
			for r := range rs.ids {
				if k := rs.keys[r*len(s.keys)+o.at]; k != 0 {
					ids = append(ids, k)
				}
			}
			slices.Sort(ids)
			if kid, err = l.loadIn(o.child, "id", slices.Compact(ids)); err != nil {
				return err
			}
			if kid.byID == nil {
				kid.byID = make(map[int64]int32, len(kid.ids))
			}
			for r, id := range kid.ids {
				kid.byID[id] = int32(r)
			}
		case wToMany:
			if kid, err = l.loadIn(o.child, o.edge.fk, rs.ids); err != nil {
				return err
			}
			kid.sortLists(o.child)
		default:
			continue
		}
		rs.kids[i] = kid
	}
	return nil
}

// loadIn loads the rows of s whose column is one of ids (none: no
// statement), the ids as one array parameter.
func (l *loader) loadIn(s *selection, column string, ids []int64) (*rows, error) {
	if len(ids) == 0 {
		return emptyRows(s), nil
	}
	return l.load(s, store.InInts(l.r.dialect, s.t.name, column, ids), 0, false)
}

// emptyRows are the rows of s (and of its edges) when there are none.
func emptyRows(s *selection) *rows {
	rs := newRows(len(s.out))
	for i, o := range s.out {
		if o.what == wToOne || o.what == wToMany {
			rs.kids[i] = emptyRows(o.child)
		}
	}
	return rs
}

// sortLists orders the rows of a to-many edge by parent, then as the
// ent path's resolvers order each list (sort key, then id), and notes
// each parent's range.
func (rs *rows) sortLists(s *selection) {
	n := len(s.keys)
	rs.inOrder()
	slices.SortFunc(rs.order, func(a, b int32) int {
		ka, kb := rs.keys[int(a)*n:], rs.keys[int(b)*n:]
		return cmp.Or(cmp.Compare(ka[s.parent], kb[s.parent]), cmp.Compare(ka[s.sort], kb[s.sort]), cmp.Compare(rs.ids[a], rs.ids[b]))
	})
	if rs.spans == nil {
		rs.spans = make(map[int64][2]int32)
	}
	for lo := 0; lo < len(rs.order); {
		parent := rs.keys[int(rs.order[lo])*n+s.parent]
		hi := lo + 1
		for hi < len(rs.order) && rs.keys[int(rs.order[hi])*n+s.parent] == parent {
			hi++
		}
		rs.spans[parent] = [2]int32{int32(lo), int32(hi)}
		lo = hi
	}
}

// inOrder lists the rows in order as they came: 0 … len(ids)-1.
func (rs *rows) inOrder() {
	rs.order = slices.Grow(rs.order[:0], len(rs.ids))
	for i := range rs.ids {
		rs.order = append(rs.order, int32(i))
	}
}

// holder receives one column of a row; the scan destination depends on
// the column's kind.
type holder struct {
	i    sql.NullInt64
	raw  sql.RawBytes
	back []byte // raw's own array, so that an empty text is not NULL
	t    sql.NullTime
	d    dates.Date
	nd   entsql.NullScanner
}

// scanner scans the rows of a selection: the id, then its scalars and
// keys, into holders reused from row to row.
type scanner struct {
	id      sql.NullInt64
	holders []holder
	dest    []any
}

func newScanner(s *selection) *scanner {
	sc := &scanner{holders: make([]holder, len(s.scalars)+len(s.keys))}
	sc.dest = append(make([]any, 0, 1+len(sc.holders)), &sc.id)
	add := func(h *holder, k kind) {
		switch k {
		case kString, kStringNull:
			h.back = make([]byte, 0, 64)
			sc.dest = append(sc.dest, &h.raw)
		case kTime:
			sc.dest = append(sc.dest, &h.t)
		case kDate, kDateNull:
			h.nd.S = &h.d
			sc.dest = append(sc.dest, &h.nd)
		default:
			sc.dest = append(sc.dest, &h.i)
		}
	}
	for i, c := range s.scalars {
		add(&sc.holders[i], c.kind)
	}
	for i, c := range s.keys {
		add(&sc.holders[len(s.scalars)+i], c.kind)
	}
	return sc
}

func (sc *scanner) scan(r entsql.ColumnScanner) error {
	for i := range sc.holders {
		h := &sc.holders[i]
		h.raw, h.d = h.back[:0:cap(h.back)], dates.Date{}
	}
	return r.Scan(sc.dest...)
}

// int is the holder's value as a key: an integer, or a date's days.
func (h *holder) int(k kind) int64 {
	if k == kDate || k == kDateNull {
		return h.d.Time().Unix()
	}
	return h.i.Int64
}

// appendJSON appends the holder's value as gqlgen's marshallers write it
// for the kind.
func (h *holder) appendJSON(b []byte, k kind) []byte {
	switch k {
	case kIDNull, kIntNull:
		if !h.i.Valid {
			return append(b, "null"...)
		}
	case kStringNull:
		if h.raw == nil {
			return append(b, "null"...)
		}
	case kDateNull:
		if !h.nd.Valid {
			return append(b, "null"...)
		}
	}
	switch k {
	case kID, kIDNull:
		b = append(b, '"')
		return append(strconv.AppendInt(b, h.i.Int64, 10), '"')
	case kInt, kIntNull:
		return strconv.AppendInt(b, h.i.Int64, 10)
	case kString, kStringNull:
		return appendQuoted(b, h.raw)
	case kTime:
		if !h.t.Valid || h.t.Time.IsZero() {
			return append(b, "null"...)
		}
		b = append(b, '"')
		return append(h.t.Time.AppendFormat(b, time.RFC3339Nano), '"')
	default: // kDate, kDateNull
		b = append(b, '"')
		return append(append(b, h.d.String()...), '"')
	}
}

// appendQuoted appends s as a JSON string exactly as gqlgen writes one
// (graphql.MarshalString).
func appendQuoted(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i, c := range string(s) {
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\t':
			b = append(b, `\t`...)
		case '\r':
			b = append(b, `\r`...)
		case '\n':
			b = append(b, `\n`...)
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	return append(append(b, s[start:]...), '"')
}
