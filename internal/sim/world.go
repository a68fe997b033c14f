package sim

import (
	"time"

	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

// ctxDays is how many days of clinical history (encounters, care teams)
// precede the simulated window, so that accesses on day 0 can be explained
// by encounters of the previous 30 days.
const ctxDays = 30

// World is the simulated hospital: people, places, devices and clinical
// context. It is built once from the seed and then read by the day
// generators.
type World struct {
	prof      Profile
	seed      uint64
	start     time.Time // midnight UTC of day 0
	days      int
	domain    string // the hospital's e-mail domain
	lookalike string

	staff     []Staff
	patients  []Patient
	related   []related
	neighbors [][2]int // {staff, patient} living a few doors apart
	assets    []Asset
	byUser    map[string]int
	bySurname map[string][]int // patients by family name

	deptWS      [][]int // workstation asset indices per department
	deptDevices [][]int // medical device asset indices per department

	encounters []Encounter
	careTeams  []careTeam
	// active[d+ctxDays] lists the encounters in progress on day d.
	active [][]int32
	// partOf[i] lists the encounters staff member i takes part in, by start.
	partOf [][]int32
	// onDuty[d+ctxDays][dept] lists staff on shift in dept on day d.
	onDuty [][][]int32

	records map[string]int64 // Windows RecordNumber per host|channel
	dec     *decode.Set
}

// decoders returns the project's decoders (used to compute the Vigil event
// ids of labelled records).
func (w *World) decoders() *decode.Set {
	if w.dec == nil {
		w.dec = decode.NewSet()
	}
	return w.dec
}

// Encounter is one FHIR Encounter (with its Condition).
type Encounter struct {
	ID        string
	Patient   int32
	Dept      int16
	Class     string // EMER, AMB, IMP
	Start     time.Time
	End       time.Time
	Parts     []int32 // staff indices: attending first, then nurses, resident, consultant
	Condition int16
	Team      int32 // careTeams index, -1 if none
}

type careTeam struct {
	id      string
	enc     int32
	members []int32
}

func newWorld(o Options, prof Profile) *World {
	w := &World{prof: prof, seed: o.Seed, start: o.Start, days: o.Days, byUser: map[string]int{},
		bySurname: map[string][]int{}, records: map[string]int64{}, domain: "mercyhealth.org", lookalike: "mercyheaIth.org"}
	w.deptDevices = make([][]int, len(departments))
	w.buildStaff(newRand(o.Seed, 1))
	w.buildPatients(newRand(o.Seed, 2))
	for i, p := range w.patients {
		w.bySurname[p.Last] = append(w.bySurname[p.Last], i)
	}
	w.buildAssets(newRand(o.Seed, 3))
	w.buildDuty()
	w.buildEncounters(newRand(o.Seed, 4))
	return w
}

// day returns midnight of day d.
func (w *World) day(d int) time.Time { return w.start.AddDate(0, 0, d) }

// buildDuty precomputes who is on shift in which department each day.
func (w *World) buildDuty() {
	w.onDuty = make([][][]int32, ctxDays+w.days)
	for di := range w.onDuty {
		d := di - ctxDays
		w.onDuty[di] = make([][]int32, len(departments))
		for i := range w.staff {
			if !w.staff[i].clinical {
				continue
			}
			if _, _, ok := w.onShift(i, d); ok {
				dep := w.workDept(i, d)
				w.onDuty[di][dep] = append(w.onDuty[di][dep], int32(i))
			}
		}
	}
}
