package hospital

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The FHIR R4 elements Vigil reads; everything else in a resource is ignored.
type (
	fhirRef struct {
		Reference string `json:"reference"`
		Display   string `json:"display"`
	}
	fhirIdentifier struct {
		System string `json:"system"`
		Value  string `json:"value"`
	}
	fhirCoding struct {
		System string `json:"system"`
		Code   string `json:"code"`
	}
	fhirConcept struct {
		Text   string       `json:"text"`
		Coding []fhirCoding `json:"coding"`
	}
	fhirName struct {
		Family string   `json:"family"`
		Given  []string `json:"given"`
		Text   string   `json:"text"`
	}
	fhirExtension struct {
		URL          string          `json:"url"`
		ValueDecimal json.Number     `json:"valueDecimal"`
		Extension    []fhirExtension `json:"extension"`
	}
	fhirAddress struct {
		Line       []string        `json:"line"`
		City       string          `json:"city"`
		PostalCode string          `json:"postalCode"`
		Extension  []fhirExtension `json:"extension"`
	}
	fhirPeriod struct {
		Start string `json:"start"`
		End   string `json:"end"`
	}
	fhirBase struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
	}
)

const (
	geoExtension   = "http://hl7.org/fhir/StructureDefinition/geolocation"
	userIDSystem   = "urn:vigil:user-id"
	mrnSystem      = "urn:vigil:mrn"
	confidentialCS = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
)

type fhirDecoder func(b []byte, now time.Time) (Item, error)

var fhirDecoders = map[Kind]fhirDecoder{
	KindPatient:          decodePatient,
	KindPractitioner:     decodePractitioner,
	KindPractitionerRole: decodePractitionerRole,
	KindEncounter:        decodeEncounter,
	KindCareTeam:         decodeCareTeam,
	KindRelatedPerson:    decodeRelatedPerson,
	KindCondition:        decodeCondition,
}

// unmarshal decodes a resource and checks resourceType and id.
func unmarshal(b []byte, k Kind, dst any, base *fhirBase) error {
	if err := json.Unmarshal(b, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("field %s: wrong JSON type %s (want %s)", te.Field, te.Value, te.Type)
		}
		return fmt.Errorf("invalid JSON: %v", err)
	}
	if base.ResourceType != string(k) {
		return fmt.Errorf("resourceType %q, want %q", clip(base.ResourceType), k)
	}
	if strings.TrimSpace(base.ID) == "" {
		return errors.New("missing id")
	}
	return nil
}

// clip shortens untrusted text quoted in a reason.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// refID returns <id> of "<Type>/<id>" (also of a full URL ending so).
func refID(ref, typ, field string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("missing %s", field)
	}
	i := strings.LastIndex(ref, typ+"/")
	if i < 0 || (i > 0 && ref[i-1] != '/') || len(ref) == i+len(typ)+1 {
		return "", fmt.Errorf("%s %q is not a %s reference", field, clip(ref), typ)
	}
	return ref[i+len(typ)+1:], nil
}

// parseFHIRTime accepts FHIR date / dateTime spellings.
func parseFHIRTime(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a FHIR date", field, clip(s))
}

func parsePeriod(p fhirPeriod, field string) (start, end time.Time, err error) {
	if start, err = parseFHIRTime(p.Start, field+".start"); err != nil {
		return
	}
	if end, err = parseFHIRTime(p.End, field+".end"); err != nil {
		return
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		err = fmt.Errorf("%s.end before %s.start", field, field)
	}
	return
}

func firstName(ns []fhirName) (family, given string) {
	if len(ns) == 0 {
		return "", ""
	}
	n := ns[0]
	family, given = n.Family, strings.Join(n.Given, " ")
	if family == "" && given == "" && n.Text != "" {
		if i := strings.LastIndexByte(n.Text, ' '); i > 0 {
			return n.Text[i+1:], n.Text[:i]
		}
		return n.Text, ""
	}
	return family, given
}

// address reads address[0] with its geolocation extension.
func address(as []fhirAddress, field string) (Address, Geo, error) {
	if len(as) == 0 {
		return Address{}, Geo{}, nil
	}
	a := as[0]
	addr := Address{Line: strings.Join(a.Line, ", "), City: a.City, PostalCode: a.PostalCode}
	for _, e := range a.Extension {
		if e.URL != geoExtension {
			continue
		}
		var lat, lon string
		for _, s := range e.Extension {
			switch s.URL {
			case "latitude":
				lat = s.ValueDecimal.String()
			case "longitude":
				lon = s.ValueDecimal.String()
			}
		}
		g, err := parseGeo(lat, lon, field+".geolocation")
		return addr, g, err
	}
	return addr, Geo{}, nil
}

// parseGeo parses decimal degrees; both empty = unknown.
func parseGeo(lat, lon, field string) (Geo, error) {
	if lat == "" && lon == "" {
		return Geo{}, nil
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	switch {
	case err1 != nil || err2 != nil:
		return Geo{}, fmt.Errorf("%s: latitude %q / longitude %q not both numbers", field, clip(lat), clip(lon))
	case la < -90 || la > 90:
		return Geo{}, fmt.Errorf("%s: latitude %v outside -90..90", field, la)
	case lo < -180 || lo > 180:
		return Geo{}, fmt.Errorf("%s: longitude %v outside -180..180", field, lo)
	}
	return Geo{Lat: la, Lon: lo, OK: true}, nil
}

func decodePatient(b []byte, now time.Time) (Item, error) {
	var r struct {
		fhirBase
		Meta struct {
			Security []fhirCoding `json:"security"`
		} `json:"meta"`
		Identifier       []fhirIdentifier `json:"identifier"`
		Name             []fhirName       `json:"name"`
		BirthDate        string           `json:"birthDate"`
		DeceasedBoolean  *bool            `json:"deceasedBoolean"`
		DeceasedDateTime string           `json:"deceasedDateTime"`
		Address          []fhirAddress    `json:"address"`
		Contact          []struct {
			Name         fhirName      `json:"name"`
			Relationship []fhirConcept `json:"relationship"`
		} `json:"contact"`
	}
	if err := unmarshal(b, KindPatient, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	p := Patient{ID: r.ID}
	for _, id := range r.Identifier {
		if id.System == mrnSystem || (p.MRN == "" && id.Value != "") {
			p.MRN = id.Value
		}
	}
	p.Family, p.Given = firstName(r.Name)
	var err error
	if p.BirthDate, err = parseFHIRTime(r.BirthDate, "birthDate"); err != nil {
		return Item{}, err
	}
	if p.BirthDate.After(now) {
		return Item{}, fmt.Errorf("birthDate %s is in the future", r.BirthDate)
	}
	if p.DeceasedAt, err = parseFHIRTime(r.DeceasedDateTime, "deceasedDateTime"); err != nil {
		return Item{}, err
	}
	if !p.DeceasedAt.IsZero() && !p.BirthDate.IsZero() && p.DeceasedAt.Before(p.BirthDate) {
		return Item{}, errors.New("deceasedDateTime before birthDate")
	}
	p.Deceased = !p.DeceasedAt.IsZero() || (r.DeceasedBoolean != nil && *r.DeceasedBoolean)
	if p.Address, p.Home, err = address(r.Address, "address[0]"); err != nil {
		return Item{}, err
	}
	for _, s := range r.Meta.Security {
		if s.System != "" && s.System != confidentialCS {
			continue
		}
		if s.Code == "V" || (s.Code == "R" && p.Confidentiality == "") {
			p.Confidentiality = s.Code
		}
	}
	for _, c := range r.Contact {
		f, g := firstName([]fhirName{c.Name})
		p.Contacts = append(p.Contacts, Person{Family: f, Given: g, Relationship: conceptText(c.Relationship)})
	}
	return Item{ID: p.ID, Value: p}, nil
}

// conceptText is the text, else first code, of the first concept.
func conceptText(cs []fhirConcept) string {
	for _, c := range cs {
		if c.Text != "" {
			return c.Text
		}
		for _, cd := range c.Coding {
			if cd.Code != "" {
				return cd.Code
			}
		}
	}
	return ""
}

func decodePractitioner(b []byte, _ time.Time) (Item, error) {
	var r struct {
		fhirBase
		Identifier []fhirIdentifier `json:"identifier"`
		Name       []fhirName       `json:"name"`
	}
	if err := unmarshal(b, KindPractitioner, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	p := Practitioner{ID: r.ID}
	for _, id := range r.Identifier {
		if id.System == userIDSystem {
			p.UserID = id.Value
		}
	}
	if p.UserID == "" {
		return Item{}, fmt.Errorf("missing identifier with system %s (the user_id)", userIDSystem)
	}
	p.Family, p.Given = firstName(r.Name)
	return Item{ID: p.ID, Value: p}, nil
}

func decodePractitionerRole(b []byte, _ time.Time) (Item, error) {
	var r struct {
		fhirBase
		Practitioner fhirRef       `json:"practitioner"`
		Code         []fhirConcept `json:"code"`
		Specialty    []fhirConcept `json:"specialty"`
	}
	if err := unmarshal(b, KindPractitionerRole, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	pid, err := refID(r.Practitioner.Reference, "Practitioner", "practitioner.reference")
	if err != nil {
		return Item{}, err
	}
	pr := PractitionerRole{ID: r.ID, PractitionerID: pid, Role: strings.ToLower(conceptText(r.Code)),
		Department: conceptText(r.Specialty)}
	return Item{ID: pr.ID, Value: pr}, nil
}

func decodeEncounter(b []byte, _ time.Time) (Item, error) {
	var r struct {
		fhirBase
		Subject     fhirRef     `json:"subject"`
		Period      fhirPeriod  `json:"period"`
		ServiceType fhirConcept `json:"serviceType"`
		Participant []struct {
			Individual fhirRef `json:"individual"`
		} `json:"participant"`
		Location []struct {
			Location fhirRef `json:"location"`
		} `json:"location"`
	}
	if err := unmarshal(b, KindEncounter, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	pat, err := refID(r.Subject.Reference, "Patient", "subject.reference")
	if err != nil {
		return Item{}, err
	}
	e := Encounter{ID: r.ID, PatientID: pat, Department: r.ServiceType.Text}
	if e.Start, e.End, err = parsePeriod(r.Period, "period"); err != nil {
		return Item{}, err
	}
	if e.Start.IsZero() {
		return Item{}, errors.New("missing period.start")
	}
	if e.Department == "" && len(r.Location) > 0 {
		e.Department = r.Location[0].Location.Display
	}
	for i, p := range r.Participant {
		if p.Individual.Reference == "" {
			continue
		}
		id, err := refID(p.Individual.Reference, "Practitioner", fmt.Sprintf("participant[%d].individual.reference", i))
		if err != nil {
			continue // RelatedPerson participants etc. are not staff
		}
		e.Participants = append(e.Participants, id)
	}
	return Item{ID: e.ID, Value: e}, nil
}

func decodeCareTeam(b []byte, _ time.Time) (Item, error) {
	var r struct {
		fhirBase
		Subject     fhirRef    `json:"subject"`
		Period      fhirPeriod `json:"period"`
		Participant []struct {
			Member fhirRef `json:"member"`
		} `json:"participant"`
	}
	if err := unmarshal(b, KindCareTeam, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	pat, err := refID(r.Subject.Reference, "Patient", "subject.reference")
	if err != nil {
		return Item{}, err
	}
	c := CareTeam{ID: r.ID, PatientID: pat}
	if c.Start, c.End, err = parsePeriod(r.Period, "period"); err != nil {
		return Item{}, err
	}
	for _, p := range r.Participant {
		if id, err := refID(p.Member.Reference, "Practitioner", "member"); err == nil {
			c.Members = append(c.Members, id)
		}
	}
	return Item{ID: c.ID, Value: c}, nil
}

func decodeRelatedPerson(b []byte, _ time.Time) (Item, error) {
	var r struct {
		fhirBase
		Patient      fhirRef       `json:"patient"`
		Name         []fhirName    `json:"name"`
		Address      []fhirAddress `json:"address"`
		Relationship []fhirConcept `json:"relationship"`
	}
	if err := unmarshal(b, KindRelatedPerson, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	pat, err := refID(r.Patient.Reference, "Patient", "patient.reference")
	if err != nil {
		return Item{}, err
	}
	rp := RelatedPerson{ID: r.ID, PatientID: pat, Relationship: conceptText(r.Relationship)}
	rp.Family, rp.Given = firstName(r.Name)
	if rp.Address, _, err = address(r.Address, "address[0]"); err != nil {
		return Item{}, err
	}
	return Item{ID: rp.ID, Value: rp}, nil
}

func decodeCondition(b []byte, _ time.Time) (Item, error) {
	var r struct {
		fhirBase
		Subject   fhirRef     `json:"subject"`
		Code      fhirConcept `json:"code"`
		Encounter fhirRef     `json:"encounter"`
	}
	if err := unmarshal(b, KindCondition, &r, &r.fhirBase); err != nil {
		return Item{}, err
	}
	pat, err := refID(r.Subject.Reference, "Patient", "subject.reference")
	if err != nil {
		return Item{}, err
	}
	c := Condition{ID: r.ID, PatientID: pat, Text: r.Code.Text}
	if len(r.Code.Coding) > 0 {
		c.Code = r.Code.Coding[0].Code
	}
	if c.Code == "" {
		c.Code = c.Text
	}
	if c.Code == "" {
		return Item{}, errors.New("missing code (code.coding[0].code or code.text)")
	}
	if r.Encounter.Reference != "" {
		c.EncounterID, _ = refID(r.Encounter.Reference, "Encounter", "encounter.reference")
	}
	return Item{ID: c.ID, Value: c}, nil
}
