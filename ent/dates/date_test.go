package dates

import (
	"bytes"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2018-04-25", true},
		{"2016-02-29", true},
		{"2018-02-30", false},
		{"2017-02-29", false},
		{"2018-13-01", false},
		{"2018-4-25", false},
		{"25-04-2018", false},
		{"2018-04-25T00:00:00Z", false},
		{"", false},
		{" 2018-04-25", false},
		{"1000-01-01", true},
		{"9999-12-31", true},
		{"0999-12-31", false},
		{"0001-01-01", false}, // Go's zero time: the zero Date, stored as NULL
		{"0000-06-01", false}, // no year 0 on PostgreSQL
	} {
		d, err := Parse(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("Parse(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && d.String() != tc.in {
			t.Errorf("Parse(%q).String() = %q", tc.in, d.String())
		}
		if !tc.ok && !IsParseError(err) {
			t.Errorf("Parse(%q) error %T is not a *ParseError", tc.in, err)
		}
	}
}

func TestScanKeepsTheCalendarDate(t *testing.T) {
	// lib/pq hands a DATE back as a time.Time whose zone may not be UTC;
	// the calendar date must survive any zone.
	east := time.FixedZone("UTC+14", 14*3600)
	west := time.FixedZone("UTC-12", -12*3600)
	for _, src := range []any{
		time.Date(2018, 4, 25, 0, 0, 0, 0, east),
		time.Date(2018, 4, 25, 0, 0, 0, 0, west),
		"2018-04-25",
		[]byte("2018-04-25"),
		"2018-04-25T00:00:00Z",
	} {
		var d Date
		if err := d.Scan(src); err != nil {
			t.Fatalf("Scan(%v): %v", src, err)
		}
		if got := d.String(); got != "2018-04-25" {
			t.Errorf("Scan(%#v) = %s, want 2018-04-25", src, got)
		}
	}
	var d Date
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v; want zero", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(42) succeeded")
	}
}

func TestValue(t *testing.T) {
	v, err := Of(2018, time.September, 26).Value()
	if err != nil || v != "2018-09-26" {
		t.Errorf("Value() = %v, %v", v, err)
	}
	v, err = Date{}.Value()
	if err != nil || v != nil {
		t.Errorf("zero Value() = %v, %v; want NULL", v, err)
	}
}

func TestGQL(t *testing.T) {
	var d Date
	if err := d.UnmarshalGQL("2018-06-01"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d.MarshalGQL(&buf)
	if buf.String() != `"2018-06-01"` {
		t.Errorf("MarshalGQL = %s", buf.String())
	}
	if err := d.UnmarshalGQL(20180601); err == nil {
		t.Error("UnmarshalGQL(int) succeeded")
	}
	if err := d.UnmarshalGQL("2018-02-30"); !IsParseError(err) {
		t.Errorf("UnmarshalGQL(2018-02-30) = %v", err)
	}
}

func TestOrder(t *testing.T) {
	a, b := MustParse("2017-12-31"), MustParse("2018-01-01")
	if !a.Before(b) || b.Before(a) || a.Compare(b) != -1 || !b.After(a) {
		t.Error("ordering broken")
	}
	if a.AddDays(1) != b {
		t.Errorf("AddDays: %s", a.AddDays(1))
	}
	if got := MustParse("2018-02-28").AddDate(4, 0, 0); got.String() != "2022-02-28" {
		t.Errorf("AddDate: %s", got)
	}
}

func TestOfPanicsOnImpossibleDate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Of(2018, 2, 30) did not panic")
		}
	}()
	Of(2018, time.February, 30)
}

func TestScanKeepsDatesOutsideTheRangeOfParse(t *testing.T) {
	// What the database holds is read back even if Parse would refuse it.
	var d Date
	if err := d.Scan("0999-12-31"); err != nil || d.Year() != 999 {
		t.Errorf("Scan(0999-12-31) = %v, %v", d, err)
	}
}
