package demo

import (
	"fmt"

	"github.com/pactreg/pactreg/ent/vocab"
)

// Names the tables refer to more than once.
const (
	regionName      = "Region Midtjylland"
	councilName     = "Rådet for fremtidens kompetencer"
	preProjectGroup = "Forprojektgruppen"
	vaekstforum     = "Vækstforum"
	regionsraadet   = "Regionsrådet"
	// regionalDevelopment is the committee for regional development.
	regionalDevelopment = "Udvalget for Regional Udvikling"
	workingGroups       = "Arbejdsgrupperne"
	stemSecretariat     = "STEM-sekretariatet"
)

// Dates of the dataset.
const (
	// pactApproved is the day Regionsrådet approves the technology pact
	// (25 April 2018).
	pactApproved = "2018-04-25"
	// councilEstablished: the seed gives no founding date for the council:
	// it is set up after the pact's approval, so that day is used as its
	// established_on, and as the dissolved_on of the three councils it
	// replaces.
	councilEstablished = pactApproved
	// firstTerm starts the demo appointments: the council's first meeting
	// is "primo juni 2018".
	firstTerm = "2018-06-01"
	// reform is 1 January 2019, when the erhvervsfremme reform set up the
	// Erhvervshuse and LO and FTF merged into FH (public facts, not in the seed).
	reform = "2019-01-01"
)

// organisationRow is an organisation to create; members name organisations
// listed earlier in the table.
type organisationRow struct {
	name, shortName  string
	kind             vocab.OrganisationKind
	municipalityCode string
	foundedOn        string
	members          []string
}

func (r organisationRow) describe() string { return fmt.Sprintf("organisation %q", r.name) }

// kommune is the row of a municipality of the region, "<name> Kommune".
func kommune(name, code string) organisationRow {
	return organisationRow{name: name + " Kommune", kind: vocab.Municipality, municipalityCode: code}
}

// kommuner names the municipalities "<name> Kommune".
func kommuner(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + " Kommune"
	}
	return out
}

// organisations are real organisations. No CVR, P- or institution numbers
// are given: none are in the seed.
var organisations = []organisationRow{
	// Region code 1082 (digest) has no field; it is not stored.
	{name: regionName, kind: vocab.Region},

	// The 19 municipalities of the region with their kommunekode.
	kommune("Favrskov", "710"),
	kommune("Hedensted", "766"),
	kommune("Herning", "657"),
	kommune("Holstebro", "661"),
	kommune("Horsens", "615"),
	kommune("Ikast-Brande", "756"),
	kommune("Lemvig", "665"),
	kommune("Norddjurs", "707"),
	kommune("Odder", "727"),
	kommune("Randers", "730"),
	kommune("Ringkøbing-Skjern", "760"),
	kommune("Samsø", "741"),
	kommune("Silkeborg", "740"),
	kommune("Skanderborg", "746"),
	kommune("Skive", "779"),
	kommune("Struer", "671"),
	kommune("Syddjurs", "706"),
	kommune("Viborg", "791"),
	kommune("Aarhus", "751"),

	{name: "Business Region Aarhus", kind: vocab.BusinessRegion, members: kommuner(
		"Aarhus", "Favrskov", "Hedensted", "Horsens", "Norddjurs", "Odder",
		"Randers", "Samsø", "Silkeborg", "Skanderborg", "Syddjurs", "Viborg")},
	{name: "Business Region MidtVest", kind: vocab.BusinessRegion, members: kommuner(
		"Herning", "Holstebro", "Ikast-Brande", "Lemvig", "Ringkøbing-Skjern", "Skive", "Struer")},

	{name: "Arbejdsmarkedskontor Midt-Nord", kind: vocab.LabourMarketOffice},
	{name: "Væksthus Midtjylland", kind: vocab.GrowthHouse},
	{name: "Erhvervshus Midtjylland", kind: vocab.BusinessService, foundedOn: reform},

	{name: "DI – Dansk Industri", shortName: "DI", kind: vocab.EmployerOrganisation},
	{name: "Dansk Erhverv", kind: vocab.EmployerOrganisation},

	{name: "3F – Fagligt Fælles Forbund", shortName: "3F", kind: vocab.TradeUnion},
	{name: "HK Danmark", shortName: "HK", kind: vocab.TradeUnion},
	{name: "Fagbevægelsens Hovedorganisation", shortName: "FH", kind: vocab.TradeUnion,
		foundedOn: reform, members: []string{"3F – Fagligt Fælles Forbund", "HK Danmark"}},

	{name: "MADE – Manufacturing Academy of Denmark", shortName: "MADE", kind: vocab.InnovationNetwork},
	{name: "Lifestyle & Design Cluster", kind: vocab.ClusterOrganisation},

	{name: "Aarhus Tech", kind: vocab.VocationalSchool},
	{name: "Mercantec", kind: vocab.VocationalSchool},
	{name: "Erhvervsakademi Aarhus", kind: vocab.BusinessAcademy},
	{name: "Erhvervsakademi MidtVest", kind: vocab.BusinessAcademy},
	{name: "VIA University College", shortName: "VIA", kind: vocab.UniversityCollege},
	{name: "Aarhus Universitet", shortName: "AU", kind: vocab.University},
	{name: "Aarhus Katedralskole", kind: vocab.UpperSecondarySchool},
	{name: "Viborg Katedralskole", kind: vocab.UpperSecondarySchool},
	{name: "VUC Aarhus", kind: vocab.AdultEducationCentre},
	{name: "VUC Djursland", kind: vocab.AdultEducationCentre},
	{name: "Aarhus Business College", kind: vocab.BusinessCollege},
	{name: "Tradium", kind: vocab.BusinessCollege},
}

// bodyRow is a body to create; advises and replaces name bodies listed
// earlier in the table.
type bodyRow struct {
	name, shortName string
	kind            vocab.BodyKind
	owner           string
	description     string
	mandate         []string
	establishedOn   string
	dissolvedOn     string
	advises         []string
	replaces        []string
}

func (r bodyRow) describe() string { return fmt.Sprintf("body %q", r.name) }

// predecessor is a council dissolved when Rådet for fremtidens kompetencer
// was set up; when it was established is not known.
func predecessor(name string) bodyRow {
	return bodyRow{
		name:        name,
		kind:        vocab.Council,
		owner:       regionName,
		description: "Nedlagt ved oprettelsen af Rådet for fremtidens kompetencer.",
		dissolvedOn: councilEstablished,
	}
}

// bodies of the technology pact, as the seed names them.
var bodies = []bodyRow{
	{
		name: vaekstforum, kind: vocab.Forum, owner: regionName,
		description: "Vækstforum for Region Midtjylland. Mandaterede forprojektgruppen den 12. september 2017 " +
			"og får forslaget til teknologipagt til godkendelse den 19. marts 2018.",
	},
	{
		name: regionsraadet, kind: vocab.PoliticalBody, owner: regionName,
		description: "Godkender teknologipagten den 25. april 2018 og behandler første ansøgningsrunde " +
			"til regionens uddannelsespulje den 26. september 2018.",
	},
	{
		name: regionalDevelopment, kind: vocab.Committee, owner: regionName,
		description: "Behandler prioriteringen af uddannelsespuljemidler den 11. april 2018.",
	},
	{
		name: preProjectGroup, kind: vocab.ProjectGroup, owner: regionName,
		description: "Nedsat af Vækstforum den 12. september 2017 til at forberede Region Midtjyllands " +
			"teknologipagt. Mødtes den 31.10.2017 og den 10.01.2018.",
		// Vækstforum, 12 September 2017: "Produktet af forprojektgruppens arbejde bliver …"
		mandate: []string{
			"et forslag til Region Midtjyllands teknologipagt",
			"et grundlag for implementeringen heraf",
			"et forslag til et partnerskab, som skal sikre eksekvering heraf",
		},
		establishedOn: "2017-09-12",
	},
	{
		name: workingGroups, kind: vocab.WorkingGroup, owner: regionName,
		description: "Arbejdsgrupperne under forberedelsen af teknologipagten mødtes i uge 50 i 2017.",
	},
	{
		name: stemSecretariat, kind: vocab.Secretariat, owner: regionName,
		description: "Første møde ultimo maj 2018. Første opgaver: at kvalificere indsatserne i " +
			"teknologipagten og udarbejde et STEM-barometer.",
	},
	predecessor("Kompetencerådet"),
	predecessor("Uddannelsesrådet"),
	predecessor("MEA’s Akademiråd"),
	{
		name: councilName, shortName: "RFK", kind: vocab.Council, owner: regionName,
		description: "Rådgiver Region Midtjylland og Vækstforum og sikrer sammenhæng og samspil mellem " +
			"uddannelses-, beskæftigelses- og erhvervsfremmesystemet. Rådet oprettes ved nedlæggelsen af " +
			"Kompetencerådet, Uddannelsesrådet og MEA’s Akademiråd.",
		// The kommissorium as written in the seed, one task a bullet.
		mandate: []string{
			"Varetage en rådgivende funktion over for Region Midtjylland og vækstforum for Region Midtjylland " +
				"og sikre sammenhæng og samspil mellem uddannelses-, beskæftigelses- og erhvervsfremmesystemet. " +
				"Herunder at understøtte Vækst- og Udviklingsstrategien ved at rådgive Vækstforum om udmøntning " +
				"af initiativer i forhold til kompetenceudviklingen af regionens arbejdsstyrke gennem hele " +
				"arbejdslivet med start i ungdomsuddannelserne",
			"Styrke sammenhængen i den midtjyske ungdomsuddannelsesindsats, og prioritere det analyse- og " +
				"følgeforskningsarbejde der ofte ligger forud for regionens indsatser på ungdomsuddannelsesområdet.",
			"Medvirke til igangsættelse af de initiativer, der er nødvendige for at i mødekomme arbejdsmarkedets " +
				"efterspørgsel efter kvalifikationer, herunder at rådgive vækstforum om aktiviteter, der skal " +
				"finansieres af EU’s strukturfonde",
			"Igangsætte relevante analyser der kan medvirke til at øge det regionale vidensniveau. Særligt ift. " +
				"behovet for kompetencer på fremtidens arbejdsmarked inden for regionens styrkepositioner",
			"Medvirke til at den virksomhedsopsøgende indsats på de tre politikområder koordineres og udføres " +
				"i samarbejde med fokus på virksomhedernes behov",
			"Medvirke til at udvikle og kvalificere det samlede regionale konsulentkorps til varetagelsen af " +
				"deres opgaver overfor regionens virksomheder. F.eks. ved at medvirke til at arrangere temadage " +
				"og kursusaktiviteter",
			"Sikre den fortsatte videreudvikling af det midtjyske erhvervsudviklingsakademi (MEA)",
			"Sikre fremdriften af den midtjyske teknologipagt med udgangspunkt i den nationale teknologipagt",
		},
		establishedOn: councilEstablished,
		advises:       []string{vaekstforum, regionsraadet},
		replaces:      []string{"Kompetencerådet", "Uddannelsesrådet", "MEA’s Akademiråd"},
	},
}

// allocationRow is a line of a body's composition. Positions follow the
// order of the table within each body. A named organisation is the one
// organisation eligible for the seats, and it nominates for them.
type allocationRow struct {
	body  string
	label string
	seats int
	role  vocab.SeatRole
	kinds []vocab.OrganisationKind
	named string
}

func (r allocationRow) describe() string {
	return fmt.Sprintf("seat allocation %q of %q", r.label, r.body)
}

func kinds(k ...vocab.OrganisationKind) []vocab.OrganisationKind { return k }

// allocations: the council's 16 lines in the seed's order (21 seats: the
// seed's own figures add up to 21), and the chair of Forprojektgruppen
// (not in the seed; the demo gives the pre-project group a chair).
var allocations = []allocationRow{
	{body: councilName, label: "Region Midtjylland", seats: 1, role: vocab.Chair, named: regionName},
	{body: councilName, label: "Arbejdsgiverorganisationerne", seats: 2, kinds: kinds(vocab.EmployerOrganisation)},
	{body: councilName, label: "Arbejdstagerorganisationerne", seats: 2, kinds: kinds(vocab.TradeUnion)},
	{body: councilName, label: "Arbejdsmarkedskontor Midt-Nord", seats: 1, named: "Arbejdsmarkedskontor Midt-Nord"},
	{body: councilName, label: "Kommunerne", seats: 3, kinds: kinds(vocab.Municipality)},
	{body: councilName, label: "Business Regions", seats: 2, kinds: kinds(vocab.BusinessRegion)},
	{body: councilName, label: "Kommunale erhvervsservicesystem", seats: 1, kinds: kinds(vocab.BusinessService)},
	{body: councilName, label: "Væksthus Midtjylland", seats: 1, named: "Væksthus Midtjylland"},
	{body: councilName, label: "Innovationsnetværk eller Klyngeorganisation", seats: 1,
		kinds: kinds(vocab.InnovationNetwork, vocab.ClusterOrganisation)},
	{body: councilName, label: "Erhvervsskolerne", seats: 1, kinds: kinds(vocab.VocationalSchool)},
	{body: councilName, label: "Erhvervsakademierne", seats: 1, kinds: kinds(vocab.BusinessAcademy)},
	{body: councilName, label: "VIA", seats: 1, named: "VIA University College"},
	{body: councilName, label: "Aarhus Universitet", seats: 1, named: "Aarhus Universitet"},
	{body: councilName, label: "STX og HF", seats: 1, kinds: kinds(vocab.UpperSecondarySchool)},
	{body: councilName, label: "VUC", seats: 1, kinds: kinds(vocab.AdultEducationCentre)},
	{body: councilName, label: "Erhvervsgymnasierne", seats: 1, kinds: kinds(vocab.BusinessCollege)},

	{body: preProjectGroup, label: "Region Midtjylland", seats: 1, role: vocab.Chair, named: regionName},
}

// Genders of the demo people, as the tables write them.
const (
	female    = vocab.Female
	male      = vocab.Male
	notStated = vocab.NotStated
)

// appointmentRow appoints a fictional person (created with the row, of the
// given gender, affiliated with org) to the allocation labelled label of
// body, on behalf of org.
type appointmentRow struct {
	body, label string
	person      string
	gender      vocab.Gender
	org         string
	from, to    string
}

func (r appointmentRow) describe() string {
	return fmt.Sprintf("appointment of %q to %q of %q", r.person, r.label, r.body)
}

// appointments are demo data: the seed names no people. Left vacant: one
// of the three Kommunerne seats and the VUC seat. One employer seat changes
// hands on 1 January 2020; the business service seat is filled when
// Erhvervshus Midtjylland starts on 1 January 2019. The Aarhus Universitet
// seat is held in three consecutive terms (see reappointments).
var appointments = []appointmentRow{
	{councilName, "Region Midtjylland", "Mette Skovgaard Lund", female, regionName, firstTerm, ""},
	{councilName, "Arbejdsgiverorganisationerne", "Jens Højgaard", male, "DI – Dansk Industri", firstTerm, "2019-12-31"},
	{councilName, "Arbejdsgiverorganisationerne", "Karen Thygesen", female, "DI – Dansk Industri", "2020-01-01", ""},
	{councilName, "Arbejdsgiverorganisationerne", "Lars Bøgelund", male, "Dansk Erhverv", firstTerm, ""},
	{councilName, "Arbejdstagerorganisationerne", "Birgitte Ravnsbæk", female, "3F – Fagligt Fælles Forbund", firstTerm, ""},
	{councilName, "Arbejdstagerorganisationerne", "Henrik Mølgaard", male, "HK Danmark", firstTerm, ""},
	{councilName, "Arbejdsmarkedskontor Midt-Nord", "Susanne Kjeldsen", female, "Arbejdsmarkedskontor Midt-Nord", firstTerm, ""},
	{councilName, "Kommunerne", "Peter Vestergaard Holm", male, "Aarhus Kommune", firstTerm, ""},
	{councilName, "Kommunerne", "Hanne Østergård", female, "Herning Kommune", firstTerm, ""},
	{councilName, "Business Regions", "Morten Brøndum", male, "Business Region Aarhus", firstTerm, ""},
	{councilName, "Business Regions", "Lone Fjordside", notStated, "Business Region MidtVest", firstTerm, ""},
	{councilName, "Kommunale erhvervsservicesystem", "Rasmus Kærsgaard", male, "Erhvervshus Midtjylland", reform, ""},
	{councilName, "Væksthus Midtjylland", "Tina Søndergaard", female, "Væksthus Midtjylland", firstTerm, ""},
	{councilName, "Innovationsnetværk eller Klyngeorganisation", "Jesper Lyngsø", male, "Lifestyle & Design Cluster", firstTerm, ""},
	{councilName, "Erhvervsskolerne", "Pia Grønbæk", female, "Mercantec", firstTerm, ""},
	{councilName, "Erhvervsakademierne", "Niels Aagaard", notStated, "Erhvervsakademi MidtVest", firstTerm, ""},
	{councilName, "VIA", "Camilla Dahlgaard", female, "VIA University College", firstTerm, ""},
	{councilName, "Aarhus Universitet", "Thomas Engholm", male, "Aarhus Universitet", firstTerm, "2020-05-31"},
	{councilName, "STX og HF", "Anja Rosendahl", female, "Viborg Katedralskole", firstTerm, ""},
	{councilName, "Erhvervsgymnasierne", "Ulrik Hvidtfeldt", male, "Aarhus Business College", firstTerm, ""},

	{preProjectGroup, "Region Midtjylland", "Sofie Bundgaard", female, regionName, "2017-09-12", ""},
}

// reappointmentRow gives person (appointed by an earlier row) a further
// term from..to in the allocation of their latest term, on behalf of the
// same organisation, linked to that term as its previous.
type reappointmentRow struct {
	person   string
	from, to string
}

func (r reappointmentRow) describe() string {
	return fmt.Sprintf("reappointment of %q from %s", r.person, r.from)
}

// reappointments: the Aarhus Universitet seat is held by the same person
// in three consecutive two-year terms, the last one open.
var reappointments = []reappointmentRow{
	{"Thomas Engholm", "2020-06-01", "2022-05-31"},
	{"Thomas Engholm", "2022-06-01", ""},
}

// alternateRow appoints a fictional person (created with the row,
// affiliated with the member's organisation) as the alternate
// (suppleant) of member's latest term, from the given day: same
// allocation, on behalf of the same organisation; an alternate takes no
// seat.
type alternateRow struct {
	person string
	gender vocab.Gender
	member string
	from   string
}

func (r alternateRow) describe() string {
	return fmt.Sprintf("alternate %q for %q", r.person, r.member)
}

// alternates of three council members (demo data, like the members).
var alternates = []alternateRow{
	{"Kirsten Holmgaard", female, "Mette Skovgaard Lund", firstTerm},
	{"Bo Kristiansen", male, "Birgitte Ravnsbæk", "2018-09-01"},
	{"Sam Nørgaard Bech", notStated, "Peter Vestergaard Holm", firstTerm},
}

// The round of appointment letters (udpegningsbreve) that Region
// Midtjylland sends "ultimo marts 2018" to designate the council's
// members for its first term. The seed gives no day: the demo dates the
// letters 29 March 2018 and gives a month to answer.
const (
	lettersSent = "2018-03-29"
	lettersDue  = "2018-04-30"
)

// nominationRow is an appointment letter to org for the council's
// allocation labelled label. A NOMINATED letter names the person who was
// appointed from termStarts, and is linked to that appointment.
type nominationRow struct {
	label, org            string
	status                vocab.NominationStatus
	sent, due, termStarts string
	answered              string
	nominee               string
}

func (r nominationRow) describe() string {
	return fmt.Sprintf("nomination request to %q for %q", r.org, r.label)
}

// letter is a letter of the March 2018 round.
func letter(label, org string, status vocab.NominationStatus, answered, nominee string) nominationRow {
	return nominationRow{label: label, org: org, status: status,
		sent: lettersSent, due: lettersDue, termStarts: firstTerm, answered: answered, nominee: nominee}
}

// nominated is a letter of the March 2018 round answered on the given
// day with nominee.
func nominated(label, org, nominee, answered string) nominationRow {
	return letter(label, org, vocab.Nominated, answered, nominee)
}

// nominations: one letter per seat of the first term, addressed to the
// organisation that holds it. The two seats left vacant: Randers Kommune
// declined the third Kommunerne seat, and VUC Aarhus never answered
// (overdue). The business service seat had no eligible organisation in
// 2018: its letter goes to Erhvervshus Midtjylland on its first day,
// which answers at once. A letter for the still vacant Kommunerne seat
// is being prepared for 2027 (DRAFT).
var nominations = []nominationRow{
	nominated("Region Midtjylland", regionName, "Mette Skovgaard Lund", "2018-04-26"),
	nominated("Arbejdsgiverorganisationerne", "DI – Dansk Industri", "Jens Højgaard", "2018-04-19"),
	nominated("Arbejdsgiverorganisationerne", "Dansk Erhverv", "Lars Bøgelund", "2018-04-24"),
	nominated("Arbejdstagerorganisationerne", "3F – Fagligt Fælles Forbund", "Birgitte Ravnsbæk", "2018-04-16"),
	nominated("Arbejdstagerorganisationerne", "HK Danmark", "Henrik Mølgaard", "2018-04-26"),
	nominated("Arbejdsmarkedskontor Midt-Nord", "Arbejdsmarkedskontor Midt-Nord", "Susanne Kjeldsen", "2018-04-09"),
	nominated("Kommunerne", "Aarhus Kommune", "Peter Vestergaard Holm", "2018-04-25"),
	nominated("Kommunerne", "Herning Kommune", "Hanne Østergård", "2018-04-18"),
	letter("Kommunerne", "Randers Kommune", vocab.Declined, "2018-04-20", ""),
	nominated("Business Regions", "Business Region Aarhus", "Morten Brøndum", "2018-04-23"),
	nominated("Business Regions", "Business Region MidtVest", "Lone Fjordside", "2018-04-27"),
	{label: "Kommunale erhvervsservicesystem", org: "Erhvervshus Midtjylland", status: vocab.Nominated,
		sent: reform, due: "2019-01-31", termStarts: reform, answered: reform, nominee: "Rasmus Kærsgaard"},
	nominated("Væksthus Midtjylland", "Væksthus Midtjylland", "Tina Søndergaard", "2018-04-11"),
	nominated("Innovationsnetværk eller Klyngeorganisation", "Lifestyle & Design Cluster", "Jesper Lyngsø", "2018-04-13"),
	nominated("Erhvervsskolerne", "Mercantec", "Pia Grønbæk", "2018-04-12"),
	nominated("Erhvervsakademierne", "Erhvervsakademi MidtVest", "Niels Aagaard", "2018-04-17"),
	nominated("VIA", "VIA University College", "Camilla Dahlgaard", "2018-04-10"),
	nominated("Aarhus Universitet", "Aarhus Universitet", "Thomas Engholm", "2018-04-20"),
	nominated("STX og HF", "Viborg Katedralskole", "Anja Rosendahl", "2018-04-24"),
	letter("VUC", "VUC Aarhus", vocab.Sent, "", ""),
	nominated("Erhvervsgymnasierne", "Aarhus Business College", "Ulrik Hvidtfeldt", "2018-04-30"),

	{label: "Kommunerne", org: "Silkeborg Kommune", status: vocab.Draft, due: "2026-12-18", termStarts: "2027-01-01"},
}

// Every demo person gets these, and an e-mail address at example.org (a
// reserved domain) made from the name.
const (
	demoTitle = "Fiktiv demo-repræsentant"
	demoNote  = "Demodata: fiktiv person"
	demoPhone = "+45 00 00 00 %02d"
)
