package privacy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/hospital"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// t0 is the fixture's "now": mid-November 2026.
var t0 = time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC)

// loadContext imports files given as name → content into a new holder.
func loadContext(t testing.TB, files map[string]string) *hospital.Holder {
	t.Helper()
	h := hospital.NewHolder(nil, func() time.Time { return t0 })
	for _, k := range hospital.AllKinds {
		for name, body := range files {
			if kk, _ := hospital.KindOf(name); kk != k {
				continue
			}
			res, err := h.Import(context.Background(), name, k, strings.NewReader(body))
			if err != nil || res.RejectedTotal > 0 {
				t.Fatalf("%s: %v %+v", name, err, res.Rejected)
			}
		}
	}
	return h
}

func ndjson(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func patient(id, given, family, line string, lat, lon float64, extra string) string {
	geo := ""
	if lat != 0 {
		geo = fmt.Sprintf(`,"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/geolocation","extension":[{"url":"latitude","valueDecimal":%v},{"url":"longitude","valueDecimal":%v}]}]`, lat, lon)
	}
	return fmt.Sprintf(`{"resourceType":"Patient","id":%q,"name":[{"family":%q,"given":[%q]}],"birthDate":"1970-01-01","address":[{"line":[%q],"city":"Springfield","postalCode":"12345"%s}]%s}`,
		id, family, given, line, geo, extra)
}

func encounter(id, pid, dept string, start, end time.Time, participants ...string) string {
	var ps []string
	for _, p := range participants {
		ps = append(ps, fmt.Sprintf(`{"individual":{"reference":"Practitioner/%s"}}`, p))
	}
	period := fmt.Sprintf(`"start":%q`, start.Format(time.RFC3339))
	if !end.IsZero() {
		period += fmt.Sprintf(`,"end":%q`, end.Format(time.RFC3339))
	}
	return fmt.Sprintf(`{"resourceType":"Encounter","id":%q,"subject":{"reference":"Patient/%s"},"participant":[%s],"period":{%s},"serviceType":{"text":%q}}`,
		id, pid, strings.Join(ps, ","), period, dept)
}

const staffHeader = "employee_id,user_id,first_name,last_name,role,department,address,city,postal_code,lat,lon,hire_date,termination_date,manager_id\n"

// fixture is the hand-made hospital of the precise tests.
func fixture(t testing.TB) *hospital.Holder {
	day := 24 * time.Hour
	return loadContext(t, map[string]string{
		"staff.csv": staffHeader +
			"E001,jdoe42,Jane,Doe,nurse,Oncology,12 Elm Street,Springfield,12345,40.0000,-75.0000,2015-03-01,,\n" +
			"E002,bsmith7,Bob,Smith,physician,Cardiology,1 Oak Road,Springfield,12345,40.0500,-75.0500,2010-06-15,,\n" +
			"E003,cgone,Carl,Gone,billing,Billing,9 Pine Lane,Springfield,12345,40.1000,-75.1000,2012-01-01,2026-01-31,\n" +
			"E004,amiller,Alice,Miller,nurse,Oncology,5 Birch Ave,Springfield,12345,40.2000,-75.2000,2018-01-01,,\n" +
			"E005,rray,Rita,Ray,physician,Radiology,7 Cedar Ct,Springfield,12345,40.3000,-75.3000,2011-01-01,,\n" +
			"E006,hclerk,Hana,Clerk,him,HIM,8 Fir St,Springfield,12345,40.4000,-75.4000,2016-01-01,,\n" +
			"E007,pnurse,Pat,Nurse,nurse,Cardiology,3 Maple Dr,Springfield,12345,40.5000,-75.5000,2019-01-01,,\n" +
			"E008,enurse,Eve,Nurse,nurse,Emergency,4 Spruce Rd,Springfield,12345,40.6000,-75.6000,2019-01-01,,\n" +
			"E009,rclerk,Rob,Clerk,registration,Registration,6 Yew St,Springfield,12345,40.7000,-75.7000,2019-01-01,,\n",
		"Patient.ndjson": ndjson(
			patient("pat-enc", "John", "Roe", "1 A St", 41, -76, ""),
			patient("pat-ct", "Carol", "Team", "2 A St", 41, -76, ""),
			patient("pat-dept", "Dan", "Dept", "3 A St", 41, -76, ""),
			patient("pat-cowork", "Alice", "Miller", "5 Birch Ave", 40.2, -75.2, ""),
			patient("pat-house", "Jim", "Doe", "12 Elm Street", 40.0, -75.0, ""),
			patient("pat-rel", "Mary", "Major", "9 B St", 41, -76, ""),
			patient("pat-contact", "Tom", "Minor", "10 B St", 41, -76, `,"contact":[{"name":{"family":"Doe","given":["Jane"]},"relationship":[{"text":"friend"}]}]`),
			patient("pat-near", "Ned", "Near", "14 Elm Street", 40.0018, -75.0, ""),
			patient("pat-far", "Fay", "Far", "99 Far Road", 40.0100, -75.0, ""),
			patient("pat-vip", "Vera", "Star", "1 Hill", 42, -77, `,"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}`),
			patient("pat-dead", "Dee", "Gone", "2 Hill", 42, -77, `,"deceasedDateTime":"2026-10-01T10:00:00Z"`),
			patient("pat-self", "Jane", "Doe", "12 Elm Street", 40.0, -75.0, ""),
			patient("pat-search", "Sam", "Searchme", "3 Hill", 42, -77, ""),
			patient("pat-btg", "Bea", "Glass", "4 Hill", 42, -77, ""),
			patient("pat-btg-ok", "Ben", "Glass", "5 Hill", 42, -77, ""),
			patient("pat-collab", "Col", "Lab", "6 Hill", 42, -77, ""),
			patient("pat-dx", "Dia", "Gnosis", "7 Hill", 42, -77, ""),
			patient("pat-kin", "Kim", "Doe", "12 Elm Street", 40.0, -75.0, ""),
			patient("pat-kin-ct", "Kit", "Doe", "12 Elm Street", 40.0, -75.0, ""),
			patient("pat-colleague-old", "Bob", "Smith", "1 Oak Road", 40.05, -75.05, ""),
			patient("pat-colleague-now", "Rita", "Ray", "7 Cedar Ct", 40.3, -75.3, ""),
		),
		"Encounter.ndjson": ndjson(
			encounter("enc-1", "pat-enc", "Cardiology", t0.Add(-2*day), time.Time{}, "E002"),
			encounter("enc-2", "pat-dept", "Oncology", t0.Add(-12*day), t0.Add(-10*day)),
			encounter("enc-old", "pat-far", "Oncology", t0.Add(-90*day), t0.Add(-88*day), "E001"),
			encounter("enc-btg", "pat-btg-ok", "Emergency", t0.Add(2*time.Hour), t0.Add(5*time.Hour), "E005"),
			encounter("enc-collab", "pat-collab", "Emergency", t0.Add(-1*day), time.Time{}),
			encounter("enc-kin", "pat-kin", "Oncology", t0.Add(-5*day), t0.Add(-3*day)),
			encounter("enc-colleague-old", "pat-colleague-old", "Oncology", t0.Add(-14*day), t0.Add(-13*day)),
			encounter("enc-colleague-now", "pat-colleague-now", "Oncology", t0.Add(-1*day), time.Time{}),
		),
		"CareTeam.ndjson": ndjson(
			`{"resourceType":"CareTeam","id":"ct-1","subject":{"reference":"Patient/pat-ct"},"participant":[{"member":{"reference":"Practitioner/E001"}}],"period":{"start":"2026-11-01T00:00:00Z"}}`,
			`{"resourceType":"CareTeam","id":"ct-kin","subject":{"reference":"Patient/pat-kin-ct"},"participant":[{"member":{"reference":"Practitioner/E001"}}],"period":{"start":"2026-11-01T00:00:00Z"}}`,
			`{"resourceType":"CareTeam","id":"ct-2","subject":{"reference":"Patient/pat-collab"},"participant":[{"member":{"reference":"Practitioner/E007"}}],"period":{"start":"2026-11-01T00:00:00Z"}}`,
		),
		"RelatedPerson.ndjson": ndjson(
			`{"resourceType":"RelatedPerson","id":"rp-1","patient":{"reference":"Patient/pat-rel"},"name":[{"family":"Doe","given":["Jane"]}],"relationship":[{"text":"sister"}]}`,
		),
		"Condition.ndjson": ndjson(
			`{"resourceType":"Condition","id":"cond-dx","subject":{"reference":"Patient/pat-dx"},"code":{"coding":[{"code":"C50.9"}],"text":"Breast cancer"}}`,
		),
	})
}

// auditEvent is a BALP-style FHIR AuditEvent of one access.
type access struct {
	id, user, patient, action, query string
	t                                time.Time
}

func (a access) json() string {
	typ, sub, purpose := `{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"}`, `[{"code":"read"}]`, ""
	switch a.action {
	case "search":
		typ, sub = `{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110112"}`, `[{"code":"search-type"}]`
	case "export":
		typ = `{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110106"}`
	case "break-the-glass":
		purpose = `,"purposeOfUse":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"BTG"}]}]`
	}
	var ents []string
	if a.patient != "" {
		ents = append(ents, fmt.Sprintf(`{"what":{"reference":"Patient/%s"}}`, a.patient))
	}
	if a.query != "" {
		ents = append(ents, fmt.Sprintf(`{"query":%q}`, base64.StdEncoding.EncodeToString([]byte(a.query))))
	}
	b, _ := json.Marshal(json.RawMessage(fmt.Sprintf(`{"resourceType":"AuditEvent","id":%q,"type":%s,"subtype":%s,"action":"R","recorded":%q,"outcome":"0",
		"agent":[{"who":{"identifier":{"value":%q}},"requestor":true,"network":{"address":"10.9.8.7","type":"2"}%s}],
		"source":{"observer":{"display":"ehr-prod"}},"entity":[%s]}`, a.id, typ, sub, a.t.Format(time.RFC3339Nano), a.user, purpose, strings.Join(ents, ","))))
	return string(b)
}

var decoders = decode.NewSet()

// run decodes accesses with the real FHIR decoder and passes them to d.
func run(t testing.TB, d *Detector, accs ...access) []finding.Finding {
	t.Helper()
	var out []finding.Finding
	for i, a := range accs {
		if a.id == "" {
			a.id = fmt.Sprintf("ae-%s-%s-%d-%d", a.user, a.patient, a.t.UnixNano(), i)
		}
		if a.action == "" {
			a.action = "read"
		}
		ev := new(event.Event)
		if err := decoders.Decode(event.FormatFHIR, []byte(a.json()), ev); err != nil {
			t.Fatalf("decode %s: %v", a.json(), err)
		}
		ev.Ingested = a.t
		d.Detect(context.Background(), ev, func(f finding.Finding) { out = append(out, f) })
	}
	return out
}
