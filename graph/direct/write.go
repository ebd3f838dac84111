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

// writeRoot writes a connection: its members as r.out asks, over the
// nodes rs (already cut to the page) and the total count.
func writeRoot(b *bytes.Buffer, r *root, rs *rows, hasNext bool, total int) error {
	b.WriteByte('{')
	for k, o := range r.out {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(o.key)
		switch o.what {
		case wConst:
			b.WriteString(o.text)
		case wTotal:
			b.WriteString(strconv.Itoa(total))
		case wEdges:
			b.WriteByte('[')
			for i := range rs.ids {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('{')
				for j, e := range o.sub {
					if j > 0 {
						b.WriteByte(',')
					}
					b.WriteString(e.key)
					switch e.what {
					case wConst:
						b.WriteString(e.text)
					case wCursor:
						writeCursor(b, rs.ids[i])
					case wNode:
						if err := writeObject(b, r.nodes, rs, int32(i)); err != nil {
							return err
						}
					}
				}
				b.WriteByte('}')
			}
			b.WriteByte(']')
		case wPageInfo:
			writePageInfo(b, o.sub, r, rs, hasNext)
		}
	}
	b.WriteByte('}')
	return nil
}

// writePageInfo writes a connection's pageInfo as entgql's Paginate sets
// it: without edges asked for, no rows are read and only the count
// decides hasNextPage.
func writePageInfo(b *bytes.Buffer, members []out, r *root, rs *rows, hasNext bool) {
	b.WriteByte('{')
	for j, e := range members {
		if j > 0 {
			b.WriteByte(',')
		}
		b.WriteString(e.key)
		switch e.what {
		case wConst:
			b.WriteString(e.text)
		case wHasNext:
			b.WriteString(strconv.FormatBool(hasNext))
		case wHasPrevious:
			b.WriteString(strconv.FormatBool(r.edges && r.after != nil))
		case wStartCursor, wEndCursor:
			if len(rs.ids) == 0 {
				b.WriteString("null")
			} else if e.what == wStartCursor {
				writeCursor(b, rs.ids[0])
			} else {
				writeCursor(b, rs.ids[len(rs.ids)-1])
			}
		}
	}
	b.WriteByte('}')
}

// writeCursor writes the cursor of the row id in id order.
func writeCursor(b *bytes.Buffer, id int64) {
	entgql.Cursor[int]{ID: int(id)}.MarshalGQL(b)
}

// writeObject writes row i of rs as s selects it.
func writeObject(b *bytes.Buffer, s *selection, rs *rows, i int32) error {
	b.WriteByte('{')
	for k, o := range s.out {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(o.key)
		switch o.what {
		case wColumn:
			n := int(i) * (len(s.scalars) + 1)
			b.Write(rs.text[rs.offs[n+o.at]:rs.offs[n+o.at+1]])
		case wNull:
			b.WriteString("null")
		case wConst:
			b.WriteString(o.text)
		case wToOne:
			fk := rs.keys[int(i)*len(s.keys)+o.at]
			if fk == 0 {
				b.WriteString("null")
				continue
			}
			kid := rs.kids[k]
			j, ok := kid.byID[fk]
			if !ok {
				return errMissing
			}
			if err := writeObject(b, o.child, kid, j); err != nil {
				return err
			}
		case wToMany:
			kid := rs.kids[k]
			span := kid.spans[rs.ids[i]]
			b.WriteByte('[')
			for n, j := range kid.order[span[0]:span[1]] {
				if n > 0 {
					b.WriteByte(',')
				}
				if err := writeObject(b, o.child, kid, j); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte('}')
	return nil
}
