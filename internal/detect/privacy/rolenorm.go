package privacy

import (
	"slices"
	"time"
)

// roleDaySlots is how many completed user-days per records role the learned
// volume norm is computed from; roleNormMinDays of them are needed before
// it replaces the configured floor.
const (
	roleDaySlots    = 64
	roleNormMinDays = 8
)

// RoleDays are the distinct-patient counts of the last completed user-days
// of one role (a ring), and the norm computed from them.
type RoleDays struct {
	V    [roleDaySlots]uint32
	N    uint32 // user-days recorded (the ring holds the last min(N, slots))
	Norm uint32 // learned norm (0 = not enough days yet)
}

// roleDayEnded records a user's finished day for the role and recomputes
// the role's norm: median + 6 × 1.4826 × MAD of the recorded days (a robust
// upper bound: HIM and coding workloads swing with discharges and audits,
// so the fixed RoleDailyNorm is only the floor).
func (s *state) roleDayEnded(role uint64, count uint32) {
	if s.RoleDays == nil {
		s.RoleDays = map[uint64]*RoleDays{}
	}
	rd := s.RoleDays[role]
	if rd == nil {
		rd = &RoleDays{}
		s.RoleDays[role] = rd
	}
	rd.V[rd.N%roleDaySlots] = count
	rd.N++
	n := min(int(rd.N), roleDaySlots)
	if n < roleNormMinDays {
		return
	}
	v := slices.Clone(rd.V[:n])
	med := medianU32(v)
	for i, x := range v {
		v[i] = absDiff(x, med)
	}
	rd.Norm = med + uint32(6*1.4826*float64(medianU32(v))+0.5)
}

func medianU32(v []uint32) uint32 {
	slices.Sort(v)
	return v[len(v)/2]
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// roleNorm is the daily distinct-patient volume a records-role user may
// reach on the role alone: the learned norm, never below the configured
// RoleDailyNorm.
func (d *Detector) roleNorm(role string) uint32 {
	floor := uint32(d.cfg.RoleDailyNorm)
	if rd := d.st.RoleDays[hashStr(role)]; rd != nil && rd.Norm > floor {
		return rd.Norm
	}
	return floor
}

// rollRoleDay closes a records-role user's previous day (when ev's day is a
// new one) into the role's volume history.
func (d *Detector) rollRoleDay(role string, us *User, t time.Time) {
	day := int32(t.Unix() / 86400)
	if us.Day == day || us.DayCount == 0 || !(recordsRoles[role] || role == "registration") {
		return
	}
	d.st.roleDayEnded(hashStr(role), us.DayCount)
	us.Day, us.DayCount = day, 0
}
