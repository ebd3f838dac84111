package main

// The harness's dataset (/work/shared/bench/seed.sql) as pure functions of
// the row number, and the plan that maps it onto pactreg's rules. Nothing
// here touches a database: the plan is computed first, then written.

import (
	"fmt"
	"math"
	"slices"

	"github.com/pactreg/pactreg/ent/dk"
	"github.com/pactreg/pactreg/ent/vocab"
)

// Scale is one of seed.sql's two sizes.
type Scale struct {
	Name                                      string
	Orgs, Bodies, Seats, People, Appointments int
}

// Scales are seed.sql's `values` table.
var Scales = map[string]Scale{
	"small": {"small", 50, 5, 60, 200, 400},
	"large": {"large", 5000, 200, 10000, 20000, 50000},
}

// --- organisation i (1-based) ---------------------------------------------

// seedKinds is seed.sql's array, indexed by i % 6, and the pactreg kind
// each maps to.
var seedKinds = [6]struct {
	seed string
	kind vocab.OrganisationKind
}{
	{"union", vocab.TradeUnion},
	{"employers", vocab.EmployerOrganisation},
	{"ministry", vocab.Government},
	{"municipality", vocab.Municipality},
	{"region", vocab.Region},
	{"ngo", vocab.OtherOrganisation},
}

func orgName(i int) string { return fmt.Sprintf("Organisation %d", i) }

func orgKind(i int) vocab.OrganisationKind { return seedKinds[i%6].kind }

// orgSeedCVR is seed.sql's cvr: null when i % 4 = 0, else
// lpad((i * 7919) % 100000000, 8, '0').
func orgSeedCVR(i int) (string, bool) {
	if i%4 == 0 {
		return "", false
	}
	return fmt.Sprintf("%08d", (int64(i)*7919)%100000000), true
}

// orgCVR is what pactreg stores: the seed's cvr when it is a valid CVR
// number (8 digits, no leading 0, modulus 11), else nothing.
func orgCVR(i int) (string, bool) {
	s, ok := orgSeedCVR(i)
	if !ok || dk.ValidateCVR(s) != nil {
		return "", false
	}
	return s, true
}

// --- body i ------------------------------------------------------------

func bodyName(i int) string { return fmt.Sprintf("Body %d", i) }

// bodyParent is seed.sql's parent_id (0: none): one root per 10 bodies
// (at least one), every other body a sub-committee of a root. pactreg has
// no parent edge; the loader only uses it to pick the kind.
func (s Scale) bodyParent(i int) int {
	roots := max(s.Bodies/10, 1)
	if i <= roots {
		return 0
	}
	return (i-1)%roots + 1
}

// bodyKind: roots are councils, sub-committees committees.
func (s Scale) bodyKind(i int) vocab.BodyKind {
	if s.bodyParent(i) == 0 {
		return vocab.Council
	}
	return vocab.Committee
}

// --- seat i (a pactreg seat allocation) --------------------------------

func (s Scale) seatBody(i int) int { return (i-1)%s.Bodies + 1 }

// seatOrg is seed.sql's organisation_id: none for every 10th seat.
func (s Scale) seatOrg(i int) (int, bool) {
	if i%10 == 0 {
		return 0, false
	}
	return s.formulaOrg(i), true
}

// formulaOrg is ((i * 37) % n_org) + 1 without the every-10th exception.
func (s Scale) formulaOrg(i int) int { return (i*37)%s.Orgs + 1 }

// seatLabel is the constituency, or "Seat i" where seed.sql has none
// (pactreg's label is required).
func seatLabel(i int) string {
	if i%3 == 0 {
		return fmt.Sprintf("Seat %d", i)
	}
	return fmt.Sprintf("Constituency %d", i%17+1)
}

// seedRoles is seed.sql's role array, indexed by i % 6, mapped.
var seedRoles = [6]vocab.SeatRole{vocab.Chair, vocab.ViceChair, vocab.Member, vocab.Member, vocab.Member, vocab.Observer}

func seatSeedRole(i int) vocab.SeatRole { return seedRoles[i%6] }

// --- person i ----------------------------------------------------------

func personName(i int) string { return fmt.Sprintf("Person %d", i) }

func personEmail(i int) (string, bool) {
	if i%7 == 0 {
		return "", false
	}
	return fmt.Sprintf("person%d@example.org", i), true
}

// --- appointment i -----------------------------------------------------

// openEnd stands for an open-ended term in day arithmetic.
const openEnd = math.MaxInt32

func (s Scale) appSeat(i int) int { return (i-1)%s.Seats + 1 }

func (s Scale) appPerson(i int) int {
	return int((int64(i)*7919+int64((i-1)/s.Seats))%int64(s.People)) + 1
}

// appStart is the start as days after 2000-01-01.
func appStart(i int) int { return (i * 97) % 9000 }

// appEnd is the end as days after 2000-01-01 (inclusive in pactreg), or
// openEnd for the one in three that is current.
func appEnd(i int) int {
	if i%3 == 0 {
		return openEnd
	}
	return appStart(i) + 365*(1+i%4)
}

// --- the plan --------------------------------------------------------------

// Plan is how the dataset is written into pactreg.
type Plan struct {
	Scale Scale
	// SeatApps[s] lists seat s's appointments (seed ids, ascending).
	SeatApps [][]int
	// BodySeats[b] lists body b's seats (seed ids, ascending = position).
	BodySeats [][]int
	// Seats[s] is allocation s's number of seats: the most of its
	// appointments that overlap on any day (at least 1).
	Seats []int
	// Role[s] is allocation s's role after the one-chair rule.
	Role []vocab.SeatRole
	// OnBehalfOf[i] is appointment i's organisation (seed id).
	OnBehalfOf []int

	// Statistics of the mapping, for the report.
	ValidCVRs, SeedCVRs         int
	Demoted                     map[vocab.SeatRole]int
	Kept                        map[vocab.SeatRole]int
	SeatsHist                   map[int]int
	SeatsSum                    int
	OnBehalfOfStandIn           int
	SamePersonOverlaps          int
	MaxSeatsPerBody, MaxAppsPer int
}

type span struct{ from, to int } // inclusive days; to may be openEnd

func (s Scale) span(i int) span { return span{appStart(i), appEnd(i)} }

// peakOverlap is the most spans that cover one day, with pactreg's
// semantics: both ends inclusive, so a term ending on day d and one
// starting on d+1 do not overlap.
func peakOverlap(spans []span) int {
	type event struct{ day, delta int }
	evs := make([]event, 0, 2*len(spans))
	for _, sp := range spans {
		evs = append(evs, event{sp.from, +1})
		if sp.to != openEnd {
			evs = append(evs, event{sp.to + 1, -1})
		}
	}
	slices.SortFunc(evs, func(a, b event) int {
		if a.day != b.day {
			return a.day - b.day
		}
		return a.delta - b.delta // ends before starts on the same day
	})
	n, best := 0, 0
	for _, e := range evs {
		n += e.delta
		best = max(best, n)
	}
	return best
}

func overlaps(a, b span) bool { return a.from <= b.to && b.from <= a.to }

// NewPlan computes the mapping for scale s.
func NewPlan(s Scale) *Plan {
	p := &Plan{
		Scale:      s,
		SeatApps:   make([][]int, s.Seats+1),
		BodySeats:  make([][]int, s.Bodies+1),
		Seats:      make([]int, s.Seats+1),
		Role:       make([]vocab.SeatRole, s.Seats+1),
		OnBehalfOf: make([]int, s.Appointments+1),
		Demoted:    map[vocab.SeatRole]int{},
		Kept:       map[vocab.SeatRole]int{},
		SeatsHist:  map[int]int{},
	}
	for i := 1; i <= s.Orgs; i++ {
		if _, ok := orgSeedCVR(i); ok {
			p.SeedCVRs++
		}
		if _, ok := orgCVR(i); ok {
			p.ValidCVRs++
		}
	}
	for i := 1; i <= s.Appointments; i++ {
		seat := s.appSeat(i)
		p.SeatApps[seat] = append(p.SeatApps[seat], i)
		if o, ok := s.seatOrg(seat); ok {
			p.OnBehalfOf[i] = o
		} else {
			p.OnBehalfOf[i] = s.formulaOrg(seat)
			p.OnBehalfOfStandIn++
		}
	}
	spansOf := func(seat int) []span {
		out := make([]span, len(p.SeatApps[seat]))
		for k, i := range p.SeatApps[seat] {
			out[k] = s.span(i)
		}
		return out
	}
	for seat := 1; seat <= s.Seats; seat++ {
		b := s.seatBody(seat)
		p.BodySeats[b] = append(p.BodySeats[b], seat)
		p.Seats[seat] = max(1, peakOverlap(spansOf(seat)))
		p.SeatsHist[p.Seats[seat]]++
		p.SeatsSum += p.Seats[seat]
		p.Role[seat] = seatSeedRole(seat)
		p.MaxAppsPer = max(p.MaxAppsPer, len(p.SeatApps[seat]))
		apps := p.SeatApps[seat]
		for x := range apps {
			for y := x + 1; y < len(apps); y++ {
				if s.appPerson(apps[x]) == s.appPerson(apps[y]) && overlaps(s.span(apps[x]), s.span(apps[y])) {
					p.SamePersonOverlaps++
				}
			}
		}
	}
	// One CHAIR and one VICE_CHAIR per body on any day: walk each body's
	// allocations of that role in position order and keep the role while
	// no two of the appointments kept under it overlap; the others become
	// MEMBER.
	for b := 1; b <= s.Bodies; b++ {
		p.MaxSeatsPerBody = max(p.MaxSeatsPerBody, len(p.BodySeats[b]))
		for _, role := range []vocab.SeatRole{vocab.Chair, vocab.ViceChair} {
			var kept []span
			for _, seat := range p.BodySeats[b] {
				if p.Role[seat] != role {
					continue
				}
				with := append(slices.Clone(kept), spansOf(seat)...)
				if peakOverlap(with) <= 1 {
					kept = with
					p.Kept[role]++
				} else {
					p.Role[seat] = vocab.Member
					p.Demoted[role]++
				}
			}
		}
	}
	return p
}
