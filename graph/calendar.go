package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/fundinground"
	"github.com/pactreg/pactreg/ent/meeting"
	"github.com/pactreg/pactreg/ent/milestone"
	"github.com/pactreg/pactreg/graph/generated"
)

// fuzzyDate is a stored date as written (f, with the source's words text)
// as GraphQL shows it. Without words, the text is the value itself.
func fuzzyDate(f dates.Fuzzy, text string) *generated.FuzzyDate {
	if text == "" {
		text = f.String()
	}
	return &generated.FuzzyDate{
		Value:     f.String(),
		Text:      text,
		Precision: generated.DatePrecision(f.Precision),
		Earliest:  f.Earliest,
		Latest:    f.Latest,
	}
}

// dateArgs are the date arguments of a calendar mutation: the text form of
// a fuzzy date (when / planned) and the source's words (whenText /
// plannedText).
type dateArgs struct {
	// value is the new date, nil to keep it (updates only).
	value *dates.Fuzzy
	// words are the new words, nil for none (or to keep them).
	words *string
	// clearWords drops the stored words: blank words were given, or the
	// date changed without words (the old ones would describe the old
	// date).
	clearWords bool
}

// parseDateArgs reads the date argument named field (value, nil when an
// update leaves the date alone) and its words (text). A date that is not
// in one of the forms of dates.Fuzzy is BAD_USER_INPUT on field.
func parseDateArgs(field string, value, text *string) (dateArgs, error) {
	var a dateArgs
	if value != nil {
		f, err := dates.ParseFuzzy(*value)
		var fe *dates.FuzzyError
		if errors.As(err, &fe) {
			return a, apperr.BadInput(field, "%s", fe.Error())
		}
		if err != nil {
			return a, err
		}
		a.value = &f
	}
	switch {
	case text != nil && strings.TrimSpace(*text) != "":
		w := strings.TrimSpace(*text)
		a.words = &w
	case text != nil || value != nil:
		a.clearWords = true
	}
	return a, nil
}

// The longest window upcoming looks ahead: about ten years.
const maxUpcomingDays = 3660

// calendarEntry is an item of the calendar with what orders it.
type calendarEntry struct {
	item *generated.CalendarItem
	id   int
}

// kindOrder orders items of the same day: meetings, milestones, deadlines
// (the order of CalendarKind).
func kindOrder(k generated.CalendarKind) int {
	return slices.Index(generated.AllCalendarKind, k)
}

// upcoming is the calendar of [from, from+days] (from defaults to today in
// Denmark): meetings and milestones (PLANNED or SLIPPED: not DONE or
// CANCELLED) whose interval overlaps the window and funding rounds whose
// deadline falls in it, in date order (earliest day, then kind, then id).
// A deadline is a DAY-precision date titled "Ansøgningsfrist: <round
// name>". The overlap is selected in SQL on the interval columns: three
// queries whatever the size of the registry.
func upcoming(ctx context.Context, c *ent.Client, from *dates.Date, days int) ([]*generated.CalendarItem, error) {
	if days < 0 || days > maxUpcomingDays {
		return nil, apperr.BadInput("days", "days must be from 0 to %d, got %d", maxUpcomingDays, days)
	}
	start := dates.OrToday(from)
	end := start.AddDays(days)
	// A window past the last date a client can write ends there: SQLite
	// compares dates as text, and "10000-01-04" sorts before "9999-12-30".
	if last := dates.Last(); end.After(last) {
		end = last
	}
	meetings, err := c.Meeting.Query().
		Where(meeting.WhenEarliestLTE(end), meeting.WhenLatestGTE(start)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	milestones, err := c.Milestone.Query().
		Where(milestone.PlannedEarliestLTE(end), milestone.PlannedLatestGTE(start),
			milestone.StatusIn(milestone.StatusPLANNED, milestone.StatusSLIPPED)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	rounds, err := c.FundingRound.Query().
		Where(fundinground.DeadlineGTE(start), fundinground.DeadlineLTE(end)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	entries := make([]calendarEntry, 0, len(meetings)+len(milestones)+len(rounds))
	for _, m := range meetings {
		entries = append(entries, calendarEntry{id: m.ID, item: &generated.CalendarItem{
			Kind: generated.CalendarKindMeeting, Date: fuzzyDate(m.When, m.WhenText), Title: m.Title, Meeting: m,
		}})
	}
	for _, m := range milestones {
		entries = append(entries, calendarEntry{id: m.ID, item: &generated.CalendarItem{
			Kind: generated.CalendarKindMilestone, Date: fuzzyDate(m.Planned, m.PlannedText), Title: m.Title, Milestone: m,
		}})
	}
	for _, r := range rounds {
		day, err := dates.ParseFuzzy(r.Deadline.String())
		if err != nil {
			return nil, fmt.Errorf("deadline of funding round %d: %w", r.ID, err)
		}
		entries = append(entries, calendarEntry{id: r.ID, item: &generated.CalendarItem{
			Kind: generated.CalendarKindFundingDeadline, Date: fuzzyDate(day, ""), Title: "Ansøgningsfrist: " + r.Name, FundingRound: r,
		}})
	}
	slices.SortFunc(entries, func(a, b calendarEntry) int {
		return cmp.Or(
			a.item.Date.Earliest.Compare(b.item.Date.Earliest),
			cmp.Compare(kindOrder(a.item.Kind), kindOrder(b.item.Kind)),
			cmp.Compare(a.id, b.id),
		)
	})
	items := make([]*generated.CalendarItem, len(entries))
	for i, e := range entries {
		items[i] = e.item
	}
	return items, nil
}
