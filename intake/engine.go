package intake

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake/jurisdiction"
	"github.com/rightsline/rightsline/locales"
)

// Names the intake flow uses for what this package registers.
const (
	ValidatorPlace    = "intake_place"    // ZIP or place → stored as the ZIP, or the jurisdiction ID
	ValidatorOptional = "intake_optional" // free text, or a "skip" word → ""
	ChoiceTraits      = "intake_traits"   // the jurisdiction's protected traits
	ActionBegin       = "intake_begin"    // clears a previous report's answers
	ActionPlace       = "intake_place"    // turns the place answer into zip + jurisdiction
	ActionSummary     = "intake_summary"  // renders the summary's fields
	ActionDiscard     = "intake_discard"  // forgets the answers (cancel, no consent, after filing)
	ActionSubmit      = "submit_report"   // reference and routing, before EventReportSubmitted
)

// Events the intake actions emit, handled by [Service.HandleEvent] in the
// step's transaction: the store records where an intake starts, and erases
// its messages when the resident declines or cancels.
const (
	EventIntakeStarted = "intake_started"
	// EventIntakeDiscarded follows a filed report too; the intake is then
	// already closed and nothing is erased.
	EventIntakeDiscarded = "intake_discarded"
)

// Conversation variables the intake flow fills. The event of a submitted
// report carries them; HandleEvent reads them.
const (
	VarCategory       = "category"
	VarNarrative      = "narrative"
	VarIncidentDate   = "incident_date"
	VarPlace          = "place"
	VarZIP            = "zip"
	VarJurisdiction   = "jurisdiction"
	VarPlaceKnown     = "intake_place_known"
	VarRespondentType = "respondent_type"
	VarRespondentName = "respondent_name"
	VarTrait          = "protected_trait"
	VarContactMethod  = "contact_method"
	VarContactPhone   = "contact_phone"
	VarSafeTimes      = "safe_times"
	VarConsent        = "consent"
	VarRef            = "ref"
	VarLang           = "intake_lang"
	VarCommissionName = "commission_name"
	VarNextSteps      = "next_steps"
	VarAgency         = "agency" // name and contact of who handles it, for a resident who declines to share
)

// MsgMediaAttached counts a report's photos and documents in its
// confirmation.
const MsgMediaAttached = "media.attached"

// FlowIntake is the intake flow's name (flows/intake.yaml): the runtime
// keeps attachments sent while it is open.
const FlowIntake = "intake"

// answerVars are the answers one report collects: cleared before a new
// report and after one is filed or dropped, so a narrative never outlives
// its report in the saved conversation. zip and jurisdiction are kept: the
// rights answers use them too.
var answerVars = []string{
	VarCategory, VarNarrative, VarIncidentDate, VarPlace, VarRespondentType, VarRespondentName,
	VarTrait, VarContactMethod, VarContactPhone, VarSafeTimes, VarConsent, VarLang,
	VarCommissionName, VarNextSteps, VarPlaceKnown,
	"sum_category", "sum_date", "sum_place", "sum_who", "sum_contact", "sum_goes_to", VarAgency,
	flows.VarMediaCount,
}

// skipWords is the keyword list of answers that skip an optional question.
const skipWords = "kw.intake.skip"

// Config tunes EngineOptionsWith.
type Config struct {
	// Catalog renders the summary's labels; nil loads the embedded catalog
	// once, on first use.
	Catalog *locales.Catalog
	// Rand is the randomness for references; nil is crypto/rand. Tests
	// pass a fixed reader for repeatable transcripts.
	Rand io.Reader
	// Routing is the routing data; nil is the embedded routing.yaml.
	Routing *Routing
}

// EngineOptions returns everything the flows need from intake and
// jurisdiction: validators, the traits choice source and the actions.
// The runtime wiring and the golden transcript tests both use it.
func EngineOptions() flows.Options { return EngineOptionsWith(Config{}) }

// EngineOptionsWith is EngineOptions with explicit dependencies.
func EngineOptionsWith(cfg Config) flows.Options {
	if cfg.Routing == nil {
		cfg.Routing = routing
	}
	a := &actions{cfg: cfg}
	validators := jurisdiction.Validators()
	validators[ValidatorPlace] = validatePlace
	validators[ValidatorOptional] = validateOptional
	return flows.Options{
		Validators:    validators,
		ChoiceSources: map[string]flows.ChoiceSource{ChoiceTraits: traitChoices},
		Actions: map[string]flows.ActionFunc{
			ActionBegin:   a.begin,
			ActionPlace:   a.place,
			ActionSummary: a.summary,
			ActionDiscard: a.discard,
			ActionSubmit:  a.submit,
		},
	}
}

// validatePlace accepts what the jurisdiction validator accepts and keeps
// the ZIP when there is one, so a report records the ZIP as given.
func validatePlace(in string, lang locales.Lang, now time.Time, cat *locales.Catalog) (string, bool) {
	if zip, ok := jurisdiction.FindZIP(in); ok {
		return zip, true
	}
	return jurisdiction.Validator()(in, lang, now, cat)
}

// validateOptional accepts any text; a word from kw.intake.skip stores "".
func validateOptional(in string, lang locales.Lang, _ time.Time, cat *locales.Catalog) (string, bool) {
	in = strings.TrimSpace(in)
	if in == "" {
		return "", false
	}
	if cat.IsKeyword(lang, skipWords, in) {
		return "", true
	}
	return in, true
}

// TraitUnknown is stored when the resident does not know or name a trait.
const TraitUnknown = "unknown"

// traitChoices lists the protected traits of the resident's jurisdiction,
// then "not sure".
func traitChoices(c *flows.Conversation) []flows.DynamicChoice {
	j, ok := jurisdiction.ByID(c.Vars[VarJurisdiction])
	if !ok {
		j, _ = jurisdiction.ByID(jurisdiction.Federal)
	}
	out := make([]flows.DynamicChoice, 0, len(j.Traits)+1)
	for _, t := range j.Traits {
		out = append(out, flows.DynamicChoice{Label: jurisdiction.TraitMessageID(t), Var: VarTrait, Value: t})
	}
	return append(out, flows.DynamicChoice{Label: "intake.trait.unsure", Var: VarTrait, Value: TraitUnknown, Pinned: true})
}

// actions are the intake flow's registered actions. They are pure: they
// read and write the conversation and render catalog text, nothing else.
type actions struct {
	cfg     Config
	once    sync.Once
	cat     *locales.Catalog
	loadErr error
}

func (a *actions) catalog() (*locales.Catalog, error) {
	a.once.Do(func() {
		if a.cfg.Catalog != nil {
			a.cat = a.cfg.Catalog
			return
		}
		a.cat, a.loadErr = locales.Load()
	})
	return a.cat, a.loadErr
}

func (a *actions) begin(c *flows.Conversation, _ time.Time) ([]flows.Event, error) {
	for _, k := range answerVars {
		delete(c.Vars, k)
	}
	// A place the rights answers already know is not asked again; "not
	// sure" there (federal without a ZIP) is no place, so the report asks
	// (the summary showed "United States (federal law)" instead of a city).
	if j := c.Vars[VarJurisdiction]; j != "" && (j != jurisdiction.Federal || c.Vars[VarZIP] != "") {
		c.Vars[VarPlaceKnown] = flows.ValueYes
	}
	return []flows.Event{{Type: EventIntakeStarted}}, nil
}

func (a *actions) place(c *flows.Conversation, _ time.Time) ([]flows.Event, error) {
	v := c.Vars[VarPlace]
	if zip, ok := jurisdiction.FindZIP(v); ok && zip == v {
		j, _ := jurisdiction.Lookup(zip)
		c.Vars[VarZIP], c.Vars[VarJurisdiction] = zip, j.ID
		// A ZIP across the Pittsburgh city line: the flow asks which side.
		if city, ok := jurisdiction.CityLineOf(zip); ok {
			c.Vars[jurisdiction.CityLineVar] = city
		} else {
			delete(c.Vars, jurisdiction.CityLineVar)
		}
		return nil, nil
	}
	if _, ok := jurisdiction.ByID(v); ok {
		c.Vars[VarJurisdiction] = v
		delete(c.Vars, VarZIP) // a city was named: an older ZIP no longer applies
		delete(c.Vars, jurisdiction.CityLineVar)
	}
	return nil, nil
}

func (a *actions) discard(c *flows.Conversation, _ time.Time) ([]flows.Event, error) {
	for _, k := range answerVars {
		delete(c.Vars, k)
	}
	return []flows.Event{{Type: EventIntakeDiscarded}}, nil
}

// summary fills the sum_* variables the summary message shows: category,
// date, place, who, contact method and where the report would go. Never
// the narrative: a shared phone's lock screen shows the summary.
func (a *actions) summary(c *flows.Conversation, _ time.Time) ([]flows.Event, error) {
	cat, err := a.catalog()
	if err != nil {
		return nil, err
	}
	t := func(id string) (string, error) { return cat.Text(c.Lang, id, nil) }
	var firstErr error
	set := func(k, id string) {
		s, err := t(id)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		c.Vars[k] = s
	}
	set("sum_category", CategoryMessageID(orOther(c.Vars[VarCategory])))
	if d := c.Vars[VarIncidentDate]; d == "" || d == flows.ValueUnknown {
		set("sum_date", "intake.sum.date_unknown")
	} else {
		c.Vars["sum_date"] = d
	}
	place, err := placeName(cat, c.Lang, c.Vars[VarJurisdiction])
	if err != nil {
		return nil, err
	}
	switch z := c.Vars[VarZIP]; {
	case z != "" && c.Vars[VarJurisdiction] == jurisdiction.Federal:
		// A ZIP outside the places we know: the ZIP, then "United
		// States (federal law)" (not nested in brackets).
		place = z + ", " + place
	case z != "":
		place = z + " (" + place + ")"
	}
	c.Vars["sum_place"] = place
	set("sum_who", "intake.who."+orDefault(c.Vars[VarRespondentType], "other"))
	set("sum_contact", "intake.contact."+orDefault(c.Vars[VarContactMethod], "none"))
	d := a.cfg.Routing.Route(c.Vars[VarJurisdiction], c.Vars[VarCategory])
	c.Vars["sum_goes_to"], err = a.queueName(cat, c.Lang, d)
	if err != nil {
		return nil, err
	}
	c.Vars[VarAgency], err = a.agency(cat, c.Lang, d)
	if err != nil {
		return nil, err
	}
	return nil, firstErr
}

// agency names whom a resident who will not share the report can contact
// themselves: the commission, else the referral agency, each with its
// published contact, else legal aid.
func (a *actions) agency(cat *locales.Catalog, l locales.Lang, d Decision) (string, error) {
	if ag, ok := a.cfg.Routing.filingAgency(d); ok {
		return agencyWithContact(cat, l, ag)
	}
	return cat.Text(l, "intake.agency.none", nil)
}

// submit draws the reference and routes the report, setting the variables
// the confirmation shows (ref, commission_name, next_steps). The runtime
// then stores the report from EventReportSubmitted in the same
// transaction, before the confirmation is sent.
func (a *actions) submit(c *flows.Conversation, now time.Time) ([]flows.Event, error) {
	cat, err := a.catalog()
	if err != nil {
		return nil, err
	}
	if c.Vars[VarJurisdiction] == "" {
		c.Vars[VarJurisdiction] = jurisdiction.Federal
	}
	ref, err := NewReference(a.cfg.Rand, c.Vars[VarJurisdiction])
	if err != nil {
		return nil, err
	}
	d := a.cfg.Routing.Route(c.Vars[VarJurisdiction], c.Vars[VarCategory])
	name, err := a.queueName(cat, c.Lang, d)
	if err != nil {
		return nil, err
	}
	next, err := a.nextSteps(cat, c.Lang, d, c.Vars[VarIncidentDate], now)
	if err != nil {
		return nil, err
	}
	// The photos and documents sent during the report (the runtime sets
	// the count; bot/media fetches them): said before the next steps.
	if n, _ := strconv.Atoi(c.Vars[flows.VarMediaCount]); n > 0 {
		line, err := cat.Text(c.Lang, MsgMediaAttached, map[string]string{"count": strconv.Itoa(n)})
		if err != nil {
			return nil, err
		}
		next = line + " " + next
	}
	c.Vars[VarRef], c.Vars[VarCommissionName], c.Vars[VarNextSteps] = ref, name, next
	c.Vars[VarLang] = string(c.Lang)
	return nil, nil
}

// queueName names who reviews the report, in l: the commission, or
// Rightsline's own team for the default queue.
func (a *actions) queueName(cat *locales.Catalog, l locales.Lang, d Decision) (string, error) {
	return queueName(cat, a.cfg.Routing, l, d.CommissionID)
}

func queueName(cat *locales.Catalog, r *Routing, l locales.Lang, commissionID string) (string, error) {
	if cm, ok := r.Commission(commissionID); ok {
		return agencyName(cat, l, cm.ID, cm.Name)
	}
	return cat.Text(l, "intake.queue.default", nil)
}

// nextSteps is what the confirmation says after "not a complaint yet":
// whom to file with directly and by when (filingLine); only when no
// agency is known, that staff will review it (the confirmation must fit
// its SMS budget in every language with the agency's dated contact).
func (a *actions) nextSteps(cat *locales.Catalog, l locales.Lang, d Decision, incident string, now time.Time) (string, error) {
	file, err := a.filingLine(cat, l, d, incident, now)
	if err != nil || file != "" {
		return file, err
	}
	return cat.Text(l, "intake.next.staff", nil)
}

func placeName(cat *locales.Catalog, l locales.Lang, id string) (string, error) {
	if id == "" {
		return cat.Text(l, "intake.sum.place_unknown", nil)
	}
	if cat.Has("place." + id) {
		return cat.Text(l, "place."+id, nil)
	}
	if j, ok := jurisdiction.ByID(id); ok {
		return j.Name, nil
	}
	return "", fmt.Errorf("intake: unknown jurisdiction %q", id)
}

func orOther(cat string) string {
	if ValidCategory(cat) {
		return cat
	}
	return Other
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
