package direct

import (
	"bytes"
	"errors"
	"strconv"

	"entgo.io/contrib/entgql"
)

// errMissing: a to-one edge names a row its statement did not return. The
// foreign keys make that impossible; the ent path answers it if it happens.
var errMissing = errors.New("direct: a row named by a key is missing")

// frame is what an object's members are written from: row i of rs as
// selection s selects it, or a root connection r (its nodes rs, already
// cut to the page, whether a next page exists, the count) and, within its
// edges, the edge of node i.
type frame struct {
	s       *selection
	rs      *rows
	i       int32
	r       *root
	hasNext bool
	total   int
}

// write writes an object: its members as members ask, from f.
func write(b *bytes.Buffer, members []out, f frame) error {
	b.WriteByte('{')
	for k, o := range members {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(o.key)
		var err error
		switch o.what {
		case wConst:
			b.WriteString(o.text)
		case wNull:
			b.WriteString("null")
		case wColumn:
			n := int(f.i) * (len(f.s.scalars) + 1)
			b.Write(f.rs.text[f.rs.offs[n+o.at]:f.rs.offs[n+o.at+1]])
		case wToOne:
			err = writeToOne(b, o, f.rs.kids[k], f.rs.keys[int(f.i)*len(f.s.keys)+o.at])
		case wToMany:
			kid := f.rs.kids[k]
			span := kid.spans[f.rs.ids[f.i]]
			err = writeRows(b, o.child.out, frame{s: o.child, rs: kid}, kid.order[span[0]:span[1]])
		case wTotal:
			b.WriteString(strconv.Itoa(f.total))
		case wEdges:
			err = writeRows(b, o.sub, frame{r: f.r, rs: f.rs}, f.rs.order)
		case wNode:
			err = write(b, f.r.nodes.out, frame{s: f.r.nodes, rs: f.rs, i: f.i})
		case wCursor:
			writeCursor(b, f.rs.ids[f.i])
		case wPageInfo:
			err = write(b, o.sub, f)
		case wHasNext:
			b.WriteString(strconv.FormatBool(f.hasNext))
		case wHasPrevious:
			// As entgql's Paginate: without edges it reads no rows.
			b.WriteString(strconv.FormatBool(f.r.edges && f.r.after != nil))
		case wStartCursor, wEndCursor:
			switch {
			case len(f.rs.ids) == 0:
				b.WriteString("null")
			case o.what == wStartCursor:
				writeCursor(b, f.rs.ids[0])
			default:
				writeCursor(b, f.rs.ids[len(f.rs.ids)-1])
			}
		}
		if err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// writeToOne writes the row named by key of the edge o's rows kid, or null.
func writeToOne(b *bytes.Buffer, o out, kid *rows, key int64) error {
	if key == 0 {
		b.WriteString("null")
		return nil
	}
	j, ok := kid.byID[key]
	if !ok {
		return errMissing
	}
	return write(b, o.child.out, frame{s: o.child, rs: kid, i: j})
}

// writeRows writes a JSON array of the rows idx of f.rs, each an object
// with members.
func writeRows(b *bytes.Buffer, members []out, f frame, idx []int32) error {
	b.WriteByte('[')
	for n, i := range idx {
		if n > 0 {
			b.WriteByte(',')
		}
		f.i = i
		if err := write(b, members, f); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

// writeCursor writes the cursor of the row id in id order.
func writeCursor(b *bytes.Buffer, id int64) {
	entgql.Cursor[int]{ID: int(id)}.MarshalGQL(b)
}
