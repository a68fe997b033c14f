package behavior

import (
	"fmt"
	"math"
	"strings"

	"github.com/vigil-soc/vigil/internal/finding"
)

// userEvidence is how many recent EHR event ids a user's state keeps.
const userEvidence = 3

// chainEvidence is how many events of the help-desk chain are kept.
const chainEvidence = 4

// onEHR analyses one FHIR AuditEvent: distinct patients (mass access),
// exports, FHIR enumeration and the time of activity.
func (d *Detector) onEHR(x *evctx) {
	name := x.ev.Entities.User
	failed := x.get("event.outcome") == "failure"
	ip := x.ev.Entities.SrcIP
	bySource := func() string { return "source " + ip }
	if name == "" {
		if ip != "" {
			s := d.source(x, ip)
			d.enumeration(x, &s.Enum, &s.Seq, bySource, failed, 0)
		}
		return
	}
	u := d.user(x, name)
	d.roll(x, name, u)
	d.enumeration(x, &u.Enum, &u.Seq, func() string { return "user " + d.who(name) }, failed, 0)
	if failed {
		if ip != "" { // one address rotating accounts
			s := d.source(x, ip)
			d.enumeration(x, &s.Enum, &s.Seq, bySource, true, 2)
		}
		return
	}
	d.activity(x, name, u)
	u.EHRToday = true
	u.Evid.Add(x.ev.ID, userEvidence)
	if p := x.ev.Entities.Patient; p != "" && u.Patients.Add(hash32(p), maxDayPatients) {
		u.DayCount++
		u.HourCount++
		u.MaxHour = max(u.MaxHour, u.HourCount)
		d.checkMass(x, name, u)
	}
	if x.get("event.action") == "export" {
		u.Exports += exportedPatients(x)
		d.checkExport(x, name, u)
	}
}

func (d *Detector) checkMass(x *evctx, name string, u *userState) {
	if u.Flags&flagMass != 0 {
		return
	}
	g, gkey := d.group(x, name)
	bd := d.baselineOf(&u.DayRing, u.DayStat, g, gkey, func(g *groupState) ([2]float32, int) { return g.DayStat, len(g.Day.V) })
	bh := d.baselineOf(&u.HourRing, u.HourStat, g, gkey, func(g *groupState) ([2]float32, int) { return g.HourStat, len(g.Hour.V) })
	sd, okd := anomalous(&d.cfg, bd, float64(u.DayCount), d.cfg.MinDistinct, d.cfg.ColdDaily)
	sh, okh := anomalous(&d.cfg, bh, float64(u.HourCount), d.cfg.MinHourly, d.cfg.ColdHourly)
	if !okd && !okh {
		return
	}
	u.Flags |= flagMass
	score, b, what := sd, bd, "distinct patients per day"
	if okh && (!okd || sh > sd) {
		score, b, what = sh, bh, "distinct patients per hour"
	}
	sev, conf := severityFor(&d.cfg, score)
	x.report(report{rule: "mass-access", title: "Unusual number of patient records opened",
		sev: sev, conf: conf, score: score, baseline: fmt.Sprintf("%s: %s", what, b),
		evidence: u.Evid.List(x.ev.ID), techniques: []string{"T1213"},
		tags: []string{fmt.Sprintf("patients_today:%d", u.DayCount), fmt.Sprintf("patients_hour:%d", u.HourCount)},
		explanation: fmt.Sprintf("User %s opened the records of %d distinct patients today, %d of them in the current hour.",
			d.who(name), u.DayCount, u.HourCount)})
}

func (d *Detector) checkExport(x *evctx, name string, u *userState) {
	if u.Flags&flagExport != 0 {
		return
	}
	g, gkey := d.group(x, name)
	b := d.baselineOf(&u.ExportRing, u.ExportStat, g, gkey, func(g *groupState) ([2]float32, int) { return g.ExpStat, len(g.Export.V) })
	score, ok := anomalous(&d.cfg, b, float64(u.Exports), d.cfg.MinExports, d.cfg.ColdExports)
	if !ok {
		return
	}
	u.Flags |= flagExport
	sev, conf := severityFor(&d.cfg, score)
	x.report(report{rule: "export-volume", title: "Unusual volume of EHR exports",
		sev: sev, conf: conf, score: score, baseline: "patient records exported per day: " + b.String(),
		evidence: u.Evid.List(x.ev.ID), techniques: []string{"T1213", "T1567"},
		tags:        []string{fmt.Sprintf("exports_today:%d", u.Exports)},
		explanation: fmt.Sprintf("User %s exported %d patient records from the EHR today.", d.who(name), u.Exports)})
}

// activity judges and learns the time of day / day of week of each new
// active hour of a user (EHR access or successful logon).
func (d *Detector) activity(x *evctx, name string, u *userState) {
	h := x.hourNo()
	if h == u.ActHour {
		return
	}
	u.ActHour = h
	lt := x.t.In(d.cfg.Location)
	hr, dow := lt.Hour(), int(lt.Weekday())
	g, gkey := d.group(x, name)
	if u.Flags&flagOffHours == 0 {
		d.judgeHour(x, name, u, g, gkey, hr, dow)
	}
	if u.ActiveHours >= hourDecayAt {
		for i := range u.Hours {
			u.Hours[i] /= 2
		}
		for i := range u.Dows {
			u.Dows[i] /= 2
		}
		u.ActiveHours /= 2
	}
	u.Hours[hr]++
	u.Dows[dow]++
	u.ActiveHours++
	if g != nil {
		if g.Total >= groupDecayAt {
			for i := range g.Hours {
				g.Hours[i] /= 2
			}
			g.Total /= 2
		}
		g.Hours[hr]++
		g.Total++
	}
}

// hourDecayAt halves a user's hour histogram (half-life ≈ 1,000 active
// hours, about six months of full-time work); groupDecayAt a group's.
const (
	hourDecayAt  = 1000
	groupDecayAt = 100_000
)

func windowShare[T uint16 | uint32](hist *[24]T, hr int, total uint32) float64 {
	n := hist[(hr+23)%24] + hist[hr] + hist[(hr+1)%24]
	return float64(n) / float64(total)
}

func (d *Detector) judgeHour(x *evctx, name string, u *userState, g *groupState, gkey string, hr, dow int) {
	var p float64
	var src string
	switch {
	case int(u.ActiveHours) >= d.cfg.MinActiveHrs:
		p, src = windowShare(&u.Hours, hr, u.ActiveHours), fmt.Sprintf("this user's %d active hours", u.ActiveHours)
	case g != nil && int(g.Total) >= 5*d.cfg.MinActiveHrs:
		p, src = windowShare(&g.Hours, hr, g.Total), fmt.Sprintf("peer group %s (%d active hours)", gkey, g.Total)
	default:
		return
	}
	rareHour := p < d.cfg.RareHour
	rareDay := false
	pd := 1.0
	if int(u.ActiveHours) >= 3*d.cfg.MinActiveHrs {
		pd = float64(u.Dows[dow]) / float64(u.ActiveHours)
		rareDay = pd < 3*d.cfg.RareHour
	}
	if !rareHour && !rareDay {
		return
	}
	u.Flags |= flagOffHours
	sev, conf := finding.SeverityLow, 0.4
	if rareHour && rareDay {
		sev, conf = finding.SeverityMedium, 0.6
	}
	score := -math.Log10(max(min(p, pd), 1e-4))
	x.report(report{rule: "off-hours", title: "Activity at an unusual time for this user",
		sev: sev, conf: conf, score: score,
		baseline: fmt.Sprintf("%.1f%% of %s fall within an hour of %02d:00; %.1f%% on %s", 100*p, src, hr, 100*pd, weekday(dow)),
		tags:     []string{fmt.Sprintf("hour:%02d", hr), "weekday:" + weekday(dow)},
		explanation: fmt.Sprintf("User %s was active at %02d:00 on a %s (event %s).",
			d.who(name), hr, weekday(dow), x.get("event.action"))})
}

func weekday(d int) string {
	return [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}[d%7]
}

// exportedPatients is how many patient records one export AuditEvent names
// (entity what.reference "Patient/…"); an export naming none (a group or
// system export) counts as one.
func exportedPatients(x *evctx) uint32 {
	var n uint32
	for i := range x.ev.Fields {
		f := &x.ev.Fields[i]
		if f.Key == "fhir.entity.what.reference" && strings.HasPrefix(f.Value, "Patient/") {
			n++
		}
	}
	return max(n, 1)
}
