package privacy

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/hospital"
)

// access judges one access of ev's user to ev's patient.
func (d *Detector) access(cx *hospital.Context, ev *event.Event, action string, emit func(finding.Finding)) {
	user, pid := ev.Entities.User, ev.Entities.Patient
	sec := ev.Time.Unix()
	day := int32(sec / 86400)
	uh, ph := hashStr(user), hashStr(pid)
	us := d.st.user(uh, sec, d.cfg.MaxUsers)
	ps := d.st.patient(ph, sec, d.cfg.MaxPatients)
	staff, pat := cx.StaffRef(user), cx.Patient(pid)
	if staff != nil {
		d.rollRoleDay(staff.Role, us, ev.Time)
	}
	first := !us.seen(ph, day)

	w, near := explainDirect(cx, staff, pid, ev.Time, d.cfg.EncounterWindow)
	encDept := near.Dept
	if w == whyNone && staff != nil && pat != nil {
		w = d.explainLearned(cx, staff, pat, near, us, ps, uh, ev.Time)
	}
	sub := &subject{cx: cx, staff: staff, pat: pat, pid: pid, user: user, t: ev.Time, us: us,
		window: d.cfg.NameSearchWindow, near: d.cfg.NeighborMeters}
	flags := flagsOf(sub, w.direct() || w == whyRole)
	if (w == whyDepartment || w == whyRole) && staff != nil && pat != nil && flags&flagSelf == 0 {
		flags |= d.personalDespite(sub, w)
	}
	if w != whyNone && !w.direct() && w != whyRole {
		// A pattern learned from the log (collaboration, consult, diagnosis)
		// explains routine work, not a personal relationship: family,
		// coworker and neighbour flags stand unless a care relationship
		// recorded in the EHR explains the access.
		flags &= always | personal
		if (w == whyConsult || w == whyCollab) && near.ok && near.Gap <= d.cfg.RestrictedCareWindow {
			// ...except a colleague under care right now: a pharmacist
			// verifying the orders, a lab technician the results of a
			// coworker admitted today is the consult itself.
			flags &^= flagCoworker
		}
	}
	d.last = decision{why: w, flags: flags}

	d.stats.accesses.Add(1)
	switch {
	case w != whyNone:
		d.stats.explained.Add(1)
	case flags != 0:
		d.stats.flagged.Add(1)
	default:
		d.stats.unflagged.Add(1)
	}
	if first && flags&^flagUnknown == 0 {
		d.learnFrom(cx, staff, pid, encDept, w, us, ps, uh, sec)
	}
	if first {
		ps.add(Access{User: uh, T: sec, Direct: w.direct()})
	}
	if flags != 0 {
		d.report(emit, sub, ev, action, flags, w, first)
	}
	if action == "break-the-glass" && w == whyNone {
		p := Pending{EventID: ev.ID, User: user, Patient: pid, SrcIP: ev.Entities.SrcIP,
			T: ev.Time.UnixNano(), Ingested: ev.Ingested.UnixNano(), Deadline: ev.Time.Add(d.cfg.BTGFollowUp).UnixNano()}
		if cx.LatestEncounterStart().UnixNano() > p.Deadline && d.cfg.Now().UnixNano() > p.Deadline {
			d.judgeBTG(cx, p, emit) // a past window the context already covers
		} else {
			d.addPending(p)
		}
	}
}

// report emits the finding of a flagged access, at most one per (user,
// patient, rule) and day.
func (d *Detector) report(emit func(finding.Finding), s *subject, ev *event.Event, action string, flags flag, w why, first bool) {
	primary := primaryFlag(flags)
	r := rules[primary]
	if !d.firstToday(s.user, s.pid, r.id, s.t) {
		return
	}
	sev, conf := r.severity, r.confidence
	var tags []string
	for f := flag(1); f < flagEnd; f <<= 1 {
		if flags&f == 0 {
			continue
		}
		tags = append(tags, "privacy."+rules[f].name)
		if f != primary {
			conf += 0.05
			if rules[f].severity.Rank() > sev.Rank() {
				sev = rules[f].severity
			}
		}
	}
	if first {
		conf += 0.05
	}
	if s.staff == nil && primary != flagUnknown {
		conf /= 2
	}
	d.stats.findings.Add(1)
	emit(finding.Finding{
		ID:             finding.DeriveID(Name, r.id, []string{ev.ID}),
		Time:           ev.Time,
		Detector:       Name,
		RuleID:         r.id,
		Title:          r.title,
		Severity:       sev,
		Confidence:     min(conf, 0.99),
		Entities:       event.Entities{User: s.user, Patient: s.pid, SrcIP: ev.Entities.SrcIP, Host: ev.Entities.Host},
		EventIDs:       []string{ev.ID},
		Tags:           tags,
		Explanation:    explainText(s, action, flags, w, first, d.cfg),
		IngestedAt:     ev.Ingested,
		ContextVersion: s.cx.Version(),
	})
}

func primaryFlag(flags flag) flag {
	best := flag(0)
	for f := flag(1); f < flagEnd; f <<= 1 {
		if flags&f != 0 && (best == 0 || rules[f].severity.Rank() > rules[best].severity.Rank()) {
			best = f
		}
	}
	return best
}

// firstToday records (user, patient, rule) for the day of t and reports
// whether it is new.
func (d *Detector) firstToday(user, pid, ruleID string, t time.Time) bool {
	day := int32(t.Unix() / 86400)
	k := hashPair(user+"\x00"+pid, ruleID)
	if d.st.Dedupe[k] == day {
		return false
	}
	if len(d.st.Dedupe) >= maxDedupe {
		for k, v := range d.st.Dedupe {
			if v < day-1 {
				delete(d.st.Dedupe, k)
			}
		}
		for k := range d.st.Dedupe { // still full: forget arbitrary entries
			if len(d.st.Dedupe) < maxDedupe*9/10 {
				break
			}
			delete(d.st.Dedupe, k)
		}
	}
	d.st.Dedupe[k] = day
	return true
}

// noteSearch remembers the name terms of a user's patient search.
func (d *Detector) noteSearch(ev *event.Event) {
	q, ok := ev.Get("fhir.query")
	if !ok {
		return
	}
	if i := strings.IndexByte(q, '?'); i >= 0 {
		q = q[i+1:]
	}
	vals, err := url.ParseQuery(q)
	if err != nil && len(vals) == 0 {
		return
	}
	var s Search
	n := 0
	for k, vs := range vals {
		base, _, _ := strings.Cut(strings.ToLower(k), ":")
		if base != "name" && base != "family" && base != "given" {
			continue
		}
		for _, v := range vs {
			for _, word := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' }) {
				if t := hospital.NormalizeName(word); t != "" && n < searchTerms {
					s.Terms[n] = hashStr(t)
					n++
				}
			}
		}
	}
	if n == 0 {
		return
	}
	s.T = ev.Time.Unix()
	us := d.st.user(hashStr(ev.Entities.User), s.T, d.cfg.MaxUsers)
	us.Searches[us.SPos%searchSlots] = s
	us.SPos = (us.SPos + 1) % searchSlots
}

// addPending queues a break-the-glass access for its follow-up check.
func (d *Detector) addPending(p Pending) {
	for _, q := range d.st.Pending {
		if q.User == p.User && q.Patient == p.Patient {
			return
		}
	}
	if len(d.st.Pending) >= maxPending {
		d.st.Pending = d.st.Pending[1:] // the oldest deadline goes unchecked (documented bound)
	}
	i, _ := slices.BinarySearchFunc(d.st.Pending, p.Deadline, func(q Pending, t int64) int {
		if q.Deadline <= t {
			return -1
		}
		return 1
	})
	d.st.Pending = slices.Insert(d.st.Pending, i, p)
}

// expireBTG checks the break-the-glass accesses whose follow-up window
// ended before now (stream time): still no care relationship → a finding.
func (d *Detector) expireBTG(cx *hospital.Context, now time.Time, emit func(finding.Finding)) {
	n := now.UnixNano()
	for len(d.st.Pending) > 0 && d.st.Pending[0].Deadline < n {
		p := d.st.Pending[0]
		d.st.Pending = d.st.Pending[1:]
		d.judgeBTG(cx, p, emit)
	}
}

// judgeBTG reports a break-the-glass access that still has no care
// relationship.
func (d *Detector) judgeBTG(cx *hospital.Context, p Pending, emit func(finding.Finding)) {
	t := time.Unix(0, p.T).UTC()
	staff := cx.StaffRef(p.User)
	if w, _ := explainDirect(cx, staff, p.Patient, t, d.cfg.EncounterWindow); w != whyNone {
		return
	}
	r := rules[flagBTG]
	if !d.firstToday(p.User, p.Patient, r.id, t) {
		return
	}
	d.stats.findings.Add(1)
	sub := &subject{cx: cx, staff: staff, pat: cx.Patient(p.Patient), pid: p.Patient, user: p.User, t: t}
	emit(finding.Finding{
		ID: finding.DeriveID(Name, r.id, []string{p.EventID}), Time: t, Detector: Name, RuleID: r.id,
		Title: r.title, Severity: r.severity, Confidence: r.confidence,
		Entities: event.Entities{User: p.User, Patient: p.Patient, SrcIP: p.SrcIP},
		EventIDs: []string{p.EventID}, Tags: []string{"privacy." + r.name},
		Explanation: explainText(sub, "break-the-glass", flagBTG, whyNone, false, d.cfg),
		IngestedAt:  time.Unix(0, p.Ingested).UTC(), ContextVersion: cx.Version(),
	})
}

// departmentCurrent is how close to a stay in the user's department an
// access must be for the department to explain a coworker or a neighbour.
const departmentCurrent = 72 * time.Hour

// personalDespite returns the personal flags a weak explanation does not
// cover. Working in the department of a relative's stay, or coding it, does
// not explain opening their record: only treating them (encounter
// participant, care team) does. The department explains a colleague's or a
// neighbour's record only around a current stay (±72 h), not for the whole
// ±30-day window: an ED physician opening a colleague's ED chart from two
// weeks ago is the classic snooping case.
func (d *Detector) personalDespite(s *subject, w why) flag {
	if w == whyDepartment && !deptStayNear(s.cx, s.staff, s.pid, s.t, departmentCurrent) {
		return flagsOf(s, false) & personal // the same tests as an unexplained access
	}
	if familyOf(s) != "" {
		return flagFamily
	}
	return 0
}

// deptStayNear reports whether the patient has an encounter in the user's
// department within ±w of t.
func deptStayNear(cx *hospital.Context, st *hospital.Staff, pid string, t time.Time, w time.Duration) bool {
	for _, e := range cx.Encounters(pid) {
		if e.Department != "" && strings.EqualFold(e.Department, st.Department) && overlaps(e.Start, e.End, t.Add(-w), t.Add(w)) {
			return true
		}
	}
	return false
}
