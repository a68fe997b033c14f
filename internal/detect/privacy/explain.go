package privacy

import (
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/hospital"
)

// why is the legitimate reason found for an access.
type why uint8

// The explanations, strongest first. The first three are "direct": they come
// from care relationships recorded in the EHR.
const (
	whyNone why = iota
	whyEncounter
	whyCareTeam
	whyDepartment
	whyCollab
	whyConsult
	whyDiagnosis
	whyRole
)

var whyText = [...]string{
	whyNone:       "none",
	whyEncounter:  "the user took part in an encounter of the patient",
	whyCareTeam:   "the user is on the patient's care team",
	whyDepartment: "the user works in the department of a current or recent encounter",
	whyCollab:     "a regular collaborator of the user with a care relationship opened this record recently",
	whyConsult:    "the user's department routinely consults for the department of the patient's encounter",
	whyDiagnosis:  "the user's department regularly treats the patient's diagnosis",
	whyRole:       "the user's records role (HIM, billing, coding, registration, interface) within its daily volume norm",
}

func (w why) direct() bool { return w >= whyEncounter && w <= whyDepartment }

// overlaps reports whether [start, end] (zero end = open, zero start =
// unknown) meets [lo, hi].
func overlaps(start, end, lo, hi time.Time) bool {
	return (start.IsZero() || !start.After(hi)) && (end.IsZero() || !end.Before(lo))
}

// nearest is the encounter of the patient nearest to an access: its
// department and how far it is from the access (0 = in progress).
type nearest struct {
	Dept string
	Gap  time.Duration
	ok   bool
}

// gapTo is how far [start, end] (zero end = open, zero start = unknown) is
// from t; 0 when t is inside it.
func gapTo(start, end, t time.Time) time.Duration {
	switch {
	case !start.IsZero() && t.Before(start):
		return start.Sub(t)
	case !end.IsZero() && t.After(end):
		return t.Sub(end)
	}
	return 0
}

// explainDirect looks for a care relationship of s with the patient within
// ±window of t. near is the encounter in that window nearest to t (the one
// in progress if any), for consult patterns.
func explainDirect(cx *hospital.Context, s *hospital.Staff, pid string, t time.Time, window time.Duration) (w why, near nearest) {
	lo, hi := t.Add(-window), t.Add(window)
	dept := false
	for _, e := range cx.Encounters(pid) {
		if !overlaps(e.Start, e.End, lo, hi) {
			continue
		}
		if g := gapTo(e.Start, e.End, t); !near.ok || g < near.Gap {
			near = nearest{Dept: e.Department, Gap: g, ok: true}
		}
		if s == nil {
			continue
		}
		for _, p := range e.Participants {
			if p == s.EmployeeID {
				return whyEncounter, near
			}
		}
		if e.Department != "" && strings.EqualFold(e.Department, s.Department) {
			dept = true
		}
	}
	if s == nil {
		return whyNone, near
	}
	for _, ct := range cx.CareTeams(pid) {
		if !overlaps(ct.Start, ct.End, lo, hi) {
			continue
		}
		for _, m := range ct.Members {
			if m == s.EmployeeID {
				return whyCareTeam, near
			}
		}
	}
	if dept {
		return whyDepartment, near
	}
	return whyNone, near
}

// recordsRoles may open records for their work on the role alone, within
// the daily norm (0 = no norm: interface service accounts).
var recordsRoles = map[string]bool{"him": true, "billing": true, "coding": true}

// explainLearned tries the explanations learned from the log. For a
// restricted record they hold only while the patient is under care (an
// encounter within RestrictedCareWindow of the access), and diagnosis
// responsibility not at all; the records roles, whose work (coding, billing,
// release of information) follows the stay by design, keep them all.
func (d *Detector) explainLearned(cx *hospital.Context, s *hospital.Staff, p *hospital.Patient, near nearest, us *User,
	ps *Patient, uh uint64, t time.Time) why {
	// The records role first: it is the explanation that also covers
	// personal flags (a coder codes a coworker's stay), which the learned
	// patterns below do not.
	if w := d.explainRole(cx, s, p.ID, us, t); w != whyNone {
		return w
	}
	restricted := p.Confidentiality != "" && !worksOutsideStays(s.Role)
	if !restricted || (near.ok && near.Gap <= d.cfg.RestrictedCareWindow) {
		return d.explainPattern(cx, s, p.ID, near.Dept, us, ps, uh, t, !restricted)
	}
	return whyNone
}

// explainPattern tries collaboration, consult and (with diagnosis)
// diagnosis patterns.
func (d *Detector) explainPattern(cx *hospital.Context, s *hospital.Staff, pid, encDept string, us *User,
	ps *Patient, uh uint64, t time.Time, diagnosis bool) why {
	sec := t.Unix()
	for _, a := range ps.Acc {
		if a.User != 0 && a.User != uh && a.Direct && sec-a.T <= int64(d.cfg.CollabWindow/time.Second) &&
			us.collabCount(a.User) >= uint32(d.cfg.CollabMinShared) {
			return whyCollab
		}
	}
	if encDept != "" && !strings.EqualFold(encDept, s.Department) && s.Department != "" {
		pair := d.st.Consult[hashConsult(s.Department, s.Role, encDept)]
		total := d.st.DeptTotal[hashConsult(s.Department, s.Role, "")]
		if pair >= uint32(d.cfg.ConsultMinCount) && float64(pair) >= d.cfg.ConsultMinShare*float64(total) {
			return whyConsult
		}
	}
	if diagnosis && s.Department != "" {
		for _, c := range cx.Conditions(pid) {
			if d.st.Diagnosis[hashPair(c.Code, s.Department)] >= uint32(d.cfg.DiagnosisMinCount) {
				return whyDiagnosis
			}
		}
	}
	return whyNone
}

// explainRole: the records roles within their daily norm, interfaces always.
func (d *Detector) explainRole(cx *hospital.Context, s *hospital.Staff, pid string, us *User, t time.Time) why {
	if s.Role == "service_account" || (recordsRoles[s.Role] && us.DayCount <= d.roleNorm(s.Role)) {
		return whyRole
	}
	if s.Role == "registration" && us.DayCount <= d.roleNorm(s.Role) && encounterNear(cx, pid, t, registrationWindow) {
		return whyRole
	}
	return whyNone
}

// worksOutsideStays reports the records roles, whose access to a record
// does not depend on the patient being in hospital.
func worksOutsideStays(role string) bool {
	return recordsRoles[role] || role == "service_account"
}

// registrationWindow: registration staff open the records of patients whose
// encounter starts or is under way within a day of the access.
const registrationWindow = 24 * time.Hour

func encounterNear(cx *hospital.Context, pid string, t time.Time, w time.Duration) bool {
	for _, e := range cx.Encounters(pid) {
		if overlaps(e.Start, e.End, t.Add(-w), t.Add(w)) {
			return true
		}
	}
	return false
}

// learnFrom updates the learned patterns with an unflagged first access.
func (d *Detector) learnFrom(cx *hospital.Context, s *hospital.Staff, pid, encDept string, w why, us *User,
	ps *Patient, uh uint64, sec int64) {
	for _, a := range ps.Acc {
		if a.User == 0 || a.User == uh || sec-a.T > int64(d.cfg.CollabWindow/time.Second) {
			continue
		}
		us.addCollab(a.User)
		if peer := d.st.Users[a.User]; peer != nil {
			peer.addCollab(uh)
		}
	}
	if s == nil || s.Department == "" {
		return
	}
	learn(d.st.DeptTotal, hashConsult(s.Department, s.Role, ""))
	if encDept != "" && !strings.EqualFold(encDept, s.Department) {
		learn(d.st.Consult, hashConsult(s.Department, s.Role, encDept))
	}
	if w.direct() {
		for _, c := range cx.Conditions(pid) {
			learn(d.st.Diagnosis, hashPair(c.Code, s.Department))
		}
	}
}
