// Package dates holds Date, a calendar date without time of day or time
// zone. It is stored as a SQL DATE on PostgreSQL and as ISO-8601 text
// ("YYYY-MM-DD") on SQLite, and is the GraphQL scalar Date.
package dates

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	_ "time/tzdata" // Europe/Copenhagen without the system's zoneinfo

	"github.com/vmihailenco/msgpack/v5"
)

// Layout is the only accepted text form of a Date.
const Layout = "2006-01-02"

// Date is a calendar date. The zero value is no date (IsZero), which is
// stored as NULL. A Date is comparable with ==.
type Date struct {
	// t is always midnight UTC of the date, or the zero time.
	t time.Time
}

// MinYear and MaxYear bound the years Parse and ParseFuzzy accept. Year 1
// would allow 0001-01-01, Go's zero time, which is the zero Date (no date,
// NULL); year 0 does not exist for PostgreSQL's DATE; and a year of five
// digits does not fit YYYY-MM-DD, whose text SQLite compares.
const (
	MinYear = 1000
	MaxYear = 9999
)

// ParseError reports a string that is not a valid calendar date.
type ParseError struct {
	Input string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%q is not a valid date: use YYYY-MM-DD with a day that exists in the calendar and a year from %d to %d", e.Input, MinYear, MaxYear)
}

// inRange reports whether year y is one Parse accepts.
func inRange(y int) bool { return y >= MinYear && y <= MaxYear }

// Of returns the date y-m-d. It panics if the date does not exist: use
// Parse for input from outside.
func Of(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		panic(fmt.Sprintf("dates: %04d-%02d-%02d does not exist", y, m, d))
	}
	return Date{t: t}
}

// Parse reads a date in the form YYYY-MM-DD. Days that do not exist, such
// as 2018-02-30, and years outside MinYear..MaxYear are refused.
func Parse(s string) (Date, error) {
	d, err := parse(s)
	if err == nil && !inRange(d.Year()) {
		return Date{}, &ParseError{Input: s}
	}
	return d, err
}

// parse is Parse without the range of years, for what the database holds.
func parse(s string) (Date, error) {
	if len(s) != len(Layout) {
		return Date{}, &ParseError{Input: s}
	}
	t, err := time.ParseInLocation(Layout, s, time.UTC)
	if err != nil {
		return Date{}, &ParseError{Input: s}
	}
	return Date{t: t}, nil
}

// MustParse is Parse for constants; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FromTime returns the calendar date of t in t's own location.
func FromTime(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.Date()
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Today is the current date in loc.
func Today(loc *time.Location) Date { return FromTime(time.Now().In(loc)) }

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// Year, Month and Day return the parts of d.
func (d Date) Year() int         { return d.t.Year() }
func (d Date) Month() time.Month { return d.t.Month() }
func (d Date) Day() int          { return d.t.Day() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.t.Compare(e.t) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Last is the last day Parse accepts: 31 December of MaxYear.
func Last() Date { return Of(MaxYear, time.December, 31) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// AddDate returns d moved by years, months and days, normalised as time.AddDate does.
func (d Date) AddDate(years, months, days int) Date {
	return Date{t: d.t.AddDate(years, months, days)}
}

// Value implements driver.Valuer: the zero Date is NULL, others are text
// that PostgreSQL casts to DATE and SQLite stores as it is.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for DATE (time.Time from lib/pq) and text
// columns (string or []byte from SQLite).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = FromTime(v)
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("dates: cannot scan %T into Date", src)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	// Tolerate a timestamp text form ("2018-04-25T00:00:00Z" or
	// "2018-04-25 00:00:00+00:00"): only its date part counts.
	if len(s) > len(Layout) {
		s = s[:len(Layout)]
	}
	v, err := parse(s)
	if err != nil {
		return fmt.Errorf("dates: scan: %w", err)
	}
	*d = v
	return nil
}

// MarshalGQL writes d as a GraphQL string.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(d.String()))
}

// UnmarshalGQL reads a GraphQL input value.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &ParseError{Input: fmt.Sprint(v)}
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalText implements encoding.TextMarshaler (and so JSON).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// EncodeMsgpack writes d into a pagination cursor (entgql encodes a
// cursor's order value with msgpack) as its text, which both databases
// compare with a stored date. Without it msgpack wrote MarshalText's bytes,
// which SQLite compares as a BLOB, sorting after every text: the page after
// a cursor of a connection ordered by a date came back empty (ascending)
// or as the same page again (descending).
func (d Date) EncodeMsgpack(enc *msgpack.Encoder) error { return enc.EncodeString(d.String()) }

// UnmarshalText implements encoding.TextUnmarshaler (and so JSON).
func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// IsParseError reports whether err is, or wraps, a *ParseError.
func IsParseError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}

// Denmark is the registry's calendar: "today" is a day in Copenhagen. The
// time zone database is linked in (time/tzdata), so it loads on any system.
var Denmark = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// TodayInDenmark is today's date in Copenhagen.
func TodayInDenmark() Date { return Today(Denmark) }

// OrToday is *d, or today in Denmark when d is nil or zero.
func OrToday(d *Date) Date {
	if d != nil && !d.IsZero() {
		return *d
	}
	return TodayInDenmark()
}
