package sim

import (
	"math/rand/v2"
	"time"
)

// shiftKind is a staff member's working pattern.
type shiftKind uint8

const (
	shiftNone    shiftKind = iota // service accounts: scheduled jobs only
	shiftDay12                    // 07:00–19:00, three or four days a week
	shiftNight12                  // 19:00–07:00 (next day)
	shiftDay10                    // 07:00–17:00, five days in seven (physicians, residents)
	shiftOffice                   // 08:00–17:00 Monday to Friday
)

// rota draws a role's pattern and its phase.
func rota(r *rand.Rand, role string) (shiftKind, int) {
	off := r.IntN(7)
	switch role {
	case "nurse", "float_nurse", "therapist", "technician":
		if r.IntN(4) == 0 {
			return shiftNight12, off
		}
		return shiftDay12, off
	case "physician", "resident":
		if r.IntN(10) == 0 {
			return shiftNight12, off
		}
		return shiftDay10, off
	case "pharmacist":
		return shiftDay10, off
	case "service_account":
		return shiftNone, off
	}
	return shiftOffice, off
}

// onShift returns the shift of staff member i on day d (days since the
// epoch of the run, the first context day being negative), if any.
func (w *World) onShift(i, d int) (start, end time.Time, ok bool) {
	s := &w.staff[i]
	date := w.start.AddDate(0, 0, d)
	if !s.active(date) {
		return
	}
	phase := (d + s.offset + 700) % 7
	switch s.shift {
	case shiftDay12:
		ok = phase < 3 || (phase == 3 && i%2 == 0)
		start, end = date.Add(7*time.Hour), date.Add(19*time.Hour)
	case shiftNight12:
		ok = phase < 3
		start, end = date.Add(19*time.Hour), date.Add(31*time.Hour)
	case shiftDay10:
		ok = phase < 5
		start, end = date.Add(7*time.Hour), date.Add(17*time.Hour)
	case shiftOffice:
		wd := date.Weekday()
		ok = wd != time.Saturday && wd != time.Sunday && (d+i)%23 != 0 // a day off now and then
		start, end = date.Add(8*time.Hour), date.Add(17*time.Hour)
	}
	return
}

// workDept is where staff member i works on day d: residents rotate every
// four weeks, float nurses go where they are needed each shift.
func (w *World) workDept(i, d int) int {
	s := &w.staff[i]
	switch s.Role {
	case "resident":
		return (s.deptIdx + (d+700+s.offset*4)/28) % len(wardDepts)
	case "float_nurse":
		return int(uint(i*7919+(d+700)*104729) % uint(len(wardDepts)))
	}
	return s.deptIdx
}

// surge reports whether day d is an Emergency department surge day
// (about one day in seven: mass-casualty drills, flu peaks, heat waves).
func (w *World) surge(d int) bool {
	h := (uint64(d+1000)*0x9E3779B97F4A7C15 ^ w.seed) * 0xBF58476D1CE4E5B9
	return h>>59 < 4 // 4 in 32 ≈ one day in eight
}
