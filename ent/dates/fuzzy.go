package dates

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Precision says how exactly a Fuzzy date is known.
type Precision string

// The precisions, finest first.
const (
	PrecisionDay        Precision = "DAY"
	PrecisionWeek       Precision = "WEEK"
	PrecisionEarlyMonth Precision = "EARLY_MONTH"
	PrecisionMidMonth   Precision = "MID_MONTH"
	PrecisionLateMonth  Precision = "LATE_MONTH"
	PrecisionMonth      Precision = "MONTH"
	PrecisionQuarter    Precision = "QUARTER"
	PrecisionYear       Precision = "YEAR"
)

// Fuzzy is a date known to a precision, as documents write them: 25 April
// 2018, "uge 50 i 2017", "maj 2018", "primo juni 2018", "ultimo marts
// 2018". It stands for the interval [Earliest, Latest].
//
// Its text form (Parse, String, the database) is one of
//
//	2018-04-25     DAY
//	2017-W50       WEEK (ISO 8601 week, Monday to Sunday)
//	2018-06-early  EARLY_MONTH (days 1–10, "primo")
//	2018-06-mid    MID_MONTH (days 11–20)
//	2018-03-late   LATE_MONTH (day 21 to the end, "ultimo")
//	2018-05        MONTH
//	2018-Q2        QUARTER
//	2018           YEAR
type Fuzzy struct {
	Precision Precision
	Earliest  Date
	Latest    Date
	value     string
}

// FuzzyError reports text that is not a fuzzy date.
type FuzzyError struct {
	Input, Reason string
}

func (e *FuzzyError) Error() string {
	return fmt.Sprintf("%q is not a date as pactreg writes them (%s): use 2018-04-25, 2017-W50, 2018-05, 2018-06-early, 2018-06-mid, 2018-03-late, 2018-Q2 or 2018", e.Input, e.Reason)
}

var (
	reYear    = regexp.MustCompile(`^(\d{4})$`)
	reQuarter = regexp.MustCompile(`^(\d{4})-Q(\d)$`)
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	rePart    = regexp.MustCompile(`^(\d{4})-(\d{2})-(early|mid|late)$`)
	reWeek    = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
)

// ParseFuzzy reads the text form of a fuzzy date. Years outside
// MinYear..MaxYear are refused, as Parse refuses them.
func ParseFuzzy(s string) (Fuzzy, error) {
	f, err := parseFuzzy(s)
	if err == nil && (!inRange(f.Earliest.Year()) || !inRange(f.Latest.Year())) {
		return Fuzzy{}, &FuzzyError{Input: s, Reason: fmt.Sprintf("a year is %d to %d", MinYear, MaxYear)}
	}
	return f, err
}

// parseFuzzy is ParseFuzzy without the range of years, for what the
// database holds.
func parseFuzzy(s string) (Fuzzy, error) {
	bad := func(reason string) (Fuzzy, error) { return Fuzzy{}, &FuzzyError{Input: s, Reason: reason} }
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	month := func(y, m int) (Date, Date, bool) {
		if m < 1 || m > 12 {
			return Date{}, Date{}, false
		}
		first := Of(y, time.Month(m), 1)
		return first, first.AddDate(0, 1, -1), true
	}
	var f Fuzzy
	switch {
	case reYear.MatchString(s):
		y := num(s)
		f = Fuzzy{Precision: PrecisionYear, Earliest: Of(y, 1, 1), Latest: Of(y, 12, 31)}
	case reQuarter.MatchString(s):
		m := reQuarter.FindStringSubmatch(s)
		q := num(m[2])
		if q < 1 || q > 4 {
			return bad("a quarter is Q1 to Q4")
		}
		first := Of(num(m[1]), time.Month(3*q-2), 1)
		f = Fuzzy{Precision: PrecisionQuarter, Earliest: first, Latest: first.AddDate(0, 3, -1)}
	case reMonth.MatchString(s):
		m := reMonth.FindStringSubmatch(s)
		first, last, ok := month(num(m[1]), num(m[2]))
		if !ok {
			return bad("a month is 01 to 12")
		}
		f = Fuzzy{Precision: PrecisionMonth, Earliest: first, Latest: last}
	case rePart.MatchString(s):
		m := rePart.FindStringSubmatch(s)
		first, last, ok := month(num(m[1]), num(m[2]))
		if !ok {
			return bad("a month is 01 to 12")
		}
		switch m[3] {
		case "early":
			f = Fuzzy{Precision: PrecisionEarlyMonth, Earliest: first, Latest: first.AddDays(9)}
		case "mid":
			f = Fuzzy{Precision: PrecisionMidMonth, Earliest: first.AddDays(10), Latest: first.AddDays(19)}
		default:
			f = Fuzzy{Precision: PrecisionLateMonth, Earliest: first.AddDays(20), Latest: last}
		}
	case reWeek.MatchString(s):
		m := reWeek.FindStringSubmatch(s)
		y, w := num(m[1]), num(m[2])
		// Monday of ISO week 1 is the Monday of the week holding 4 January.
		jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
		if ty, tw := monday.ISOWeek(); w < 1 || ty != y || tw != w {
			return bad(fmt.Sprintf("%d has no ISO week %d", y, w))
		}
		start := FromTime(monday)
		f = Fuzzy{Precision: PrecisionWeek, Earliest: start, Latest: start.AddDays(6)}
	default:
		d, err := parse(s)
		if err != nil {
			return bad("not one of the forms")
		}
		f = Fuzzy{Precision: PrecisionDay, Earliest: d, Latest: d}
	}
	f.value = s
	return f, nil
}

// MustParseFuzzy is ParseFuzzy for constants; it panics on error.
func MustParseFuzzy(s string) Fuzzy {
	f, err := ParseFuzzy(s)
	if err != nil {
		panic(err)
	}
	return f
}

// String is the text form ("" for the zero Fuzzy).
func (f Fuzzy) String() string { return f.value }

// IsZero reports whether f is no date.
func (f Fuzzy) IsZero() bool { return f.value == "" }

// Value stores the text form.
func (f Fuzzy) Value() (driver.Value, error) {
	if f.IsZero() {
		return nil, nil
	}
	return f.value, nil
}

// Scan reads the text form.
func (f *Fuzzy) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*f = Fuzzy{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("dates: cannot scan %T into Fuzzy", src)
	}
	p, err := parseFuzzy(s)
	if err != nil {
		return fmt.Errorf("dates: scan: %w", err)
	}
	*f = p
	return nil
}

// Overlaps reports whether f's interval meets [from, to].
func (f Fuzzy) Overlaps(from, to Date) bool {
	return !f.Latest.Before(from) && !f.Earliest.After(to)
}
