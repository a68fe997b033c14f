package sim

import (
	"bufio"
	"encoding/csv"
	"errors"
	"strconv"
	"time"
)

const (
	confSys = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
	roleSys = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
	partSys = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	geoURL  = "http://hl7.org/fhir/StructureDefinition/geolocation"
)

// ContextFiles are the files of context/, in the order an importer should
// load them (roster and assets first, then FHIR resources before the ones
// that refer to them).
var ContextFiles = []string{"staff.csv", "assets.csv", "Patient.ndjson", "Practitioner.ndjson",
	"PractitionerRole.ndjson", "Encounter.ndjson", "CareTeam.ndjson", "RelatedPerson.ndjson", "Condition.ndjson"}

// writeContext writes context/: the FHIR R4 Bulk Data NDJSON files,
// staff.csv and assets.csv.
func writeContext(w *World, out Sink, m *Manifest) error {
	files := []struct {
		name string
		gen  func(emit func(func(*jw))) int
	}{
		{"Patient.ndjson", w.fhirPatients}, {"Practitioner.ndjson", w.fhirPractitioners},
		{"PractitionerRole.ndjson", w.fhirRoles}, {"Encounter.ndjson", w.fhirEncounters},
		{"CareTeam.ndjson", w.fhirCareTeams}, {"RelatedPerson.ndjson", w.fhirRelated},
		{"Condition.ndjson", w.fhirConditions},
	}
	for _, f := range files {
		n, err := writeNDJSON(out, "context/"+f.name, f.gen)
		if err != nil {
			return err
		}
		m.Files["context/"+f.name] = n
	}
	if err := writeCSV(out, "context/staff.csv", w.staffRows(), m); err != nil {
		return err
	}
	return writeCSV(out, "context/assets.csv", w.assetRows(), m)
}

func writeNDJSON(out Sink, name string, gen func(emit func(func(*jw))) int) (int, error) {
	f, err := out.Create(name)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var j jw
	var werr error
	n := gen(func(build func(*jw)) {
		j.b = j.b[:0]
		build(&j)
		j.b = append(j.b, '\n')
		if werr == nil {
			_, werr = bw.Write(j.b)
		}
	})
	return n, errors.Join(werr, bw.Flush(), f.Close())
}

func writeCSV(out Sink, name string, rows [][]string, m *Manifest) error {
	f, err := out.Create(name)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	werr := cw.WriteAll(rows)
	m.Files[name] = len(rows) - 1
	return errors.Join(werr, f.Close())
}

func (j *jw) humanName(family, given string) {
	j.key("name")
	j.b = append(j.b, '[')
	j.open()
	j.str("family", family)
	j.strs("given", given)
	j.close()
	j.b = append(j.b, ']')
}

func (j *jw) address(line, cityName, zip string, lat, lon float64) {
	j.key("address")
	j.b = append(j.b, '[')
	j.open()
	j.strs("line", line)
	j.str("city", cityName)
	j.str("state", "RI")
	j.str("postalCode", zip)
	j.key("extension")
	j.b = append(j.b, `[{"url":"`+geoURL+`","extension":[{"url":"latitude","valueDecimal":`...)
	j.b = strconv.AppendFloat(j.b, lat, 'f', 6, 64)
	j.b = append(j.b, `},{"url":"longitude","valueDecimal":`...)
	j.b = strconv.AppendFloat(j.b, lon, 'f', 6, 64)
	j.b = append(j.b, `}]}]`...)
	j.close()
	j.b = append(j.b, ']')
}

func (j *jw) ref(k, v string) {
	j.obj(k)
	j.str("reference", v)
	j.close()
}

var relText = map[string]string{"SPS": "spouse", "CHILD": "child", "MTH": "mother", "FTH": "father", "SIB": "sibling"}

func (w *World) fhirPatients(emit func(func(*jw))) int {
	for i := range w.patients {
		p := &w.patients[i]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "Patient")
			j.str("id", p.ID)
			if p.Security != "" {
				j.raw("meta", `{"security":[{"system":"`+confSys+`","code":"`+p.Security+`"}]}`)
			}
			j.raw("identifier", `[{"system":"urn:vigil:mrn","value":"`+p.MRN+`"}]`)
			j.boolean("active", true)
			j.humanName(p.Last, p.First)
			j.str("gender", p.Gender)
			j.str("birthDate", p.Birth)
			if !p.Deceased.IsZero() {
				j.ts("deceasedDateTime", p.Deceased)
			}
			j.address(p.Address, p.City, p.Zip, p.Lat, p.Lon)
			if p.ContactRel != "" {
				j.key("contact")
				j.b = append(j.b, `[{"relationship":[{"coding":[{"system":"`+roleSys+`","code":"`+p.ContactRel+`"}],"text":"`+relText[p.ContactRel]+`"}],"name":{"family":`...)
				j.b = appendJSONString(j.b, p.Last)
				j.b = append(j.b, `,"given":[`...)
				j.b = appendJSONString(j.b, p.ContactFirst)
				j.b = append(j.b, `]}}]`...)
			}
			j.close()
		})
	}
	return len(w.patients)
}

func (w *World) humans() []int {
	var out []int
	for i := range w.staff {
		if w.staff[i].Role != "service_account" {
			out = append(out, i)
		}
	}
	return out
}

func (w *World) fhirPractitioners(emit func(func(*jw))) int {
	hs := w.humans()
	for _, i := range hs {
		s := &w.staff[i]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "Practitioner")
			j.str("id", s.EmployeeID)
			j.raw("identifier", `[{"system":"urn:vigil:user-id","value":"`+s.UserID+`"},{"system":"urn:vigil:employee-id","value":"`+s.EmployeeID+`"}]`)
			j.boolean("active", s.Term.IsZero())
			j.humanName(s.Last, s.First)
			j.address(s.Address, s.City, s.Zip, s.Lat, s.Lon)
			j.close()
		})
	}
	return len(hs)
}

func (w *World) fhirRoles(emit func(func(*jw))) int {
	hs := w.humans()
	for _, i := range hs {
		s := &w.staff[i]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "PractitionerRole")
			j.str("id", "pr-"+s.EmployeeID)
			j.boolean("active", s.Term.IsZero())
			j.obj("period")
			j.str("start", s.Hire.Format("2006-01-02"))
			if !s.Term.IsZero() {
				j.str("end", s.Term.Format("2006-01-02"))
			}
			j.close()
			j.ref("practitioner", "Practitioner/"+s.EmployeeID)
			j.raw("code", `[{"text":"`+s.Role+`"}]`)
			j.raw("specialty", `[{"text":"`+s.Dept+`"}]`)
			j.close()
		})
	}
	return len(hs)
}

func (w *World) windowEnd() time.Time { return w.day(w.days) }

func (w *World) fhirEncounters(emit func(func(*jw))) int {
	for ei := range w.encounters {
		e := &w.encounters[ei]
		dept := departments[e.Dept]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "Encounter")
			j.str("id", e.ID)
			status := "finished"
			if e.End.After(w.windowEnd()) {
				status = "in-progress"
			}
			j.str("status", status)
			j.raw("class", `{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"`+e.Class+`"}`)
			j.raw("serviceType", `{"text":"`+dept+`"}`)
			j.ref("subject", "Patient/"+w.patients[e.Patient].ID)
			j.key("participant")
			j.b = append(j.b, '[')
			for k, p := range e.Parts {
				if k > 0 {
					j.b = append(j.b, ',')
				}
				code := "PART"
				switch {
				case k == 0:
					code = "ATND"
				case w.staff[p].deptIdx != int(e.Dept) && w.staff[p].Role == "physician":
					code = "CON"
				}
				j.b = append(j.b, `{"type":[{"coding":[{"system":"`+partSys+`","code":"`+code+`"}]}],"individual":{"reference":"Practitioner/`+w.staff[p].EmployeeID+`"}}`...)
			}
			j.b = append(j.b, ']')
			j.obj("period")
			j.ts("start", e.Start)
			if status == "finished" {
				j.ts("end", e.End)
			}
			j.close()
			j.raw("location", `[{"location":{"display":"`+dept+`"}}]`)
			j.close()
		})
	}
	return len(w.encounters)
}

func (w *World) fhirCareTeams(emit func(func(*jw))) int {
	for ci := range w.careTeams {
		c := &w.careTeams[ci]
		e := &w.encounters[c.enc]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "CareTeam")
			j.str("id", c.id)
			j.str("status", "active")
			j.ref("subject", "Patient/"+w.patients[e.Patient].ID)
			j.ref("encounter", "Encounter/"+e.ID)
			j.obj("period")
			j.ts("start", e.Start)
			j.ts("end", e.End)
			j.close()
			j.key("participant")
			j.b = append(j.b, '[')
			for k, m := range c.members {
				if k > 0 {
					j.b = append(j.b, ',')
				}
				j.b = append(j.b, `{"role":[{"text":"`+w.staff[m].Role+`"}],"member":{"reference":"Practitioner/`+w.staff[m].EmployeeID+`"}}`...)
			}
			j.b = append(j.b, ']')
			j.close()
		})
	}
	return len(w.careTeams)
}

func (w *World) fhirRelated(emit func(func(*jw))) int {
	for _, rp := range w.related {
		s := &w.staff[rp.staff]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "RelatedPerson")
			j.str("id", rp.id)
			j.boolean("active", true)
			j.ref("patient", "Patient/"+w.patients[rp.patient].ID)
			j.raw("relationship", `[{"coding":[{"system":"`+roleSys+`","code":"`+rp.rel+`"}],"text":"`+relText[rp.rel]+`"}]`)
			j.humanName(s.Last, s.First)
			j.address(s.Address, s.City, s.Zip, s.Lat, s.Lon)
			j.close()
		})
	}
	return len(w.related)
}

func (w *World) fhirConditions(emit func(func(*jw))) int {
	for ei := range w.encounters {
		e := &w.encounters[ei]
		c := conditions[e.Condition]
		emit(func(j *jw) {
			j.open()
			j.str("resourceType", "Condition")
			j.str("id", "cond-"+e.ID[4:])
			j.raw("clinicalStatus", `{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]}`)
			j.key("code")
			j.b = append(j.b, `{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"`+c.icd+`","display":`...)
			j.b = appendJSONString(j.b, c.text)
			j.b = append(j.b, `}],"text":`...)
			j.b = appendJSONString(j.b, c.text)
			j.b = append(j.b, '}')
			j.ref("subject", "Patient/"+w.patients[e.Patient].ID)
			j.ref("encounter", "Encounter/"+e.ID)
			j.ts("recordedDate", e.Start)
			j.close()
		})
	}
	return len(w.encounters)
}

// StaffColumns and AssetColumns are the CSV headers (contracts.md §1).
var (
	StaffColumns = []string{"employee_id", "user_id", "first_name", "last_name", "role", "department", "address", "city",
		"postal_code", "lat", "lon", "hire_date", "termination_date", "manager_id"}
	AssetColumns = []string{"asset_id", "hostname", "ip", "mac", "kind", "vendor", "model", "department", "criticality"}
)

func (w *World) staffRows() [][]string {
	rows := [][]string{StaffColumns}
	for _, s := range w.staff {
		term := ""
		if !s.Term.IsZero() {
			term = s.Term.Format("2006-01-02")
		}
		rows = append(rows, []string{s.EmployeeID, s.UserID, s.First, s.Last, s.Role, s.Dept, s.Address, s.City, s.Zip,
			strconv.FormatFloat(s.Lat, 'f', 6, 64), strconv.FormatFloat(s.Lon, 'f', 6, 64), s.Hire.Format("2006-01-02"),
			term, s.Manager})
	}
	return rows
}

func (w *World) assetRows() [][]string {
	rows := [][]string{AssetColumns}
	for _, a := range w.assets {
		rows = append(rows, []string{a.ID, a.Host, a.IP, a.MAC, a.Kind, a.Vendor, a.Model, a.Dept, strconv.Itoa(a.Crit)})
	}
	return rows
}
