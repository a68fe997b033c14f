package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// Staff is one row of staff.csv plus what the generators need.
type Staff struct {
	EmployeeID, UserID  string
	First, Last         string
	Role, Dept          string
	Address, City, Zip  string
	Lat, Lon            float64
	Hire, Term          time.Time // Term zero = employed
	Manager             string    // employee_id
	shift               shiftKind
	offset              int    // shift-rota phase
	homeIP              string // public address used for VPN from home
	patient             int    // index of the staff member's own patient record, -1 if none
	workstation         int    // asset index of the usual workstation
	deptIdx             int
	clinical, officeJob bool
	display             string // "First Last"
}

// Patient is one FHIR Patient.
type Patient struct {
	ID, MRN       string
	First, Last   string
	Gender, Birth string
	Address, City string
	Zip           string
	Lat, Lon      float64
	Security      string    // "", "R" (restricted) or "V" (very restricted, VIP)
	Deceased      time.Time // zero = alive
	ContactFirst  string
	ContactRel    string
	staff         int // index of the staff member this patient is, -1 if none
}

// related is a RelatedPerson: staff member s is a relative of patient p.
type related struct {
	id      string
	patient int
	staff   int
	rel     string // v3-RoleCode: SPS, CHILD, MTH, FTH, SIB
}

// roleWeights gives each role's share of the roster in per-mille; the
// service accounts are added on top (see serviceAccounts).
var roleWeights = []struct {
	role string
	w    int
	min  int
}{
	{"physician", 130, 10}, {"resident", 60, 4}, {"nurse", 340, 20}, {"float_nurse", 40, 3},
	{"pharmacist", 30, 2}, {"therapist", 40, 2}, {"technician", 80, 5}, {"him", 25, 3},
	{"billing", 30, 3}, {"coding", 20, 2}, {"registration", 40, 3}, {"it", 35, 3}, {"helpdesk", 15, 2},
	{"finance", 25, 3}, {"executive", 10, 4}, {"research", 25, 2},
}

// serviceAccounts are non-human accounts: bulk exporters, interfaces and
// vendors with scheduled maintenance windows.
var serviceAccounts = []struct{ user, first, last, dept string }{
	{"svc_fhir_export", "FHIR", "Bulk Export", "IT"},
	{"svc_hl7_engine", "HL7", "Interface Engine", "IT"},
	{"svc_backup", "Backup", "Service", "IT"},
	{"vnd_philips", "Philips", "Field Service", "Clinical Engineering"},
	{"vnd_gehc", "GE Healthcare", "Remote Service", "Clinical Engineering"},
}

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// home draws an address with coordinates in one of the towns.
func home(r *rand.Rand) (addr, cityName, zip string, lat, lon float64) {
	c := pick(r, cities)
	lat = c.lat + (r.Float64()-0.5)*0.06
	lon = c.lon + (r.Float64()-0.5)*0.08
	addr = fmt.Sprintf("%d %s", 1+r.IntN(2400), pick(r, streets))
	zip = fmt.Sprintf("%s%02d", c.postal, r.IntN(100))
	return addr, c.name, zip, round6(lat), round6(lon)
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// deptForRole places a person of a role in a department.
func deptForRole(r *rand.Rand, role string) string {
	switch role {
	case "physician", "resident", "nurse", "float_nurse", "therapist":
		return wardDepts[weighted(r, deptWeight)]
	case "pharmacist":
		return "Pharmacy"
	case "technician":
		return pick(r, []string{"Radiology", "Laboratory", "Radiology", "Laboratory", "Clinical Engineering"})
	case "him", "coding":
		return "HIM"
	case "billing":
		return "Billing"
	case "registration":
		return "Registration"
	case "it", "helpdesk":
		return "IT"
	case "finance":
		return "Finance"
	case "executive":
		return "Administration"
	case "research":
		return "Research"
	}
	return "Administration"
}

func weighted(r *rand.Rand, ws []int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	n := r.IntN(total)
	for i, w := range ws {
		if n < w {
			return i
		}
		n -= w
	}
	return len(ws) - 1
}

func deptIndex(name string) int {
	for i, d := range departments {
		if d == name {
			return i
		}
	}
	return -1
}

// buildStaff makes the roster: roles by weight (with minimums), unique
// user ids, homes, hire and termination dates, managers.
func (w *World) buildStaff(r *rand.Rand) {
	n := w.prof.Staff - len(serviceAccounts)
	var roles []string
	for _, rw := range roleWeights {
		c := max(rw.min, n*rw.w/1000)
		for range c {
			roles = append(roles, rw.role)
		}
	}
	for len(roles) < n {
		roles = append(roles, "nurse")
	}
	roles = roles[:n]
	r.Shuffle(len(roles), func(i, j int) { roles[i], roles[j] = roles[j], roles[i] })
	used := map[string]bool{}
	for i, role := range roles {
		s := Staff{EmployeeID: fmt.Sprintf("E%05d", i+1), First: pick(r, firstNames), Last: pick(r, lastNames),
			Role: role, Dept: deptForRole(r, role), patient: -1, workstation: -1}
		for {
			u := strings.ToLower(s.First[:1]+s.Last) + fmt.Sprintf("%02d", r.IntN(100))
			u = strings.ReplaceAll(u, " ", "")
			if !used[u] {
				used[u] = true
				s.UserID = u
				break
			}
		}
		s.Address, s.City, s.Zip, s.Lat, s.Lon = home(r)
		s.Hire = w.start.AddDate(0, 0, -30-r.IntN(9000))
		if r.IntN(40) == 0 { // left before the window: must not appear in events
			s.Term = w.start.AddDate(0, 0, -1-r.IntN(300))
		}
		w.staff = append(w.staff, s)
	}
	for _, sa := range serviceAccounts {
		w.staff = append(w.staff, Staff{EmployeeID: fmt.Sprintf("E%05d", len(w.staff)+1), UserID: sa.user,
			First: sa.first, Last: sa.last, Role: "service_account", Dept: sa.dept, patient: -1, workstation: -1,
			Hire: w.start.AddDate(-3, 0, 0)})
	}
	w.assignManagers()
	for i := range w.staff {
		s := &w.staff[i]
		s.deptIdx = deptIndex(s.Dept)
		s.display = s.First + " " + s.Last
		s.clinical = isClinical(s.Role)
		s.officeJob = !s.clinical && s.Role != "service_account"
		s.shift, s.offset = rota(r, s.Role)
		s.homeIP = fmt.Sprintf("73.%d.%d.%d", 16+r.IntN(200), r.IntN(256), 1+r.IntN(254))
		w.byUser[s.UserID] = i
	}
}

// assignManagers makes the first executive the CEO, the first person of
// each department its manager (reporting to the CEO), everyone else report
// to their department manager.
func (w *World) assignManagers() {
	ceo := -1
	for i, s := range w.staff {
		if s.Role == "executive" {
			ceo = i
			break
		}
	}
	head := map[string]int{}
	for i := range w.staff {
		s := &w.staff[i]
		if i == ceo {
			continue
		}
		h, ok := head[s.Dept]
		if !ok && s.Role != "service_account" && s.Term.IsZero() {
			head[s.Dept] = i
			if ceo >= 0 {
				s.Manager = w.staff[ceo].EmployeeID
			}
			continue
		}
		if ok {
			s.Manager = w.staff[h].EmployeeID
		} else if ceo >= 0 {
			s.Manager = w.staff[ceo].EmployeeID
		}
	}
}

func isClinical(role string) bool {
	switch role {
	case "physician", "resident", "nurse", "float_nurse", "pharmacist", "therapist", "technician":
		return true
	}
	return false
}

// active reports whether staff member s is employed on day t.
func (s *Staff) active(t time.Time) bool {
	return !t.Before(s.Hire) && (s.Term.IsZero() || t.Before(s.Term))
}

// buildPatients makes the patients, then the hard links to staff: staff
// who are patients, relatives (same surname and address, RelatedPerson),
// neighbours (homes within ~50 m), unrelated same-surname patients.
func (w *World) buildPatients(r *rand.Rand) {
	n := w.prof.Patients
	w.patients = make([]Patient, n)
	for i := range w.patients {
		p := &w.patients[i]
		p.ID = patientID(i + 1)
		p.MRN = fmt.Sprintf("M%08d", 10000000+i*7+1)
		p.Gender = pick(r, []string{"female", "male"})
		p.First, p.Last = pick(r, firstNames), pick(r, lastNames)
		p.Birth = w.start.AddDate(-r.IntN(95), -r.IntN(12), -r.IntN(28)).Format("2006-01-02")
		p.Address, p.City, p.Zip, p.Lat, p.Lon = home(r)
		p.staff = -1
		switch k := r.IntN(1000); {
		case k < 3:
			p.Security = "V"
		case k < 15:
			p.Security = "R"
		}
		if r.IntN(50) == 0 {
			p.Deceased = w.start.AddDate(0, 0, -r.IntN(400)).Add(time.Duration(r.IntN(86400)) * time.Second)
		}
		if r.IntN(10) < 6 {
			p.ContactFirst = pick(r, firstNames)
			p.ContactRel = pick(r, []string{"SPS", "CHILD", "MTH", "FTH", "SIB"})
		}
	}
	w.linkStaffAndPatients(r)
}

func (w *World) linkStaffAndPatients(r *rand.Rand) {
	order := r.Perm(len(w.patients)) // distinct slots: one link per patient
	next := 0
	slot := func() int { next++; return order[(next-1)%len(order)] }
	humans := 0
	for i := range w.staff {
		if w.staff[i].Role != "service_account" {
			humans++
		}
	}
	for i := range humans {
		s := &w.staff[i]
		switch k := r.IntN(100); {
		case k < 6: // the staff member is a patient here
			p := &w.patients[slot()]
			p.First, p.Last, p.Address, p.City, p.Zip, p.Lat, p.Lon = s.First, s.Last, s.Address, s.City, s.Zip, s.Lat, s.Lon
			p.staff = i
		case k < 11: // a relative living at the same address, linked by RelatedPerson
			pi := slot()
			p := &w.patients[pi]
			p.Last, p.Address, p.City, p.Zip, p.Lat, p.Lon = s.Last, s.Address, s.City, s.Zip, s.Lat, s.Lon
			p.ContactFirst, p.ContactRel = s.First, "SPS"
			w.related = append(w.related, related{id: fmt.Sprintf("rp-%06d", len(w.related)+1), patient: pi, staff: i,
				rel: pick(r, []string{"SPS", "CHILD", "MTH", "SIB"})})
		case k < 15: // a neighbour a few doors away
			pi := slot()
			w.neighbors = append(w.neighbors, [2]int{i, pi})
			p := &w.patients[pi]
			p.Lat, p.Lon = round6(s.Lat+(r.Float64()-0.5)*0.0008), round6(s.Lon+(r.Float64()-0.5)*0.0008)
			p.City, p.Zip = s.City, s.Zip
			p.Address = fmt.Sprintf("%d %s", 1+r.IntN(2400), strings.SplitN(s.Address, " ", 2)[1])
		}
	}
	for i := range w.patients { // index the staff member's own record
		if s := w.patients[i].staff; s >= 0 {
			w.staff[s].patient = i
		}
	}
}
