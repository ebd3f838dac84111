package dates

import "testing"

func TestParseFuzzy(t *testing.T) {
	for _, tc := range []struct {
		in               string
		prec             Precision
		earliest, latest string
	}{
		{"2018-04-25", PrecisionDay, "2018-04-25", "2018-04-25"},
		{"2017-W50", PrecisionWeek, "2017-12-11", "2017-12-17"}, // "uge 50 i 2017"
		{"2020-W53", PrecisionWeek, "2020-12-28", "2021-01-03"}, // a long year
		{"2021-W01", PrecisionWeek, "2021-01-04", "2021-01-10"},
		{"2018-05", PrecisionMonth, "2018-05-01", "2018-05-31"},            // "maj 2018"
		{"2018-06-early", PrecisionEarlyMonth, "2018-06-01", "2018-06-10"}, // "primo juni"
		{"2018-06-mid", PrecisionMidMonth, "2018-06-11", "2018-06-20"},
		{"2018-03-late", PrecisionLateMonth, "2018-03-21", "2018-03-31"}, // "ultimo marts"
		{"2018-02-late", PrecisionLateMonth, "2018-02-21", "2018-02-28"},
		{"2018-Q2", PrecisionQuarter, "2018-04-01", "2018-06-30"},
		{"2018", PrecisionYear, "2018-01-01", "2018-12-31"},
		{"1000", PrecisionYear, "1000-01-01", "1000-12-31"},
		{"9999-12-late", PrecisionLateMonth, "9999-12-21", "9999-12-31"},
	} {
		f, err := ParseFuzzy(tc.in)
		if err != nil {
			t.Errorf("ParseFuzzy(%q): %v", tc.in, err)
			continue
		}
		if f.Precision != tc.prec || f.Earliest.String() != tc.earliest || f.Latest.String() != tc.latest || f.String() != tc.in {
			t.Errorf("ParseFuzzy(%q) = %s %s..%s", tc.in, f.Precision, f.Earliest, f.Latest)
		}
		var back Fuzzy
		v, _ := f.Value()
		if err := back.Scan(v); err != nil || back != f {
			t.Errorf("round trip of %q: %+v %v", tc.in, back, err)
		}
	}
	for _, bad := range []string{"2018-W54", "2018-W53", "2018-W00", "2018-13", "2018-00", "2018-02-30", "2018-Q5", "2018-Q0",
		"2018-13-early", "2018-06-soon", "18", "uge 50", "", "2018-4",
		"0000", "0001-01-01", "0000-06-01", "0999-Q4", "0999-12", "0999-12-late", "0999-W52", "1000-W01", "9999-W52"} {
		if _, err := ParseFuzzy(bad); err == nil {
			t.Errorf("ParseFuzzy(%q) accepted", bad)
		}
	}
}

func TestFuzzyOverlaps(t *testing.T) {
	f := MustParseFuzzy("2018-06-early")
	if !f.Overlaps(MustParse("2018-06-10"), MustParse("2018-07-01")) || f.Overlaps(MustParse("2018-06-11"), MustParse("2018-07-01")) {
		t.Error("overlap at the edges")
	}
}
