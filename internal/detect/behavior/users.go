package behavior

// maxDayPatients bounds the distinct-patient set of one user's day; beyond
// it the day count saturates (such a day is already far above any baseline).
const maxDayPatients = 4096

// Flags a user raised today (one finding per signal per user per day).
const (
	flagMass uint8 = 1 << iota
	flagExport
	flagOffHours
)

// userState is what the detector keeps per login name.
type userState struct {
	Last int64 // event time last touched, unix seconds
	Day  int32 // local day number of the counters below
	Hour int32 // local hour number of HourCount

	// EHR access, today
	EHRToday  bool
	Patients  Set    // distinct patients today (hashes)
	DayCount  uint32 // distinct patients today
	HourCount uint32 // patients first opened today within the current hour
	MaxHour   uint32 // largest HourCount today
	Exports   uint32 // patient records exported today
	Flags     uint8
	Evid      Evidence // recent EHR events

	// baselines over active EHR days, with cached median/MAD
	DayRing, HourRing, ExportRing Ring
	DayStat, HourStat, ExportStat [2]float32

	// time-of-day and day-of-week of active hours
	ActHour     int32
	Hours       [24]uint16
	Dows        [7]uint16
	ActiveHours uint32

	Logon *logonState // authentication history, allocated on the first logon
	Fail  *burstState // failed logons, allocated on the first failure
	Enum  *enumState  // FHIR enumeration, allocated on the first failed read or sequential step
	Seq   seqPos      // last patient id number, for sequential-id runs
}

func (u *userState) lastSeen() int64 { return u.Last }

// groupState is a peer group's (role/department) baseline.
type groupState struct {
	Last                       int64
	Day, Hour, Export          PeerRing
	Hours                      [24]uint32
	Total                      uint32
	DayStat, HourStat, ExpStat [2]float32
	Dirty                      bool
}

func (g *groupState) lastSeen() int64 { return g.Last }

func (g *groupState) stats() {
	if !g.Dirty {
		return
	}
	g.DayStat = stat32(medMAD(g.Day.V))
	g.HourStat = stat32(medMAD(g.Hour.V))
	g.ExpStat = stat32(medMAD(g.Export.V))
	g.Dirty = false
}

func stat32(med, mad float64) [2]float32 { return [2]float32{float32(med), float32(mad)} }

func (d *Detector) user(x *evctx, name string) *userState {
	u := d.st.Users[name]
	if u == nil {
		u = &userState{Day: x.day(), Hour: x.hourNo(), ActHour: -1}
		d.st.Users[name] = u
	}
	u.Last = max(u.Last, x.t.Unix())
	return u
}

// group returns the user's peer group state (nil when unknown).
func (d *Detector) group(x *evctx, user string) (*groupState, string) {
	if d.dir == nil {
		return nil, ""
	}
	role, dept, ok := d.dir.UserGroup(user)
	if !ok || role == "" {
		return nil, ""
	}
	key := role + "/" + dept
	g := d.st.Groups[key]
	if g == nil {
		g = &groupState{}
		d.st.Groups[key] = g
	}
	g.Last = max(g.Last, x.t.Unix())
	return g, key
}

// roll closes the user's day and hour when the event is in a later one.
func (d *Detector) roll(x *evctx, name string, u *userState) {
	if h := x.hourNo(); h > u.Hour {
		u.Hour, u.HourCount = h, 0
	}
	day := x.day()
	if day <= u.Day {
		return
	}
	if u.EHRToday {
		u.DayRing.Push(u.DayCount)
		u.HourRing.Push(u.MaxHour)
		u.ExportRing.Push(u.Exports)
		u.DayStat = stat32(u.DayRing.Stats())
		u.HourStat = stat32(u.HourRing.Stats())
		u.ExportStat = stat32(u.ExportRing.Stats())
		if g, _ := d.group(x, name); g != nil {
			g.Day.Push(u.DayCount)
			g.Hour.Push(u.MaxHour)
			g.Export.Push(u.Exports)
			g.Dirty = true
		}
	}
	u.Day, u.EHRToday, u.DayCount, u.MaxHour, u.Exports, u.Flags = day, false, 0, 0, 0, 0
	u.Patients.H, u.Patients.I = u.Patients.H[:0], 0
	u.Evid.Reset()
}

// baselineOf picks the user's own baseline once warm, else the peer
// group's, else none (cold).
func (d *Detector) baselineOf(r *Ring, own [2]float32, g *groupState, gkey string, peer func(*groupState) ([2]float32, int)) baseline {
	if int(r.N) >= d.cfg.MinOwnDays {
		return baseline{Med: float64(own[0]), MAD: float64(own[1]), N: int(r.N),
			Whose: "this user's"}
	}
	if g != nil {
		g.stats()
		if st, n := peer(g); n >= d.cfg.MinPeerDays {
			return baseline{Med: float64(st[0]), MAD: float64(st[1]), N: n,
				Group: gkey}
		}
	}
	return baseline{Cold: true}
}
