package sim

import (
	"math/rand/v2"
	"time"
)

// chartRate is, per role, the distinct patients opened per shift (min +
// random spread) and audit entries per chart. docs/simulator.md has the
// sources: EHR audit-log studies count hundreds of entries per clinician
// per day.
type chartRate struct{ charts, spread, per, perSpread int }

var chartRates = map[string]chartRate{
	"physician":    {12, 14, 6, 6},
	"resident":     {10, 10, 7, 6},
	"nurse":        {5, 6, 8, 8},
	"float_nurse":  {5, 6, 8, 8},
	"pharmacist":   {25, 20, 2, 3},
	"therapist":    {6, 6, 3, 4},
	"technician":   {10, 12, 2, 2},
	"him":          {150, 200, 1, 3}, // chart completion and release of information
	"coding":       {150, 200, 1, 3}, // coding of discharges
	"billing":      {100, 150, 1, 2},
	"registration": {40, 40, 1, 2},
	"research":     {0, 8, 1, 2},
}

// chartsPerShift draws a shift's distinct charts and entries per chart.
func chartsPerShift(r *rand.Rand, role string) (charts, perChart int) {
	c, ok := chartRates[role]
	if !ok {
		return 0, 0
	}
	return c.charts + r.IntN(c.spread), c.per + r.IntN(c.perSpread)
}

// usualCharts is the mean number of distinct charts a role opens per shift.
func usualCharts(role string) int {
	c := chartRates[role]
	return c.charts + c.spread/2
}

var chartResources = []string{"", "Observation", "MedicationRequest", "DocumentReference", "DiagnosticReport",
	"Condition", "AllergyIntolerance", "Encounter", "Procedure", "ImagingStudy"}

// ehrDay generates staff member i's EHR accesses on shift. Every chart is
// explained by the context: an encounter the user takes part in, an
// encounter of the department they work in today (or of the last 30 days),
// or, for HIM, coding and billing, an encounter discharged in the last 30
// days. One chart in fifty is a covering colleague's patient of another
// department, the realistic unexplained rest.
func (g *dayGen) ehrDay(r *rand.Rand, i int, ws *Asset, start, end time.Time) {
	s := &g.w.staff[i]
	charts, per := chartsPerShift(r, s.Role)
	if charts == 0 {
		return
	}
	dep := g.w.workDept(i, g.d)
	own := g.ownEncounters(i)
	for range charts {
		ei, ok := g.chooseChart(r, s, dep, own)
		if !ok {
			continue
		}
		e := &g.w.encounters[ei]
		p := &g.w.patients[e.Patient]
		a, b := start, end
		if e.Start.After(a) && e.Start.Before(b) {
			a = e.Start // not before the patient arrives
		}
		n := per/2 + r.IntN(per+1)
		if s.Role == "registration" && r.IntN(3) == 0 {
			g.audit(within(r, a, b), audit{user: s.UserID, display: s.display, ip: ws.IP, kind: aeSearch,
				query: "Patient?family=" + p.Last + "&birthdate=" + p.Birth})
		}
		for k := range n {
			t := within(r, a, b)
			au := audit{user: s.UserID, display: s.display, ip: ws.IP, patient: p.ID}
			switch {
			case k == 0 && p.Security != "" && e.Dept == 0 && s.clinical:
				au.btg = true // restricted patient in the ED: break the glass, explained by the encounter
			case r.IntN(20) == 0:
				au.kind = aeUpdate
				au.resType, au.resID = pick(r, chartResources[1:4]), r.IntN(1e6)
			case r.IntN(300) == 0:
				au.outcome = "4" // stale link: resource gone
				au.resType, au.resID = "DocumentReference", r.IntN(1e6)
			default:
				if res := pick(r, chartResources); res != "" {
					au.resType, au.resID = res, r.IntN(1e6)
				}
			}
			g.audit(t, au)
		}
	}
}

// ownEncounters lists the encounters staff member i takes part in that are
// in progress or ended within the last three days.
func (g *dayGen) ownEncounters(i int) []int32 {
	var out []int32
	from := g.date.AddDate(0, 0, -3)
	end := g.date.AddDate(0, 0, 1)
	for _, ei := range g.w.partOf[i] {
		e := &g.w.encounters[ei]
		if e.End.After(from) && e.Start.Before(end) {
			out = append(out, ei)
		}
	}
	return out
}

func (g *dayGen) chooseChart(r *rand.Rand, s *Staff, dep int, own []int32) (int32, bool) {
	switch s.Role {
	case "him", "coding", "billing":
		if len(g.recent) == 0 {
			return 0, false
		}
		return pick(r, g.recent), true
	case "registration":
		all := g.w.active[g.d+ctxDays]
		if len(all) == 0 {
			return 0, false
		}
		return pick(r, all), true
	case "pharmacist", "research":
		all := g.w.active[g.d+ctxDays]
		if len(all) == 0 {
			return 0, false
		}
		return pick(r, all), true
	}
	k := r.IntN(100)
	switch {
	case k < 60 && len(own) > 0:
		return pick(r, own), true
	case k < 90 && len(g.activeBy[dep]) > 0:
		return pick(r, g.activeBy[dep]), true
	case k < 98 && len(g.recentBy[dep]) > 0:
		return pick(r, g.recentBy[dep]), true
	}
	all := g.w.active[g.d+ctxDays]
	if len(all) == 0 {
		return 0, false
	}
	return pick(r, all), true
}

// services: the nightly FHIR bulk export of the analytics service account
// (legitimate bulk export), the HL7 interface engine creating encounters,
// and the vendors' scheduled maintenance logins over VPN.
func (g *dayGen) services(r *rand.Rand) {
	w := g.w
	exp := &w.staff[w.byUser["svc_fhir_export"]]
	t := g.at(2*3600 + r.IntN(600))
	for _, grp := range []string{"Group/all-inpatients", "Group/quality-registry", "Group/population-health"} {
		g.audit(t, audit{user: exp.UserID, display: "FHIR Bulk Export", ip: "10.0.0.60", kind: aeExport,
			query: grp + "/$export?_type=Patient,Encounter,Condition&_since=" + g.date.AddDate(0, 0, -1).Format("2006-01-02")})
		t = t.Add(time.Duration(60+r.IntN(600)) * time.Second)
	}
	hl7 := &w.staff[w.byUser["svc_hl7_engine"]]
	for _, ei := range w.active[g.d+ctxDays] {
		e := &w.encounters[ei]
		if w.dayOf(e.Start) != g.d {
			continue
		}
		g.audit(e.Start.Add(2*time.Second), audit{user: hl7.UserID, display: "HL7 Interface Engine", ip: hl7IP, kind: aeCreate,
			patient: w.patients[e.Patient].ID, resource: "Encounter/" + e.ID})
	}
	g.vendorMaintenance(r)
}

// vendorMaintenance: Philips logs in every Tuesday night from the
// Netherlands, GE every Thursday night from the US, and touch the devices
// they service.
func (g *dayGen) vendorMaintenance(r *rand.Rand) {
	type vendor struct {
		user, country, ip string
		lat, lon          float64
		day               time.Weekday
		vendor            string
	}
	for _, v := range []vendor{
		{"vnd_philips", "NL", "130.144.17.20", 51.4416, 5.4697, time.Tuesday, "Philips"},
		{"vnd_gehc", "US", "3.120.44.9", 43.0389, -87.9065, time.Thursday, "GE Healthcare"},
	} {
		if g.date.Weekday() != v.day {
			continue
		}
		t := g.at(3600 + r.IntN(1800))
		g.auth(t, authEv{action: "mfa-prompt", user: v.user, ip: v.ip, ua: uaVPN, geo: true, country: v.country, lat: v.lat, lon: v.lon})
		g.auth(t.Add(12*time.Second), authEv{action: "vpn-connect", user: v.user, ip: v.ip, ua: uaVPN, geo: true,
			country: v.country, lat: v.lat, lon: v.lon})
		n := 0
		for ai := range g.w.assets {
			a := &g.w.assets[ai]
			if a.Vendor != v.vendor || a.Kind == "workstation" || n >= 6 {
				continue
			}
			n++
			g.flow(t.Add(time.Duration(60*n)*time.Second), flow{src: "10.250.0.10", dst: a.IP, transport: "tcp", proto: "https",
				sport: 40000 + n, dport: 443, sbytes: 40000, dbytes: 900000})
		}
	}
}
