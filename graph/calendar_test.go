package graph_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/authz"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/milestone"
	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

// calFuzzy is a FuzzyDate as the client sees it.
type calFuzzy struct {
	Value, Text, Precision, Earliest, Latest string
}

const calFuzzyFields = `{ value text precision earliest latest }`

type calMeeting struct {
	ID      string
	Version int
	Title   string
	When    calFuzzy
}

const calMeetingFields = `{ id version title when ` + calFuzzyFields + ` }`

const (
	createMeetingMutation = `mutation($in: CreateMeetingInput!, $when: String!, $text: String) {
  createMeeting(input: $in, when: $when, whenText: $text) ` + calMeetingFields + ` }`
	updateMeetingMutation = `mutation($id: ID!, $v: Int!, $in: UpdateMeetingInput!, $when: String, $text: String) {
  updateMeeting(id: $id, expectedVersion: $v, input: $in, when: $when, whenText: $text) ` + calMeetingFields + ` }`
	meetingNodeQuery = `query($id: ID!) { node(id: $id) { ... on Meeting ` + calMeetingFields + ` } }`
)

type calMilestone struct {
	ID                      string
	Version                 int
	Title                   string
	Status                  string
	CompletedOn             *string
	Planned                 calFuzzy
	ResponsibleBody         *struct{ Name string }
	ResponsibleOrganisation *struct{ Name string }
}

const calMilestoneFields = `{ id version title status completedOn planned ` + calFuzzyFields + `
  responsibleBody { name } responsibleOrganisation { name } }`

const (
	createMilestoneMutation = `mutation($in: CreateMilestoneInput!, $planned: String!, $text: String) {
  createMilestone(input: $in, planned: $planned, plannedText: $text) ` + calMilestoneFields + ` }`
	updateMilestoneMutation = `mutation($id: ID!, $v: Int!, $in: UpdateMilestoneInput!, $planned: String, $text: String) {
  updateMilestone(id: $id, expectedVersion: $v, input: $in, planned: $planned, plannedText: $text) ` + calMilestoneFields + ` }`
)

type calItem struct {
	Kind      string
	Title     string
	Date      calFuzzy
	Meeting   *struct{ ID, Title string }
	Milestone *struct{ ID, Status string }
	Round     *struct{ ID, Name string } `json:"fundingRound"`
}

const upcomingQuery = `query($from: Date, $days: Int!) { upcoming(from: $from, days: $days) {
  kind title date ` + calFuzzyFields + ` meeting { id title } milestone { id status } fundingRound { id name } } }`

// calendarCounts are the rows of the calendar's tables.
type calendarCounts struct{ Meetings, Milestones, Rounds int }

func countCalendar(t *testing.T, c *ent.Client) calendarCounts {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	return calendarCounts{
		Meetings:   c.Meeting.Query().CountX(ctx),
		Milestones: c.Milestone.Query().CountX(ctx),
		Rounds:     c.FundingRound.Query().CountX(ctx),
	}
}

// refuseCalendar asserts that a write is refused with code and field and
// writes nothing: neither the registry nor the calendar changes.
func (a *api) refuseCalendar(query, code, field string, kv ...any) gqlError {
	a.t.Helper()
	before := countCalendar(a.t, a.db.Client)
	e := a.refuse(query, code, field, kv...)
	if after := countCalendar(a.t, a.db.Client); after != before {
		a.t.Fatalf("a refused write changed the calendar: before %+v, after %+v", before, after)
	}
	return e
}

func (a *api) createMeeting(body int, title, when string, text any) calMeeting {
	a.t.Helper()
	var out struct{ CreateMeeting calMeeting }
	a.do(createMeetingMutation, &out, "in", map[string]any{"bodyID": body, "title": title}, "when", when, "text", text)
	return out.CreateMeeting
}

func calID(t *testing.T, id string) int {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}

func TestCalendarEveryPrecisionRoundTrips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		for _, tc := range []struct {
			value string
			text  any
			want  calFuzzy
		}{
			{"2018-04-25", nil, calFuzzy{"2018-04-25", "2018-04-25", "DAY", "2018-04-25", "2018-04-25"}},
			{"2017-W50", "uge 50 i 2017", calFuzzy{"2017-W50", "uge 50 i 2017", "WEEK", "2017-12-11", "2017-12-17"}},
			{"2018-05", "maj 2018", calFuzzy{"2018-05", "maj 2018", "MONTH", "2018-05-01", "2018-05-31"}},
			{"2018-06-early", "primo juni 2018", calFuzzy{"2018-06-early", "primo juni 2018", "EARLY_MONTH", "2018-06-01", "2018-06-10"}},
			{"2018-06-mid", "  ", calFuzzy{"2018-06-mid", "2018-06-mid", "MID_MONTH", "2018-06-11", "2018-06-20"}},
			{"2018-03-late", "ultimo marts 2018", calFuzzy{"2018-03-late", "ultimo marts 2018", "LATE_MONTH", "2018-03-21", "2018-03-31"}},
			{"2018-02-late", nil, calFuzzy{"2018-02-late", "2018-02-late", "LATE_MONTH", "2018-02-21", "2018-02-28"}},
			{"2018-Q2", "andet kvartal 2018", calFuzzy{"2018-Q2", "andet kvartal 2018", "QUARTER", "2018-04-01", "2018-06-30"}},
			{"2018", nil, calFuzzy{"2018", "2018", "YEAR", "2018-01-01", "2018-12-31"}},
		} {
			t.Run(tc.value, func(t *testing.T) {
				a := a.on(t)
				m := a.createMeeting(w.body, "Møde "+tc.value, tc.value, tc.text)
				if m.When != tc.want {
					t.Errorf("createMeeting when = %+v, want %+v", m.When, tc.want)
				}
				// Read back from the database, through the API and directly.
				var got struct{ Node calMeeting }
				a.do(meetingNodeQuery, &got, "id", m.ID)
				if got.Node.When != tc.want {
					t.Errorf("read back when = %+v, want %+v", got.Node.When, tc.want)
				}
				row := db.Client.Meeting.GetX(ctx, calID(t, m.ID))
				if row.WhenEarliest.String() != tc.want.Earliest || row.WhenLatest.String() != tc.want.Latest {
					t.Errorf("interval columns = [%s, %s], want [%s, %s]", row.WhenEarliest, row.WhenLatest, tc.want.Earliest, tc.want.Latest)
				}
			})
		}
	})
}

func TestCalendarObservationPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		ctx := authz.SystemContext(context.Background())
		ind := db.Client.Indicator.Create().SetCode("STEM-1").SetName("Andel af arbejdsstyrken med en STEM-uddannelse").
			SetUnit("PERCENT").SaveX(ctx)
		db.Client.Observation.Create().SetIndicatorID(ind.ID).SetPeriod(dates.MustParseFuzzy("2018")).
			SetValue(decimal.RequireFromString("21.0")).ExecX(ctx)
		var out struct {
			Observations struct {
				Edges []struct{ Node struct{ Period calFuzzy } }
			}
		}
		a.do(`{ observations { edges { node { period `+calFuzzyFields+` } } } }`, &out)
		if len(out.Observations.Edges) != 1 {
			t.Fatalf("observations: %+v", out)
		}
		want := calFuzzy{"2018", "2018", "YEAR", "2018-01-01", "2018-12-31"}
		if got := out.Observations.Edges[0].Node.Period; got != want {
			t.Errorf("period = %+v, want %+v", got, want)
		}
	})
}

func TestCalendarInvalidDatesAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		m := a.createMeeting(w.body, "Første møde", "2018-06-early", "primo juni 2018")
		var ms struct{ CreateMilestone calMilestone }
		a.do(createMilestoneMutation, &ms, "in", map[string]any{"title": "Udpegningsbreve"}, "planned", "2018-03-late", "text", nil)
		for _, bad := range []string{"2018-W54", "2018-13", "2018-02-30", "uge 50", "", "2018-Q5", "2018-06-primo", "2018-00"} {
			t.Run(bad, func(t *testing.T) {
				a := a.on(t)
				e := a.refuseCalendar(createMeetingMutation, "BAD_USER_INPUT", "when",
					"in", map[string]any{"bodyID": w.body, "title": "Møde"}, "when", bad, "text", nil)
				if !strings.Contains(e.Message, strconv.Quote(bad)) || !strings.Contains(e.Message, "2017-W50") {
					t.Errorf("message should quote the input and show the forms: %s", e.Message)
				}
				a.refuseCalendar(updateMeetingMutation, "BAD_USER_INPUT", "when",
					"id", m.ID, "v", m.Version, "in", map[string]any{"title": "Ændret"}, "when", bad, "text", nil)
				a.refuseCalendar(createMilestoneMutation, "BAD_USER_INPUT", "planned",
					"in", map[string]any{"title": "Milepæl"}, "planned", bad, "text", nil)
				a.refuseCalendar(updateMilestoneMutation, "BAD_USER_INPUT", "planned",
					"id", ms.CreateMilestone.ID, "v", ms.CreateMilestone.Version, "in", map[string]any{}, "planned", bad, "text", nil)
			})
		}
		// Words longer than the column allows.
		a.refuseCalendar(createMeetingMutation, "BAD_USER_INPUT", "whenText",
			"in", map[string]any{"bodyID": w.body, "title": "Møde"}, "when", "2018-05", "text", strings.Repeat("x", 201))
		// The refused updates left the records as they were.
		var got struct{ Node calMeeting }
		a.do(meetingNodeQuery, &got, "id", m.ID)
		if got.Node != m {
			t.Errorf("refused updates changed the meeting: %+v, was %+v", got.Node, m)
		}
		ctx := authz.SystemContext(context.Background())
		if row := db.Client.Milestone.GetX(ctx, calID(t, ms.CreateMilestone.ID)); row.Version != 1 || row.Planned.String() != "2018-03-late" {
			t.Errorf("refused updates changed the milestone: %+v", row)
		}
	})
}

func TestCalendarUpdateMeetingDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		m := a.createMeeting(w.body, "Første møde", "2018-06-early", "primo juni 2018")
		update := func(v int, in map[string]any, when, text any) calMeeting {
			t.Helper()
			var out struct{ UpdateMeeting calMeeting }
			a.do(updateMeetingMutation, &out, "id", m.ID, "v", v, "in", in, "when", when, "text", text)
			return out.UpdateMeeting
		}
		interval := func() string {
			row := db.Client.Meeting.GetX(ctx, calID(t, m.ID))
			return row.WhenEarliest.String() + ".." + row.WhenLatest.String()
		}

		// Only the title: date and words stay.
		u := update(m.Version, map[string]any{"title": "Første rådsmøde"}, nil, nil)
		if u.Title != "Første rådsmøde" || u.When != m.When || u.Version != m.Version+1 {
			t.Errorf("title update: %+v", u)
		}
		// A new date with new words; the interval columns follow.
		u = update(u.Version, map[string]any{}, "2018-06-mid", "medio juni 2018")
		if want := (calFuzzy{"2018-06-mid", "medio juni 2018", "MID_MONTH", "2018-06-11", "2018-06-20"}); u.When != want {
			t.Errorf("date update: %+v, want %+v", u.When, want)
		}
		if got := interval(); got != "2018-06-11..2018-06-20" {
			t.Errorf("interval columns after update: %s", got)
		}
		// A new date without words drops the old words: they described the old date.
		u = update(u.Version, map[string]any{}, "2018-09-26", nil)
		if want := (calFuzzy{"2018-09-26", "2018-09-26", "DAY", "2018-09-26", "2018-09-26"}); u.When != want {
			t.Errorf("date update without words: %+v, want %+v", u.When, want)
		}
		if got := interval(); got != "2018-09-26..2018-09-26" {
			t.Errorf("interval columns after update: %s", got)
		}
		// Words alone: the date stays.
		u = update(u.Version, map[string]any{}, nil, "26. september 2018")
		if u.When.Text != "26. september 2018" || u.When.Value != "2018-09-26" {
			t.Errorf("words update: %+v", u.When)
		}
		// Blank words clear them.
		u = update(u.Version, map[string]any{}, nil, "")
		if u.When.Text != "2018-09-26" {
			t.Errorf("blank words: %+v", u.When)
		}
		if row := db.Client.Meeting.GetX(ctx, calID(t, m.ID)); row.WhenText != "" {
			t.Errorf("when_text = %q after clearing", row.WhenText)
		}
		// A stale version is a CONFLICT and changes nothing.
		e := a.refuseCalendar(updateMeetingMutation, "CONFLICT", "expectedVersion",
			"id", m.ID, "v", m.Version, "in", map[string]any{}, "when", "2019", "text", nil)
		if e.Extensions["currentVersion"] != float64(u.Version) {
			t.Errorf("currentVersion = %v, want %d", e.Extensions["currentVersion"], u.Version)
		}
		if got := interval(); got != "2018-09-26..2018-09-26" {
			t.Errorf("a refused update moved the interval: %s", got)
		}
		a.refuseCalendar(updateMeetingMutation, "NOT_FOUND", "",
			"id", 999999, "v", 1, "in", map[string]any{}, "when", "2019", "text", nil)
	})
}

func TestCalendarMilestones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		var c1, c2 struct{ CreateMilestone calMilestone }
		a.do(createMilestoneMutation, &c1, "in", map[string]any{"title": "Udpegningsbreve udsendes", "responsibleOrganisationID": w.org},
			"planned", "2018-03-late", "text", "ultimo marts 2018")
		m := c1.CreateMilestone
		if m.Status != "PLANNED" || m.CompletedOn != nil || m.ResponsibleOrganisation == nil || m.ResponsibleOrganisation.Name != "Aarhus Kommune" ||
			m.ResponsibleBody != nil || m.Planned != (calFuzzy{"2018-03-late", "ultimo marts 2018", "LATE_MONTH", "2018-03-21", "2018-03-31"}) {
			t.Errorf("created milestone: %+v", m)
		}
		a.do(createMilestoneMutation, &c2, "in", map[string]any{"title": "Første rådsmøde", "responsibleBodyID": w.body,
			"status": "SLIPPED", "bodyID": w.body}, "planned", "2018-06-early", "text", "primo juni 2018")
		if m2 := c2.CreateMilestone; m2.Status != "SLIPPED" || m2.ResponsibleBody == nil || m2.ResponsibleBody.Name != "Rådet for fremtidens kompetencer" {
			t.Errorf("created milestone: %+v", m2)
		}

		// Done: status, completion day and (moved) plan in one update.
		var u struct{ UpdateMilestone calMilestone }
		a.do(updateMilestoneMutation, &u, "id", m.ID, "v", m.Version,
			"in", map[string]any{"status": "DONE", "completedOn": "2018-04-03"}, "planned", "2018-04-early", "text", "primo april 2018")
		got := u.UpdateMilestone
		if got.Status != "DONE" || got.CompletedOn == nil || *got.CompletedOn != "2018-04-03" || got.Version != m.Version+1 ||
			got.Planned != (calFuzzy{"2018-04-early", "primo april 2018", "EARLY_MONTH", "2018-04-01", "2018-04-10"}) {
			t.Errorf("updated milestone: %+v", got)
		}
		ctx := authz.SystemContext(context.Background())
		row := db.Client.Milestone.GetX(ctx, calID(t, m.ID))
		if row.PlannedEarliest.String() != "2018-04-01" || row.PlannedLatest.String() != "2018-04-10" {
			t.Errorf("interval columns: %s..%s", row.PlannedEarliest, row.PlannedLatest)
		}
		a.refuseCalendar(updateMilestoneMutation, "CONFLICT", "expectedVersion",
			"id", m.ID, "v", m.Version, "in", map[string]any{"status": "CANCELLED"}, "planned", nil, "text", nil)
		a.refuseCalendar(createMilestoneMutation, "BAD_USER_INPUT", "title",
			"in", map[string]any{"title": "  "}, "planned", "2018", "text", nil)
	})
}

// calendarSeed is the pact's calendar of spring and summer 2018.
type calendarSeed struct {
	approval, conference, firstMeeting, sameDay          int // meetings
	letters, targets, slipped, done, cancelled, tooEarly int // milestones
	round                                                int
}

func seedCalendar(t *testing.T, c *ent.Client, w world) calendarSeed {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	meet := func(title, when, text string) int {
		return c.Meeting.Create().SetBodyID(w.body).SetTitle(title).SetWhen(dates.MustParseFuzzy(when)).SetWhenText(text).SaveX(ctx).ID
	}
	mile := func(title, planned string, s milestone.Status) int {
		return c.Milestone.Create().SetTitle(title).SetPlanned(dates.MustParseFuzzy(planned)).SetStatus(s).SaveX(ctx).ID
	}
	var s calendarSeed
	// Created out of date order, so that the order must come from sorting.
	s.firstMeeting = meet("Første møde i rådet", "2018-06-early", "primo juni 2018")
	s.targets = mile("Kvantitative mål fastsættes", "2018-06-early", milestone.StatusPLANNED)
	s.sameDay = meet("Møde i STEM-sekretariatet", "2018-06-early", "")
	s.conference = meet("Teknologipagtkonference", "2018-05", "maj 2018")
	s.approval = meet("Regionsrådet godkender teknologipagten", "2018-04-25", "")
	s.letters = mile("Udpegningsbreve", "2018-03-late", milestone.StatusPLANNED)
	s.slipped = mile("Indkaldelse til STEM-sekretariatet", "2018-06-mid", milestone.StatusSLIPPED)
	s.done = mile("Prioritering af uddannelsespuljemidler", "2018-04-11", milestone.StatusDONE)
	s.cancelled = mile("Aflyst milepæl", "2018-05", milestone.StatusCANCELLED)
	s.tooEarly = mile("Vækstforum godkender", "2018-03-19", milestone.StatusPLANNED)
	pool := c.FundingPool.Create().SetName("Uddannelsespuljen").SetOwnerID(w.org).SaveX(ctx)
	s.round = c.FundingRound.Create().SetPoolID(pool.ID).SetName("Første runde").SetDeadline(dates.MustParse("2018-08-15")).
		SetBudget(decimal.RequireFromString("5000000")).SaveX(ctx).ID
	return s
}

func (a *api) upcoming(from any, days int) []calItem {
	a.t.Helper()
	var out struct{ Upcoming []calItem }
	a.do(upcomingQuery, &out, "from", from, "days", days)
	return out.Upcoming
}

// calKey is an item as "KIND id".
func calKey(it calItem) string {
	switch {
	case it.Meeting != nil:
		return it.Kind + " " + it.Meeting.ID
	case it.Milestone != nil:
		return it.Kind + " " + it.Milestone.ID
	case it.Round != nil:
		return it.Kind + " " + it.Round.ID
	}
	return it.Kind + " ?"
}

func calKeys(items []calItem) []string {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = calKey(it)
	}
	return keys
}

func TestCalendarUpcoming(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		s := seedCalendar(t, db.Client, w)
		key := func(kind string, id int) string { return kind + " " + strconv.Itoa(id) }
		meeting := func(id int) string { return key("MEETING", id) }
		milestone := func(id int) string { return key("MILESTONE", id) }
		deadline := key("FUNDING_DEADLINE", s.round)

		items := a.upcoming("2018-03-25", 180) // to 2018-09-21
		want := []string{
			milestone(s.letters),    // 2018-03-21..31: overlaps the start
			meeting(s.approval),     // 2018-04-25
			meeting(s.conference),   // 2018-05-01
			meeting(s.firstMeeting), // 2018-06-01: meetings before milestones on a day,
			meeting(s.sameDay),      // then by id
			milestone(s.targets),    // 2018-06-01
			milestone(s.slipped),    // 2018-06-11 (SLIPPED is still to come)
			deadline,                // 2018-08-15
		}
		if got := calKeys(items); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("upcoming = %v, want %v", got, want)
		}
		first := items[3]
		if first.Title != "Første møde i rådet" || first.Meeting.Title != first.Title ||
			first.Date != (calFuzzy{"2018-06-early", "primo juni 2018", "EARLY_MONTH", "2018-06-01", "2018-06-10"}) {
			t.Errorf("meeting item: %+v", first)
		}
		if it := items[6]; it.Title != "Indkaldelse til STEM-sekretariatet" || it.Milestone.Status != "SLIPPED" || it.Date.Precision != "MID_MONTH" {
			t.Errorf("milestone item: %+v", it)
		}
		if it := items[7]; it.Title != "Ansøgningsfrist: Første runde" || it.Round.Name != "Første runde" ||
			it.Date != (calFuzzy{"2018-08-15", "2018-08-15", "DAY", "2018-08-15", "2018-08-15"}) {
			t.Errorf("deadline item: %+v", it)
		}

		// Overlap at the edges of the window.
		for _, tc := range []struct {
			from string
			days int
			want []string
		}{
			{"2018-06-10", 0, []string{meeting(s.firstMeeting), meeting(s.sameDay), milestone(s.targets)}},                         // last day of "primo juni"
			{"2018-06-11", 0, []string{milestone(s.slipped)}},                                                                      // early June is over
			{"2018-05-21", 10, []string{meeting(s.conference)}},                                                                    // to 2018-05-31
			{"2018-05-22", 10, []string{meeting(s.conference), meeting(s.firstMeeting), meeting(s.sameDay), milestone(s.targets)}}, // to 2018-06-01
			{"2018-08-15", 0, []string{deadline}},
			{"2018-08-14", 0, nil},
			{"2018-08-14", 1, []string{deadline}},
			{"2018-08-16", 3660, nil},
			{"2018-03-19", 0, []string{milestone(s.tooEarly)}},
			{"2018-04-11", 0, nil}, // only a DONE milestone that day
		} {
			got := calKeys(a.upcoming(tc.from, tc.days))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("upcoming(%s, %d) = %v, want %v", tc.from, tc.days, got, tc.want)
			}
		}

		// Bad windows.
		a.fails(upcomingQuery, "BAD_USER_INPUT", "days", "from", "2018-01-01", "days", -1)
		a.fails(upcomingQuery, "BAD_USER_INPUT", "days", "from", "2018-01-01", "days", 3661)
		a.fails(upcomingQuery, "BAD_USER_INPUT", "from", "from", "2018-02-30", "days", 10)
	})
}

func TestCalendarUpcomingDefaultsToToday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		today := dates.TodayInDenmark()
		db.Client.Meeting.Create().SetBodyID(w.body).SetTitle("I dag").SetWhen(dates.MustParseFuzzy(today.String())).ExecX(ctx)
		db.Client.Meeting.Create().SetBodyID(w.body).SetTitle("I går").SetWhen(dates.MustParseFuzzy(today.AddDays(-1).String())).ExecX(ctx)
		var out struct{ Upcoming []calItem }
		a.do(`{ upcoming(days: 0) { title } }`, &out)
		if len(out.Upcoming) != 1 || out.Upcoming[0].Title != "I dag" {
			t.Errorf("upcoming today = %+v", out.Upcoming)
		}
		// The default window is 180 days.
		a.do(`{ upcoming { title } }`, &out)
		if len(out.Upcoming) != 1 {
			t.Errorf("upcoming default = %+v", out.Upcoming)
		}
	})
}

const meetingsByOverlap = `query($w: MeetingWhereInput, $o: MeetingOrder) {
  meetings(where: $w, orderBy: $o) { totalCount edges { node { title when { value } } } } }`

func TestCalendarMeetingsConnectionByOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		ctx := authz.SystemContext(context.Background())
		for _, when := range []string{"2018-06-early", "2018-05", "2018-Q2", "2018-06-mid", "2018", "2018-W22", "2017-W50", "2018-06-10"} {
			db.Client.Meeting.Create().SetBodyID(w.body).SetTitle("Møde " + when).SetWhen(dates.MustParseFuzzy(when)).ExecX(ctx)
		}
		values := func(where, order map[string]any) []string {
			t.Helper()
			var out struct {
				Meetings struct {
					TotalCount int
					Edges      []struct {
						Node struct{ When struct{ Value string } }
					}
				}
			}
			a.as(authz.Anonymous).do(meetingsByOverlap, &out, "w", where, "o", order)
			var vs []string
			for _, e := range out.Meetings.Edges {
				vs = append(vs, e.Node.When.Value)
			}
			if out.Meetings.TotalCount != len(vs) {
				t.Errorf("totalCount %d, edges %d", out.Meetings.TotalCount, len(vs))
			}
			return vs
		}
		// Meetings whose date overlaps 1–10 June 2018, by earliest day.
		overlap := map[string]any{"whenEarliestLTE": "2018-06-10", "whenLatestGTE": "2018-06-01"}
		got := values(overlap, map[string]any{"field": "WHEN"})
		if want := "2018,2018-Q2,2018-W22,2018-06-early,2018-06-10"; strings.Join(got, ",") != want {
			t.Errorf("overlap ascending = %v, want %s", got, want)
		}
		got = values(overlap, map[string]any{"field": "WHEN", "direction": "DESC"})
		if want := "2018-06-10,2018-06-early,2018-W22,2018-Q2,2018"; strings.Join(got, ",") != want {
			t.Errorf("overlap descending = %v, want %s", got, want)
		}
		// All of them by earliest day.
		got = values(nil, map[string]any{"field": "WHEN"})
		if want := "2017-W50,2018,2018-Q2,2018-05,2018-W22,2018-06-early,2018-06-10,2018-06-mid"; strings.Join(got, ",") != want {
			t.Errorf("all by WHEN = %v, want %s", got, want)
		}
	})
}

func TestCalendarAnonymousReadsButCannotWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		s := seedCalendar(t, db.Client, w)
		anon := a.as(authz.Anonymous)
		if items := anon.upcoming("2018-03-25", 180); len(items) != 8 {
			t.Errorf("anonymous upcoming: %d items", len(items))
		}
		var node struct{ Node calMeeting }
		anon.do(meetingNodeQuery, &node, "id", s.firstMeeting)
		if node.Node.When.Text != "primo juni 2018" {
			t.Errorf("anonymous meeting read: %+v", node.Node)
		}
		var ms struct {
			Node struct{ Planned calFuzzy } `json:"node"`
		}
		anon.do(`query($id: ID!) { node(id: $id) { ... on Milestone { planned `+calFuzzyFields+` } } }`, &ms, "id", s.letters)
		if ms.Node.Planned.Value != "2018-03-late" {
			t.Errorf("anonymous milestone read: %+v", ms.Node)
		}
		for _, c := range []*api{anon, a.as(authz.Reader)} {
			c.refuseCalendar(createMeetingMutation, "FORBIDDEN", "",
				"in", map[string]any{"bodyID": w.body, "title": "Møde"}, "when", "2018-05", "text", nil)
			c.refuseCalendar(updateMeetingMutation, "FORBIDDEN", "",
				"id", s.firstMeeting, "v", 1, "in", map[string]any{"title": "Ændret"}, "when", "2018-07", "text", nil)
			c.refuseCalendar(createMilestoneMutation, "FORBIDDEN", "",
				"in", map[string]any{"title": "Milepæl"}, "planned", "2018-05", "text", nil)
			c.refuseCalendar(updateMilestoneMutation, "FORBIDDEN", "",
				"id", s.letters, "v", 1, "in", map[string]any{"status": "DONE"}, "planned", nil, "text", nil)
		}
		ctx := authz.SystemContext(context.Background())
		if m := db.Client.Meeting.GetX(ctx, s.firstMeeting); m.Version != 1 || m.Title != "Første møde i rådet" || m.When.String() != "2018-06-early" {
			t.Errorf("a forbidden update changed the meeting: %+v", m)
		}
		if m := db.Client.Milestone.GetX(ctx, s.letters); m.Version != 1 || m.Status != milestone.StatusPLANNED {
			t.Errorf("a forbidden update changed the milestone: %+v", m)
		}
	})
}

// TestCalendarUpcomingIsThreeQueries: the window is selected in SQL, one
// statement per kind, however much the calendar holds.
func TestCalendarUpcomingIsThreeQueries(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			var counter storetest.Counter
			db := storetest.Open(t, backend, storetest.Options{Wrap: counter.Wrap})
			anon := newAPI(t, db).as(authz.Anonymous)
			w := seedWorld(t, db.Client)
			for range 3 {
				seedCalendar(t, db.Client, w)
			}
			counter.Reset()
			var out struct{ Upcoming []struct{ Title string } }
			anon.do(`{ upcoming(from: "2018-03-25", days: 180) { title date { value } } }`, &out)
			if n := counter.N(); n != 3 {
				t.Errorf("upcoming sent %d statements, want 3", n)
			}
			if len(out.Upcoming) != 3*8 {
				t.Errorf("upcoming: %d items, want %d", len(out.Upcoming), 3*8)
			}
		})
	}
}

// Year 0 exists for Go and for SQLite's text, not for PostgreSQL's DATE
// (INTERNAL there, stored on SQLite); dates outside the years 1000–9999
// are BAD_USER_INPUT on every path from a client.
func TestCalendarOutOfRangeYearsAreBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		check := func(what, field string, errs []gqlError) {
			t.Helper()
			if len(errs) != 1 || errs[0].code() != "BAD_USER_INPUT" || (field != "" && errs[0].field() != field) {
				t.Errorf("%s: want BAD_USER_INPUT on %q, got %+v", what, field, errs)
			}
		}
		for _, when := range []string{"0000", "0001-01-01", "0000-Q1", "0999-12", "0000-06-late"} {
			check("createMeeting(when: "+when+")", "when", a.try(createMeetingMutation, nil,
				"in", map[string]any{"bodyID": w.body, "title": "Møde"}, "when", when, "text", nil))
		}
		check("createIndicator(baselineOn: 0000-12-31)", "", a.try(createIndicatorQ, nil,
			"in", map[string]any{"code": "Z", "name": "Z", "unit": "COUNT", "baselineOn": "0000-12-31"}))
		for _, from := range []string{"0000-06-01", "0001-01-01"} {
			check("upcoming(from: "+from+")", "", a.try(upcomingQuery, nil, "from", from, "days", 10))
		}
	})
}

// upcoming's window may end after 9999-12-31; SQLite compared the end date
// as text ("10000-01-04" < "9999-12-30") and found nothing. The window is
// clamped to 9999-12-31.
func TestCalendarUpcomingAcrossYear9999(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		w := seedWorld(t, db.Client)
		a.createMeeting(w.body, "Sidste møde", "9999-12-30", nil)
		if items := a.upcoming("9999-12-25", 10); len(items) != 1 {
			t.Errorf("upcoming(from: 9999-12-25, days: 10) = %+v, want the meeting of 9999-12-30", items)
		}
		if items := a.upcoming("9999-12-25", 5); len(items) != 1 {
			t.Errorf("upcoming(from: 9999-12-25, days: 5) = %+v, want the meeting of 9999-12-30", items)
		}
	})
}
