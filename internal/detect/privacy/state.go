package privacy

import (
	"slices"

	"github.com/cespare/xxhash/v2"
)

// Bounds of the per-entity state (see docs/privacy.md "State"): a user keeps
// the last recentPatients patients opened, searchSlots name searches and
// collabSlots collaborators; a patient keeps its last accessorSlots accesses.
const (
	recentPatients = 32
	searchSlots    = 4
	searchTerms    = 3
	collabSlots    = 16
	accessorSlots  = 8
	maxDedupe      = 200_000
	maxPending     = 10_000
	maxLearned     = 100_000
)

// Search is one remembered name search: when, and hashes of its name terms.
type Search struct {
	T     int64 // unix seconds
	Terms [searchTerms]uint64
}

// Collab is one collaborator of a user and how many patients they shared.
type Collab struct {
	Peer uint64 // user hash
	N    uint32
}

// User is the state of one user (about 700 bytes).
type User struct {
	Recent   [recentPatients]uint64 // patient hashes, a ring
	RPos     uint8
	Day      int32  // day (unix days) of DayCount
	DayCount uint32 // patients opened that day that were not among Recent
	Searches [searchSlots]Search
	SPos     uint8
	Collabs  [collabSlots]Collab
	Last     int64 // unix seconds of the last access (eviction)
}

// Access is one remembered access to a patient.
type Access struct {
	User   uint64
	T      int64 // unix seconds
	Direct bool  // explained by encounter, care team or department
}

// Patient is the state of one patient (about 220 bytes).
type Patient struct {
	Acc  [accessorSlots]Access
	APos uint8
	Last int64
}

// Pending is a break-the-glass access waiting for its follow-up deadline.
type Pending struct {
	EventID, User, Patient, SrcIP string
	T, Ingested, Deadline         int64 // unix nanoseconds
}

// state is everything the detector learns; exported fields so gob can
// snapshot it.
type state struct {
	Users    map[uint64]*User
	Patients map[uint64]*Patient
	// Consult counts accesses by (user department, user role, encounter
	// department) hash; DeptTotal accesses per (department, role) hash —
	// the user's peer group.
	Consult   map[uint64]uint32
	DeptTotal map[uint64]uint32
	// Diagnosis counts explained accesses by (condition code, department).
	Diagnosis map[uint64]uint32
	// Dedupe holds (user, patient, rule) hashes with the day they fired.
	Dedupe  map[uint64]int32
	Pending []Pending // sorted by Deadline
	// RoleDays learns the daily volume norm of each records role (role
	// name hash; rolenorm.go).
	RoleDays map[uint64]*RoleDays
}

func newState() *state {
	return &state{Users: map[uint64]*User{}, Patients: map[uint64]*Patient{}, Consult: map[uint64]uint32{},
		DeptTotal: map[uint64]uint32{}, Diagnosis: map[uint64]uint32{}, Dedupe: map[uint64]int32{}}
}

func hashStr(s string) uint64 { return xxhash.Sum64String(s) }

// hashPair hashes two strings with a separator.
// hashConsult is the key of a peer group's (department, role) accesses to
// the patients of encounter department enc ("" = the group's total).
func hashConsult(dept, role, enc string) uint64 {
	var d xxhash.Digest
	d.Reset()
	d.WriteString(dept)
	d.Write([]byte{0})
	d.WriteString(role)
	d.Write([]byte{0})
	d.WriteString(enc)
	return d.Sum64()
}

func hashPair(a, b string) uint64 {
	var d xxhash.Digest
	d.Reset()
	d.WriteString(a)
	d.Write([]byte{0})
	d.WriteString(b)
	return d.Sum64()
}

func (s *state) user(h uint64, now int64, max int) *User {
	u := s.Users[h]
	if u == nil {
		if len(s.Users) >= max {
			evictUsers(s.Users, max/10+1)
		}
		u = &User{}
		s.Users[h] = u
	}
	u.Last = now
	return u
}

func (s *state) patient(h uint64, now int64, max int) *Patient {
	p := s.Patients[h]
	if p == nil {
		if len(s.Patients) >= max {
			evictPatients(s.Patients, max/10+1)
		}
		p = &Patient{}
		s.Patients[h] = p
	}
	p.Last = now
	return p
}

// evictUsers drops the n least recently active users.
func evictUsers(m map[uint64]*User, n int) {
	cut := cutoff(len(m), n, func(yield func(int64)) {
		for _, u := range m {
			yield(u.Last)
		}
	})
	for k, u := range m {
		if u.Last <= cut && n > 0 {
			delete(m, k)
			n--
		}
	}
}

func evictPatients(m map[uint64]*Patient, n int) {
	cut := cutoff(len(m), n, func(yield func(int64)) {
		for _, p := range m {
			yield(p.Last)
		}
	})
	for k, p := range m {
		if p.Last <= cut && n > 0 {
			delete(m, k)
			n--
		}
	}
}

// cutoff returns the n-th smallest of the values.
func cutoff(size, n int, each func(func(int64))) int64 {
	vals := make([]int64, 0, size)
	each(func(v int64) { vals = append(vals, v) })
	slices.Sort(vals)
	if n > len(vals) {
		n = len(vals)
	}
	if n == 0 {
		return 0
	}
	return vals[n-1]
}

// seen reports whether the user opened patient ph recently, and records it.
func (u *User) seen(ph uint64, day int32) bool {
	for _, r := range u.Recent {
		if r == ph {
			return true
		}
	}
	u.Recent[u.RPos%recentPatients] = ph
	u.RPos = (u.RPos + 1) % recentPatients
	if u.Day != day {
		u.Day, u.DayCount = day, 0
	}
	u.DayCount++
	return false
}

// collabCount returns how many patients the user shared with peer.
func (u *User) collabCount(peer uint64) uint32 {
	for _, c := range u.Collabs {
		if c.Peer == peer {
			return c.N
		}
	}
	return 0
}

// addCollab counts one more shared patient with peer (space-saving: a new
// peer replaces the weakest, inheriting its count, so frequent
// collaborators stay).
func (u *User) addCollab(peer uint64) {
	weak := 0
	for i, c := range u.Collabs {
		if c.Peer == peer {
			u.Collabs[i].N++
			return
		}
		if c.N < u.Collabs[weak].N {
			weak = i
		}
	}
	if u.Collabs[weak].N == 0 {
		u.Collabs[weak] = Collab{Peer: peer, N: 1}
		return
	}
	u.Collabs[weak] = Collab{Peer: peer, N: u.Collabs[weak].N + 1}
}

func (p *Patient) add(a Access) {
	p.Acc[p.APos%accessorSlots] = a
	p.APos = (p.APos + 1) % accessorSlots
}

// learn adds one to a learned counter unless the table is full.
func learn(m map[uint64]uint32, k uint64) {
	if _, ok := m[k]; ok || len(m) < maxLearned {
		m[k]++
	}
}
