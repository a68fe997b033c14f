package privacy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// A generated hospital for the randomized benign workload and the
// benchmarks: clinical departments with physicians, residents and nurses,
// consulting departments (Radiology, Pharmacy), records roles (HIM, Billing),
// patients with 1–3 encounters in the last 60 days and some care teams.

var (
	clinical    = []string{"Emergency", "Oncology", "Cardiology", "ICU", "Pediatrics"}
	consultDept = map[string]string{"Radiology": "physician", "Pharmacy": "pharmacist"}
	recordsDept = map[string]string{"HIM": "him", "Billing": "billing"}
	firstNames  = []string{"Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Max", "Nia", "Oto", "Pia"}
)

type genStaff struct{ emp, user, dept, role string }

type genEnc struct {
	pid, dept    string
	start, end   time.Time
	participants []string
}

type genHospital struct {
	files     map[string]string
	staff     []genStaff
	byDept    map[string][]genStaff
	encs      []genEnc
	careTeams map[string][]string // patient → members
}

// home is a random point in a ~20 km square around (40, -75).
func home(r *rand.Rand) (float64, float64) { return 40 + r.Float64()*0.18, -75 + r.Float64()*0.23 }

func generate(seed uint64, nStaff, nPatients int, end time.Time) *genHospital {
	r := rand.New(rand.NewPCG(seed, 7))
	g := &genHospital{files: map[string]string{}, byDept: map[string][]genStaff{}, careTeams: map[string][]string{}}
	var sb strings.Builder
	sb.WriteString(staffHeader)
	for i := range nStaff {
		var dept, role string
		switch x := i % 20; {
		case x < 15:
			dept = clinical[i%len(clinical)]
			role = []string{"physician", "resident", "nurse", "nurse"}[r.IntN(4)]
		case x < 18:
			dept = []string{"Radiology", "Pharmacy"}[x%2]
			role = consultDept[dept]
		default:
			dept = []string{"HIM", "Billing"}[x%2]
			role = recordsDept[dept]
		}
		s := genStaff{emp: fmt.Sprintf("E%05d", i), user: fmt.Sprintf("u%05d", i), dept: dept, role: role}
		lat, lon := home(r)
		fmt.Fprintf(&sb, "%s,%s,%s,Staff%05d,%s,%s,%d Staff Street,Springfield,1%04d,%.5f,%.5f,2015-01-01,,\n",
			s.emp, s.user, firstNames[r.IntN(len(firstNames))], i, role, dept, i, i%10000, lat, lon)
		g.staff = append(g.staff, s)
		g.byDept[dept] = append(g.byDept[dept], s)
	}
	g.files["staff.csv"] = sb.String()
	var pb, eb, cb strings.Builder
	for i := range nPatients {
		pid := fmt.Sprintf("pat-%06d", i)
		lat, lon := home(r)
		fmt.Fprintf(&pb, `{"resourceType":"Patient","id":%q,"identifier":[{"system":"urn:vigil:mrn","value":"M%06d"}],"name":[{"family":"Family%06d","given":[%q]}],"birthDate":"1960-05-0%d","address":[{"line":["%d Patient Road"],"city":"Springfield","postalCode":"2%04d","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/geolocation","extension":[{"url":"latitude","valueDecimal":%.5f},{"url":"longitude","valueDecimal":%.5f}]}]}]}`+"\n",
			pid, i, i, firstNames[r.IntN(len(firstNames))], 1+i%9, i, i%10000, lat, lon)
		for e := range 1 + r.IntN(3) {
			dept := clinical[r.IntN(len(clinical))]
			start := end.Add(-time.Duration(r.IntN(60*24)) * time.Hour)
			stop := start.Add(time.Duration(4+r.IntN(96)) * time.Hour)
			team := g.byDept[dept]
			enc := genEnc{pid: pid, dept: dept, start: start, end: stop}
			var parts []string
			for range 1 + r.IntN(3) {
				s := team[r.IntN(len(team))]
				enc.participants = append(enc.participants, s.emp)
				parts = append(parts, fmt.Sprintf(`{"individual":{"reference":"Practitioner/%s"}}`, s.emp))
			}
			fmt.Fprintf(&eb, `{"resourceType":"Encounter","id":"enc-%06d-%d","subject":{"reference":"Patient/%s"},"participant":[%s],"period":{"start":%q,"end":%q},"serviceType":{"text":%q}}`+"\n",
				i, e, pid, strings.Join(parts, ","), start.Format(time.RFC3339), stop.Format(time.RFC3339), dept)
			g.encs = append(g.encs, enc)
			if e == 0 && r.IntN(10) < 3 {
				a, b := team[r.IntN(len(team))], team[r.IntN(len(team))]
				g.careTeams[pid] = []string{a.emp, b.emp}
				fmt.Fprintf(&cb, `{"resourceType":"CareTeam","id":"ct-%06d","subject":{"reference":"Patient/%s"},"participant":[{"member":{"reference":"Practitioner/%s"}},{"member":{"reference":"Practitioner/%s"}}],"period":{"start":%q}}`+"\n",
					i, pid, a.emp, b.emp, start.Format(time.RFC3339))
			}
		}
	}
	g.files["Patient.ndjson"], g.files["Encounter.ndjson"], g.files["CareTeam.ndjson"] = pb.String(), eb.String(), cb.String()
	return g
}

// benign draws n legitimate accesses, by time: mostly encounter
// participants, then colleagues of the encounter's department, care team
// members, consults from Radiology / Pharmacy and records roles.
func (g *genHospital) benign(seed uint64, n int) []access {
	r := rand.New(rand.NewPCG(seed, 11))
	byEmp := map[string]genStaff{}
	for _, s := range g.staff {
		byEmp[s.emp] = s
	}
	out := make([]access, 0, n)
	for range n {
		e := g.encs[r.IntN(len(g.encs))]
		t := e.start.Add(time.Duration(r.Int64N(int64(e.end.Sub(e.start)) + 1)))
		var s genStaff
		switch x := r.IntN(100); {
		case x < 60:
			s = byEmp[e.participants[r.IntN(len(e.participants))]]
		case x < 80:
			s = g.byDept[e.dept][r.IntN(len(g.byDept[e.dept]))]
		case x < 88 && len(g.careTeams[e.pid]) > 0:
			s = byEmp[g.careTeams[e.pid][r.IntN(2)]]
		case x < 95:
			d := []string{"Radiology", "Pharmacy"}[r.IntN(2)]
			s = g.byDept[d][r.IntN(len(g.byDept[d]))]
		default:
			d := []string{"HIM", "Billing"}[r.IntN(2)]
			s = g.byDept[d][r.IntN(len(g.byDept[d]))]
		}
		if s.user == "" {
			s = byEmp[e.participants[0]]
		}
		out = append(out, access{user: s.user, patient: e.pid, t: t})
	}
	slices.SortFunc(out, func(a, b access) int { return a.t.Compare(b.t) })
	return out
}
