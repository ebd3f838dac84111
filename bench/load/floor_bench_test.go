package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// BenchmarkFloor measures what the nested query costs in Go when nothing
// but the SQL is left: the five statements pactreg's eager loading sends
// (the same columns, ANY($1) arrays, through the same *sql.DB with its
// kept statements), rows scanned into plain structs and the reply written
// by hand. No GraphQL parsing or execution, no ent nodes, no privacy,
// limits or audit: a lower bound for any read path written in Go over
// lib/pq, to set beside BenchmarkQuery's cpu-ns/op in the same run
// (bench/README.md, "Eighth session"). Before timing, its reply must equal
// the real handler's byte for byte, so the floor does the same work.
//
// It runs on PACTREG_BENCH_DATABASE_URL (a PostgreSQL database loaded by
// bench/load, any scale).
func BenchmarkFloor(b *testing.B) {
	if u := os.Getenv(EnvBenchURL); len(u) < 8 || u[:8] != "postgres" {
		b.Skipf("set %s to a loaded PostgreSQL benchmark database", EnvBenchURL)
	}
	db := openLoaded(b)
	q, err := os.ReadFile("../query-nested.graphql")
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(map[string]string{"query": string(q)})
	if err != nil {
		b.Fatal(err)
	}
	want := bytes.TrimSpace(serve(benchHandler(db, false), body).Body.Bytes())
	// The reply ends with the request's cost, the same for every request
	// of this text: the floor writes it as it is.
	ext := want[bytes.LastIndex(want, []byte(`,"extensions":`)):]
	ctx := context.Background()
	var buf []byte
	if buf, err = floorNested(ctx, db.SQL, buf[:0], ext); err != nil {
		b.Fatal(err)
	}
	if !bytes.Equal(want, buf) {
		i := 0
		for i < min(len(want), len(buf)) && want[i] == buf[i] {
			i++
		}
		b.Fatalf("the floor's reply differs from the handler's at byte %d:\n%.300s\n%.300s", i, want[max(0, i-100):], buf[max(0, i-100):])
	}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		if buf, err = floorNested(ctx, db.SQL, buf[:0], ext); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(buf)), "resp-bytes")
}

type (
	floorBody struct {
		id    int64
		name  string
		seats []*floorSeat
	}
	floorSeat struct {
		id, body, position int64
		org                sql.NullInt64
		role               string
		appts              []*floorAppt
	}
	floorAppt struct {
		id, person, seat int64
		startsOn         time.Time
	}
)

// floorNested answers bench/query-nested.graphql into buf, ending with
// ext (the extensions member and the closing brace).
func floorNested(ctx context.Context, db *sql.DB, buf, ext []byte) ([]byte, error) {
	var bodies []*floorBody
	err := each(ctx, db, `SELECT "bodies"."id", "bodies"."name" FROM "bodies" ORDER BY "bodies"."id" LIMIT 20`, nil,
		func(r *sql.Rows) error {
			bd := new(floorBody)
			bodies = append(bodies, bd)
			return r.Scan(&bd.id, &bd.name)
		})
	if err != nil {
		return nil, err
	}
	bodyByID := make(map[int64]*floorBody, len(bodies))
	ids := make([]int64, 0, len(bodies))
	for _, bd := range bodies {
		bodyByID[bd.id] = bd
		ids = append(ids, bd.id)
	}
	var seats []*floorSeat
	err = each(ctx, db, `SELECT "seat_allocations"."id", "seat_allocations"."role", "seat_allocations"."nominating_organisation_id", "seat_allocations"."body_id", "seat_allocations"."position" FROM "seat_allocations" WHERE "seat_allocations"."body_id" = ANY($1)`, ids,
		func(r *sql.Rows) error {
			s := new(floorSeat)
			seats = append(seats, s)
			return r.Scan(&s.id, &s.role, &s.org, &s.body, &s.position)
		})
	if err != nil {
		return nil, err
	}
	seatByID := make(map[int64]*floorSeat, len(seats))
	orgs := make(map[int64]string, len(seats))
	ids = ids[:0]
	for _, s := range seats {
		bd := bodyByID[s.body]
		bd.seats = append(bd.seats, s)
		seatByID[s.id] = s
		if _, ok := orgs[s.org.Int64]; s.org.Valid && !ok {
			orgs[s.org.Int64] = ""
			ids = append(ids, s.org.Int64)
		}
	}
	if err = names(ctx, db, `SELECT "organisations"."id", "organisations"."name" FROM "organisations" WHERE "organisations"."id" = ANY($1)`, ids, orgs); err != nil {
		return nil, err
	}
	ids = ids[:0]
	for _, s := range seats {
		ids = append(ids, s.id)
	}
	persons := make(map[int64]string)
	var personIDs []int64
	err = each(ctx, db, `SELECT "appointments"."id", "appointments"."person_id", "appointments"."seat_allocation_id", "appointments"."starts_on" FROM "appointments" WHERE "appointments"."seat_allocation_id" = ANY($1)`, ids,
		func(r *sql.Rows) error {
			a := new(floorAppt)
			if err := r.Scan(&a.id, &a.person, &a.seat, &a.startsOn); err != nil {
				return err
			}
			s := seatByID[a.seat]
			s.appts = append(s.appts, a)
			if _, ok := persons[a.person]; !ok {
				persons[a.person] = ""
				personIDs = append(personIDs, a.person)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if err = names(ctx, db, `SELECT "persons"."id", "persons"."name" FROM "persons" WHERE "persons"."id" = ANY($1)`, personIDs, persons); err != nil {
		return nil, err
	}

	buf = append(buf, `{"data":{"bodies":{"edges":[`...)
	for i, bd := range bodies {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"node":{"id":"`...)
		buf = strconv.AppendInt(buf, bd.id, 10)
		buf = append(buf, `","name":`...)
		buf = appendJSONString(buf, bd.name)
		buf = append(buf, `,"seatAllocations":[`...)
		slices.SortFunc(bd.seats, func(x, y *floorSeat) int { return cmp.Or(cmp.Compare(x.position, y.position), cmp.Compare(x.id, y.id)) })
		for j, s := range bd.seats {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"id":"`...)
			buf = strconv.AppendInt(buf, s.id, 10)
			buf = append(buf, `","role":"`...)
			buf = append(buf, s.role...)
			if s.org.Valid {
				buf = append(buf, `","nominatingOrganisation":{"name":`...)
				buf = appendJSONString(buf, orgs[s.org.Int64])
				buf = append(buf, `},"appointments":[`...)
			} else {
				buf = append(buf, `","nominatingOrganisation":null,"appointments":[`...)
			}
			slices.SortFunc(s.appts, func(x, y *floorAppt) int {
				return cmp.Or(x.startsOn.Compare(y.startsOn), cmp.Compare(x.id, y.id))
			})
			for k, a := range s.appts {
				if k > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, `{"id":"`...)
				buf = strconv.AppendInt(buf, a.id, 10)
				buf = append(buf, `","person":{"name":`...)
				buf = appendJSONString(buf, persons[a.person])
				buf = append(buf, `}}`...)
			}
			buf = append(buf, `]}`...)
		}
		buf = append(buf, `]}}`...)
	}
	buf = append(buf, `]}}`...)
	return append(buf, ext...), nil
}

// each runs query (with ids as its one array argument, if not nil) and
// calls row for every row.
func each(ctx context.Context, db *sql.DB, query string, ids []int64, row func(*sql.Rows) error) error {
	var args []any
	if ids != nil {
		args = []any{pq.Array(ids)}
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("floor: %w", err)
		}
	}
	return rows.Err()
}

// names runs query, which selects an id and a name for ids, into m.
func names(ctx context.Context, db *sql.DB, query string, ids []int64, m map[int64]string) error {
	return each(ctx, db, query, ids, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		m[id] = name
		return err
	})
}

// appendJSONString appends s as a JSON string.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
		case c < 0x20:
			buf = append(buf, `\u00`...)
			buf = append(buf, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		case c < utf8.RuneSelf:
			buf = append(buf, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			buf = utf8.AppendRune(buf, r)
			i += n
			continue
		}
		i++
	}
	return append(buf, '"')
}
