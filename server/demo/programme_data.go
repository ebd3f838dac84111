package demo

import (
	"fmt"

	"github.com/pactreg/pactreg/ent/decision"
	"github.com/pactreg/pactreg/ent/indicator"
	"github.com/pactreg/pactreg/ent/milestone"
	"github.com/pactreg/pactreg/ent/partnership"
)

// The programme of the technology pact: the pacts and agreements, the
// decisions behind them, the STEM barometer, the calendar of the "next six
// months" and the education pool, as the seed gives them. Where the seed
// gives no value for something the schema requires, the comment at the
// row says what was chosen and why.

// Names the programme tables refer to more than once.
const (
	nationalPact  = "Teknologipagten"
	regionalPact  = "Teknologipagt i Region Midtjylland"
	stemBarometer = "STEM-barometer"
	stemShare     = "stem-andel-arbejdsstyrke"
	educationPool = "Uddannelsespuljen"
)

// partnershipRow is a pact or agreement; derivedFrom names a partnership
// listed earlier in the table, bodies name bodies.
type partnershipRow struct {
	name        string
	kind        partnership.Kind
	description string
	status      partnership.Status
	approvedOn  string
	derivedFrom string
	bodies      []string
}

func (r partnershipRow) describe() string { return fmt.Sprintf("partnership %q", r.name) }

// partnerships. The seed dates none of the steps of the national pact or of
// the growth partnership agreement, so both keep the schema's first status
// (DRAFT) and no dates: the seed calls the national pact "en kommende
// teknologipagt". The regional pact is APPROVED on 25 April 2018; it is
// signed "på en teknologipagtskonference i maj 2018", a month without a
// day, so it is not recorded as SIGNED (signed_on would need a day the
// seed does not give).
var partnerships = []partnershipRow{
	{
		name: nationalPact, kind: partnership.KindNATIONAL_PACT,
		description: "Den nationale teknologipagt, som Region Midtjyllands teknologipagt tager udgangspunkt i.",
	},
	{
		name: "Vækstpartnerskabsaftale", kind: partnership.KindGROWTH_PARTNERSHIP_AGREEMENT,
		description: "Vækstpartnerskabsaftale med regeringen: ”Region Midtjylland vil bidrage og samarbejde med " +
			"regeringen om udviklingen af en kommende teknologipagt”.",
	},
	{
		name: regionalPact, kind: partnership.KindTECHNOLOGY_PACT,
		description: "Region Midtjyllands teknologipagt med udgangspunkt i den nationale teknologipagt. Forslaget " +
			"er udarbejdet af forprojektgruppen og godkendes af Vækstforum den 19. marts 2018 og af regionsrådet " +
			"den 25. april 2018. Teknologipagten lanceres og underskrives på en teknologipagtskonference i maj 2018.",
		status:      partnership.StatusAPPROVED,
		approvedOn:  pactApproved,
		derivedFrom: nationalPact,
		bodies:      []string{councilName, stemSecretariat, preProjectGroup},
	},
}

// signatoryRow: org signs partnership (no day: the seed gives none).
type signatoryRow struct {
	partnership, org string
}

func (r signatoryRow) describe() string {
	return fmt.Sprintf("signatory %q of %q", r.org, r.partnership)
}

// signatories: the seed names no other signatory than the region, which
// holds the conference where the pact is signed.
var signatories = []signatoryRow{
	{regionalPact, regionName},
}

// decisionRow is what body decided on the day on, about partnership.
type decisionRow struct {
	body, on    string
	title       string
	description string
	outcome     decision.Outcome
	partnership string
}

func (r decisionRow) describe() string { return fmt.Sprintf("decision of %q on %s", r.body, r.on) }

// decisions, by day. The seed says "til godkendelse" for 19 March and
// 25 April (APPROVED); Vækstforum's mandate of 12 September 2017 set up
// Forprojektgruppen (APPROVED); for 11 April 2018 it says only that the
// committee "behandler" the prioritisation, with no outcome: NOTED, the
// outcome that claims least.
var decisions = []decisionRow{
	{
		body: vaekstforum, on: "2017-09-12",
		title: "Mandat til forprojektgruppen: forslag til Region Midtjyllands teknologipagt",
		description: "Produktet af forprojektgruppens arbejde bliver et forslag til Region Midtjyllands teknologipagt, " +
			"et grundlag for implementeringen heraf, samt et forslag til et partnerskab, som skal sikre " +
			"eksekvering heraf. Vækstforum får forslaget til godkendelse den 19. marts 2018 og regionsrådet " +
			"den 25. april 2018.",
		outcome: decision.OutcomeAPPROVED, partnership: regionalPact,
	},
	{
		body: vaekstforum, on: "2018-03-19",
		title:       "Godkendelse af forslag til Region Midtjyllands teknologipagt",
		description: "Vækstforum får forslaget til godkendelse den 19. marts 2018.",
		outcome:     decision.OutcomeAPPROVED, partnership: regionalPact,
	},
	{
		body: regionalDevelopment, on: "2018-04-11",
		title:       "Prioritering af uddannelsespuljemidler",
		description: "Udvalget for Regional Udvikling behandler prioriteringen af uddannelsespuljemidler den 11. april 2018.",
		outcome:     decision.OutcomeNOTED, partnership: regionalPact,
	},
	{
		body: regionsraadet, on: pactApproved,
		title:       "Godkendelse af teknologipagt",
		description: "Regionsrådet godkender teknologipagten den 25. april 2018.",
		outcome:     decision.OutcomeAPPROVED, partnership: regionalPact,
	},
}

// themeRow is a theme of the initiatives.
type themeRow struct{ name string }

func (r themeRow) describe() string { return fmt.Sprintf("theme %q", r.name) }

// themes: the seed's slide "Indsatser og temaer" has a title and no
// content. The one theme is taken from what the seed does say: the STEM
// secretariat and the STEM barometer.
var themes = []themeRow{{"STEM"}}

// initiativeRow is an initiative of partnership led by lead, in themes.
type initiativeRow struct {
	title, description string
	partnership, lead  string
	themes             []string
}

func (r initiativeRow) describe() string { return fmt.Sprintf("initiative %q", r.title) }

// initiatives: the STEM barometer, one of STEM-sekretariatet's first tasks
// (led by the secretariat's owner, the region). It keeps the schema's
// first status, PROPOSED: the seed is the proposal, and the secretariat is
// still to "kvalificere indsatserne". No budget, dates or evaluations:
// the seed gives none.
var initiatives = []initiativeRow{
	{
		title: stemBarometer,
		description: "Monitorering af teknologipagten med et STEM-barometer; derudover evaluering af de enkelte " +
			"indsatser. STEM-sekretariatets første opgaver består i at kvalificere indsatserne i teknologipagten " +
			"og udarbejde et STEM-barometer.",
		partnership: regionalPact, lead: regionName, themes: []string{"STEM"},
	},
}

// mandateLinkRow links task (numbered from 1) of body's mandate to an
// initiative.
type mandateLinkRow struct {
	body       string
	task       int
	initiative string
}

func (r mandateLinkRow) describe() string {
	return fmt.Sprintf("mandate link of task %d of %q to %q", r.task, r.body, r.initiative)
}

// mandateLinks: the council's task 8, "Sikre fremdriften af den midtjyske
// teknologipagt …", is carried out through the barometer that follows the
// pact's progress.
var mandateLinks = []mandateLinkRow{
	{councilName, 8, stemBarometer},
}

// indicatorRow is a measure of the STEM barometer; initiatives name the
// initiatives it belongs to.
type indicatorRow struct {
	code, name, description string
	unit                    indicator.Unit
	direction               indicator.Direction
	initiatives             []string
}

func (r indicatorRow) describe() string { return fmt.Sprintf("indicator %q", r.code) }

// indicators: the seed's example of a quantitative target. Its code is the
// demo's (the seed has none); it has no baseline and no observations (the
// seed gives none).
var indicators = []indicatorRow{
	{
		code: stemShare, name: "Andel af arbejdsstyrken med en STEM-uddannelse",
		description: "Eks. kvantitativ målsætning: I 2030 udgør andelen af arbejdsstyrken med en STEM uddannelse x %. " +
			"Rådet for fremtidens kompetencer fastsætter de kvantitative målsætninger for den midtjyske teknologipagt.",
		unit: indicator.UnitPERCENT, direction: indicator.DirectionHIGHER_IS_BETTER,
		initiatives: []string{stemBarometer},
	},
}

// targetRow is the target of the indicator coded indicator for year;
// value "" is undecided.
type targetRow struct {
	indicator string
	year      int
	value     string
}

func (r targetRow) describe() string { return fmt.Sprintf("target %d of %q", r.year, r.indicator) }

// targets: "I 2030 udgør andelen … x %": the year is set, the value is
// for the council to decide.
var targets = []targetRow{
	{stemShare, 2030, ""},
}

// asWritten is a date as the seed writes it: its text form (see
// dates.Fuzzy) and the seed's own words.
type asWritten struct{ form, words string }

// meetingRow is a meeting of body.
type meetingRow struct {
	body, title string
	when        asWritten
	agenda      []string
}

func (r meetingRow) describe() string { return fmt.Sprintf("meeting %q of %q", r.title, r.body) }

// meetings: those the seed dates. The bilateral meetings with relevant
// actors ("billaterale møder") have neither a day nor a body, and are not
// recorded.
var meetings = []meetingRow{
	{body: preProjectGroup, title: "Møde i forprojektgruppen", when: asWritten{"2017-10-31", "31.10.2017"}},
	{body: preProjectGroup, title: "Møde i forprojektgruppen", when: asWritten{"2018-01-10", "10.01 2018"}},
	{body: workingGroups, title: "Møde i arbejdsgrupperne", when: asWritten{"2017-W50", "uge 50 i 2017"}},
	{body: stemSecretariat, title: "Første møde i STEM-sekretariatet", when: asWritten{"2018-05-late", "ultimo maj 2018"}},
	{
		body: councilName, title: "Første møde i rådet for fremtidens kompetencer",
		when: asWritten{"2018-06-early", "primo juni 2018"},
		agenda: []string{
			"Fastsættelse af kvantitative målsætninger for den midtjyske teknologipagt",
			"Udformning af annonceringsmateriale til regionsrådet i forhold til den første udmøntning af uddannelsespuljen",
			"Godkendelse af kommissorium",
			"Godkendelse af forretningsorden",
			"Godkendelse af årshjul",
		},
	},
}

// milestoneRow is a step of the regional pact's calendar, about body (if
// any), that responsibleBody or responsibleOrg is responsible for. A DONE
// milestone planned for a day was completed that day; completedOn gives
// the day of one planned less exactly.
type milestoneRow struct {
	title                           string
	planned                         asWritten
	status                          milestone.Status
	completedOn                     string
	body                            string
	responsibleBody, responsibleOrg string
}

func (r milestoneRow) describe() string { return fmt.Sprintf("milestone %q", r.title) }

// Milestone statuses as the table writes them.
const (
	done    = milestone.StatusDONE
	planned = milestone.StatusPLANNED
)

// milestones: the seed's "Videre proces næste 6 måneder", in its order,
// each under its heading. DONE are the steps the dataset records as
// taken: the decisions of 11 and 25 April, the appointment letters (sent
// on lettersSent, as the nominations table has them), and the education
// pool's round (deadline and decision day). The rest is dated only to a
// month or part of one and stays PLANNED: the seed does not say they
// happened. The applicants of the deadline are no body or organisation;
// the launch is the region's conference.
var milestones = []milestoneRow{
	{title: "Godkendelse af teknologipagt", planned: asWritten{pactApproved, "25. april 2018"},
		status: done, responsibleBody: regionsraadet},
	{title: "Nedsættelse af rådet for fremtidens kompetencer", planned: asWritten{"2018-03-late", "ultimo marts 2018"},
		status: done, completedOn: lettersSent, body: councilName, responsibleOrg: regionName},
	{title: "Nedsættelse af STEM-sekretariatet", planned: asWritten{"2018-03-late", "ultimo marts"},
		status: planned, body: stemSecretariat, responsibleOrg: regionName},
	{title: "Prioritering af uddannelsespuljemidler", planned: asWritten{"2018-04-11", "11. april 2018"},
		status: done, responsibleBody: regionalDevelopment},
	{title: "Lancering af teknologipagten", planned: asWritten{"2018-05", "maj 2018"},
		status: planned, responsibleOrg: regionName},
	{title: "Første møde i STEM-Sekretariatet", planned: asWritten{"2018-05-late", "ultimo maj 2018"},
		status: planned, body: stemSecretariat, responsibleBody: stemSecretariat},
	{title: "Første møde i rådet for fremtidens kompetencer", planned: asWritten{"2018-06-early", "primo juni 2018"},
		status: planned, body: councilName, responsibleBody: councilName},
	{title: "Ansøgningsfrist til uddannelsespulje", planned: asWritten{"2018-08-15", "15.august 2018"},
		status: done},
	{title: "Første bevilling uddannelsespuljebevilling til teknologipagtsaktiviteter",
		planned: asWritten{"2018-09-26", "26. september 2018"}, status: done, responsibleBody: regionsraadet},
}

// poolRow is a funding pool owned by owner, of partnership.
type poolRow struct {
	name, description  string
	owner, partnership string
}

func (r poolRow) describe() string { return fmt.Sprintf("funding pool %q", r.name) }

// pools: the region's education pool.
var pools = []poolRow{
	{
		name: educationPool, owner: regionName, partnership: regionalPact,
		description: "Regionens uddannelsespulje. Udvalget for Regional Udvikling behandler prioriteringen af " +
			"uddannelsespuljemidler den 11. april 2018; rådet for fremtidens kompetencer udformer " +
			"annonceringsmateriale til regionsrådet til den første udmøntning. Beløbet for første " +
			"ansøgningsrunde er et demotal: kilden nævner intet beløb.",
	},
}

// roundRow is a call of pool, decided by decidingBody; budget is in DKK.
type roundRow struct {
	pool, name           string
	deadline, decisionOn string
	decidingBody         string
	budget               string
}

func (r roundRow) describe() string { return fmt.Sprintf("funding round %q of %q", r.name, r.pool) }

// rounds: the first round, "behandles af regionrådet den 26. september
// 2018", with the deadline of 15 August 2018. The seed gives no opening
// day and no applications. It gives no budget either, which the schema
// requires: the budget is a demo figure, not in the seed (and not 0,
// which would say the round had nothing to grant).
var rounds = []roundRow{
	{pool: educationPool, name: "Første ansøgningsrunde", deadline: "2018-08-15", decisionOn: "2018-09-26",
		decidingBody: regionsraadet, budget: "5000000"},
}
