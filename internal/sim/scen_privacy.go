package sim

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// pickOnShift returns a person on shift today matching ok, scanning from a
// random place in the roster.
func (g *dayGen) pickOnShift(r *rand.Rand, ok func(i int, s *Staff) bool) (i int, start, end time.Time, found bool) {
	n := len(g.w.staff)
	off := r.IntN(n)
	for k := range n {
		i = (off + k) % n
		s := &g.w.staff[i]
		if s.Role == "service_account" || !ok(i, s) {
			continue
		}
		if start, end, found = g.w.onShift(i, g.d); found {
			return
		}
	}
	return 0, time.Time{}, time.Time{}, false
}

// pickWorker is pickOnShift, falling back (weekends, for office roles) to
// anyone employed who matches, working 09:00–17:00 that day (on call,
// catching up, or an attacker using the account).
func (g *dayGen) pickWorker(r *rand.Rand, ok func(i int, s *Staff) bool) (int, time.Time, time.Time, bool) {
	if i, a, b, found := g.pickOnShift(r, ok); found {
		return i, a, b, true
	}
	n := len(g.w.staff)
	off := r.IntN(n)
	for k := range n {
		i := (off + k) % n
		s := &g.w.staff[i]
		if s.Role != "service_account" && s.active(g.date) && ok(i, s) {
			return i, g.at(9 * 3600), g.at(17 * 3600), true
		}
	}
	return 0, time.Time{}, time.Time{}, false
}

// treats reports whether staff member i takes part in an encounter of patient p.
func (w *World) treats(i, p int) bool {
	for _, ei := range w.partOf[i] {
		if int(w.encounters[ei].Patient) == p {
			return true
		}
	}
	return false
}

// snoop emits n chart reads by staff member i of patient p from their
// workstation, a minute or so apart, starting at t, and labels them.
func (g *dayGen) snoop(in *Instance, i, p int, t time.Time, n int) {
	s := &g.w.staff[i]
	ws := g.workstation(i)
	pat := &g.w.patients[p]
	in.Entities.User, in.Entities.Patient = s.UserID, pat.ID
	in.Entities.Host, in.Entities.IP = ws.Host, ws.IP
	for k := range n {
		au := audit{user: s.UserID, display: s.First + " " + s.Last, ip: ws.IP, patient: pat.ID}
		if k > 0 {
			au.resource = pick(in.r, chartResources[1:]) + "/" + strconv.Itoa(in.r.IntN(1e6))
		}
		in.add(g, srcAudit, g.audit(t, au))
		t = t.Add(time.Duration(20+in.r.IntN(90)) * time.Second)
	}
}

// midShift is a time in the middle part of a shift.
func midShift(r *rand.Rand, start, end time.Time) time.Time {
	q := end.Sub(start) / 4
	return within(r, start.Add(q), end.Add(-q))
}

func genSnoopCoworker(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	var victims []int
	for i := range w.staff {
		if w.staff[i].patient >= 0 {
			victims = append(victims, i)
		}
	}
	if len(victims) == 0 {
		return
	}
	off := r.IntN(len(victims))
	for try := range 2 * len(victims) {
		victim := victims[(off+try)%len(victims)]
		p := w.staff[victim].patient
		sameDept := try < len(victims) // prefer a colleague of the same department
		i, a, b, ok := g.pickOnShift(r, func(i int, s *Staff) bool {
			return s.clinical && i != victim && (!sameDept || s.Dept == w.staff[victim].Dept) && !w.treats(i, p)
		})
		if !ok {
			continue
		}
		in.Params["coworker"] = w.staff[victim].UserID
		g.snoop(in, i, p, midShift(r, a, b), 3+r.IntN(5))
		return
	}
}

func genSnoopFamily(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	if len(w.related) == 0 {
		return
	}
	off := r.IntN(len(w.related))
	for k := range w.related {
		rp := w.related[(off+k)%len(w.related)]
		if w.treats(rp.staff, rp.patient) {
			continue
		}
		if a, b, ok := w.onShift(rp.staff, g.d); ok {
			in.Params["relationship"] = rp.rel
			g.snoop(in, rp.staff, rp.patient, midShift(r, a, b), 3+r.IntN(6))
			return
		}
	}
}

func genSnoopNeighbor(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	if len(w.neighbors) == 0 {
		return
	}
	off := r.IntN(len(w.neighbors))
	for k := range w.neighbors {
		nb := w.neighbors[(off+k)%len(w.neighbors)]
		i, p := nb[0], nb[1]
		s, pt := &w.staff[i], &w.patients[p]
		if pt.staff >= 0 || pt.Address == s.Address || w.treats(i, p) {
			continue
		}
		if a, b, ok := w.onShift(i, g.d); ok {
			in.Params["distance_m"] = strconv.Itoa(int(metres(s.Lat, s.Lon, pt.Lat, pt.Lon)))
			g.snoop(in, i, p, midShift(r, a, b), 2+r.IntN(5))
			return
		}
	}
}

// metres is the equirectangular distance between two points.
func metres(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	x := (lon2 - lon1) * rad * math.Cos((lat1+lat2)/2*rad)
	y := (lat2 - lat1) * rad
	return math.Sqrt(x*x+y*y) * 6371000
}

func genSnoopVIP(g *dayGen, in *Instance) {
	genRestricted(g, in, func(p *Patient) bool { return p.Security == "V" })
}

func genSnoopDeceased(g *dayGen, in *Instance) {
	genRestricted(g, in, func(p *Patient) bool { return !p.Deceased.IsZero() && p.Deceased.Before(g.w.start) })
}

func genRestricted(g *dayGen, in *Instance, want func(*Patient) bool) {
	r := in.r
	w := g.w
	off := r.IntN(len(w.patients))
	for k := range w.patients {
		p := (off + k) % len(w.patients)
		if !want(&w.patients[p]) {
			continue
		}
		i, a, b, ok := g.pickOnShift(r, func(i int, s *Staff) bool { return !w.treats(i, p) })
		if !ok {
			return
		}
		g.snoop(in, i, p, midShift(r, a, b), 2+r.IntN(5))
		return
	}
}

func genSelfAccess(g *dayGen, in *Instance) {
	r := in.r
	i, a, b, ok := g.pickOnShift(r, func(_ int, s *Staff) bool { return s.patient >= 0 })
	if !ok {
		return
	}
	g.snoop(in, i, g.w.staff[i].patient, midShift(r, a, b), 2+r.IntN(6))
}

// genMassAccess: ten times the role's usual distinct charts within three
// hours, picked from the whole hospital.
func genMassAccess(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	i, a, b, ok := g.pickOnShift(r, func(_ int, s *Staff) bool { return s.Role == "nurse" || s.Role == "physician" })
	if !ok {
		return
	}
	s := &w.staff[i]
	ws := g.workstation(i)
	n := 10 * usualCharts(s.Role)
	in.Params["charts"] = strconv.Itoa(n)
	t := midShift(r, a, b)
	in.Entities.User, in.Entities.Host, in.Entities.IP = s.UserID, ws.Host, ws.IP
	for k := range n {
		p := &w.patients[r.IntN(len(w.patients))]
		if k == 0 {
			in.Entities.Patient = p.ID
		}
		in.add(g, srcAudit, g.audit(t, audit{user: s.UserID, display: s.First + " " + s.Last, ip: ws.IP, patient: p.ID}))
		t = t.Add(time.Duration(15+r.IntN(60)) * time.Second)
	}
}

// genBulkExport: a billing or research user exports whole groups at night.
func genBulkExport(g *dayGen, in *Instance) {
	r := in.r
	i, _, _, ok := g.pickWorker(r, func(_ int, s *Staff) bool { return s.Role == "billing" || s.Role == "research" || s.Role == "him" })
	if !ok {
		return
	}
	s := &g.w.staff[i]
	ws := &g.w.assets[s.workstation]
	t := g.at(21*3600 + r.IntN(2*3600))
	in.Entities.User, in.Entities.Host, in.Entities.IP = s.UserID, ws.Host, ws.IP
	for _, q := range []string{"Patient/$export?_type=Patient", "Group/all-inpatients/$export?_type=Patient,Condition,Encounter",
		"Patient/$export?_type=Patient,Observation,MedicationRequest"} {
		in.add(g, srcAudit, g.audit(t, audit{user: s.UserID, display: s.First + " " + s.Last, ip: ws.IP, kind: aeExport, query: q}))
		t = t.Add(time.Duration(120+r.IntN(600)) * time.Second)
	}
}

// genBTGMisuse: a user outside the ED breaks the glass on restricted
// patients they have no encounter with.
func genBTGMisuse(g *dayGen, in *Instance) {
	r := in.r
	w := g.w
	i, a, b, ok := g.pickOnShift(r, func(_ int, s *Staff) bool {
		return (s.clinical || s.Role == "billing" || s.Role == "registration") && s.Dept != "Emergency"
	})
	if !ok {
		return
	}
	s := &w.staff[i]
	ws := g.workstation(i)
	t := midShift(r, a, b)
	in.Entities.User, in.Entities.Host, in.Entities.IP = s.UserID, ws.Host, ws.IP
	n := 0
	off := r.IntN(len(w.patients))
	for k := 0; k < len(w.patients) && n < 2+r.IntN(2); k++ {
		p := (off + k) % len(w.patients)
		if w.patients[p].Security == "" || w.treats(i, p) {
			continue
		}
		if n == 0 {
			in.Entities.Patient = w.patients[p].ID
		}
		n++
		in.add(g, srcAudit, g.audit(t, audit{user: s.UserID, display: s.First + " " + s.Last, ip: ws.IP,
			patient: w.patients[p].ID, btg: true}))
		in.add(g, srcAudit, g.audit(t.Add(40*time.Second), audit{user: s.UserID, display: s.First + " " + s.Last, ip: ws.IP,
			patient: w.patients[p].ID, resource: "DocumentReference/" + strconv.Itoa(r.IntN(1e6))}))
		t = t.Add(time.Duration(300+r.IntN(1800)) * time.Second)
	}
}
