package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// encountersPerDay: a hospital sees about 1/60 of its patient panel per day
// (ED visits, clinic visits and admissions; a panel patient averages ~6
// contacts a year).
func (w *World) encountersPerDay() int { return max(20, w.prof.Patients/60) }

// buildEncounters makes the encounters of the context days and the window,
// their participants (on-shift attending, nurses, a resident, sometimes a
// consultant from another department), care teams for admissions, and the
// per-day and per-person indices.
func (w *World) buildEncounters(r *rand.Rand) {
	for di := range ctxDays + w.days {
		d := di - ctxDays
		docs, nurses := w.splitDuty(d)
		n := w.encountersPerDay()
		for k := range n {
			dep := weighted(r, deptWeight)
			if w.surge(d) && k%3 == 0 {
				dep = 0 // Emergency
			}
			w.addEncounter(r, d, dep, docs[dep], nurses[dep])
		}
	}
	slices.SortStableFunc(w.encounters, func(a, b Encounter) int { return a.Start.Compare(b.Start) })
	w.active = make([][]int32, ctxDays+w.days)
	w.partOf = make([][]int32, len(w.staff))
	for ei := range w.encounters {
		e := &w.encounters[ei]
		e.ID = fmt.Sprintf("enc-%07d", ei+1)
		if e.Team >= 0 {
			w.careTeams[e.Team].enc = int32(ei)
		}
		for d := w.dayOf(e.Start); d <= w.dayOf(e.End) && d < w.days; d++ {
			if d >= -ctxDays {
				w.active[d+ctxDays] = append(w.active[d+ctxDays], int32(ei))
			}
		}
		for _, p := range e.Parts {
			w.partOf[p] = append(w.partOf[p], int32(ei))
		}
	}
	for i := range w.careTeams {
		w.careTeams[i].id = fmt.Sprintf("ct-%07d", i+1)
	}
}

func (w *World) dayOf(t time.Time) int {
	return int(math.Floor(t.Sub(w.start).Hours() / 24))
}

// splitDuty returns, per department, the physicians and residents and the
// nurses on shift on day d.
func (w *World) splitDuty(d int) (docs, nurses [][]int32) {
	docs, nurses = make([][]int32, len(departments)), make([][]int32, len(departments))
	for dep, duty := range w.onDuty[d+ctxDays] {
		for _, s := range duty {
			switch w.staff[s].Role {
			case "physician", "resident":
				docs[dep] = append(docs[dep], s)
			case "nurse", "float_nurse":
				nurses[dep] = append(nurses[dep], s)
			}
		}
	}
	return docs, nurses
}

func (w *World) addEncounter(r *rand.Rand, d, dep int, docs, nurses []int32) {
	if len(docs) == 0 {
		return // a department without a physician on shift sees nobody that day
	}
	e := Encounter{Dept: int16(dep), Condition: int16(r.IntN(len(conditions))), Team: -1}
	att := docs[r.IntN(len(docs))]
	e.Parts = append(e.Parts, att)
	e.Patient = int32(w.choosePatient(r, att))
	for range 1 + r.IntN(2) {
		if len(nurses) > 0 {
			e.Parts = appendUnique(e.Parts, nurses[r.IntN(len(nurses))])
		}
	}
	if r.IntN(10) < 4 {
		e.Parts = appendUnique(e.Parts, docs[r.IntN(len(docs))])
	}
	if r.IntN(100) < 15 { // consult from another department
		other := w.onDuty[d+ctxDays][(dep+1+r.IntN(len(wardDepts)-1))%len(wardDepts)]
		for _, s := range other {
			if w.staff[s].Role == "physician" {
				e.Parts = appendUnique(e.Parts, s)
				break
			}
		}
	}
	day := w.day(d)
	switch {
	case dep == 0:
		e.Class = "EMER"
		e.Start = day.Add(time.Duration(r.IntN(86400)) * time.Second)
		e.End = e.Start.Add(time.Duration(2+r.IntN(8)) * time.Hour)
	case r.IntN(4) == 0:
		e.Class = "IMP"
		e.Start = day.Add(time.Duration(r.IntN(86400)) * time.Second)
		e.End = e.Start.Add(time.Duration(24+r.IntN(6*24)) * time.Hour)
		team := careTeam{members: slices.Clone(e.Parts)}
		for _, s := range w.onDuty[d+ctxDays][deptIndex("Pharmacy")] {
			team.members = appendUnique(team.members, s)
			break
		}
		e.Team = int32(len(w.careTeams))
		w.careTeams = append(w.careTeams, team)
	default:
		e.Class = "AMB"
		e.Start = day.Add(8*time.Hour + time.Duration(r.IntN(9*3600))*time.Second)
		e.End = e.Start.Add(time.Duration(20+r.IntN(60)) * time.Minute)
	}
	if p := &w.patients[e.Patient]; !p.Deceased.IsZero() && p.Deceased.Before(e.End) {
		e.Start, e.End = p.Deceased.Add(-6*time.Hour), p.Deceased // care until death
		if e.Start.Before(w.day(-ctxDays)) {
			return
		}
	}
	w.encounters = append(w.encounters, e)
}

// choosePatient picks the encounter's patient. One time in fifty the
// attending treats a patient with their own surname who is no relative
// (different address): a hard benign case for family-snooping rules.
func (w *World) choosePatient(r *rand.Rand, att int32) int {
	if r.IntN(50) == 0 {
		s := &w.staff[att]
		for _, p := range w.bySurname[s.Last] {
			if w.patients[p].Address != s.Address && w.patients[p].staff < 0 {
				return p
			}
		}
	}
	return r.IntN(len(w.patients))
}

func appendUnique(xs []int32, x int32) []int32 {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}
