package behavior

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
	"time"
)

// state is all the detector remembers. Every map entry records the event
// time it was last touched (Last, unix seconds) so idle entries expire.
type state struct {
	Users     map[string]*userState
	Devices   map[string]*deviceState
	Sources   map[string]*sourceState  // password spraying and enumeration by source ip
	Beacons   map[string]*beaconState  // device + external destination
	Groups    map[string]*groupState   // peer groups "role/department"
	Dests     map[string]*destState    // external destinations: which devices contact them
	Countries map[string]*countryState // logon countries: which users log on from them
	GeoUsers  uint32                   // users with a geolocated logon
	Now       int64                    // newest event time seen (unix seconds)
	Swept     int64                    // event time of the last expiry sweep
}

func newState() *state {
	return &state{Users: map[string]*userState{}, Devices: map[string]*deviceState{},
		Sources: map[string]*sourceState{}, Beacons: map[string]*beaconState{}, Groups: map[string]*groupState{},
		Dests: map[string]*destState{}, Countries: map[string]*countryState{}}
}

func (s *state) size() int {
	return len(s.Users) + len(s.Devices) + len(s.Sources) + len(s.Beacons) + len(s.Groups) + len(s.Dests) + len(s.Countries)
}

// sweepEvery is the event-time interval between expiry sweeps.
const sweepEvery = int64(3600)

// maybeEvict drops state idle longer than cfg.IdleExpiry (hourly, in event
// time) and, when more than cfg.MaxEntities entries are held, the least
// recently active tenth. Both are amortised O(1) per event.
func (s *state) maybeEvict(cfg *Config, t time.Time) {
	now := t.Unix()
	if now > s.Now {
		s.Now = now
	}
	if s.Now-s.Swept >= sweepEvery {
		s.Swept = s.Now
		s.expire(s.Now - int64(cfg.IdleExpiry/time.Second))
	}
	if s.size() > cfg.MaxEntities {
		s.trim(cfg.MaxEntities * 9 / 10)
	}
}

func (s *state) expire(before int64) {
	deleteIdle(s.Users, before)
	deleteIdle(s.Devices, before)
	deleteIdle(s.Sources, before)
	deleteIdle(s.Beacons, before)
	deleteIdle(s.Groups, before)
	deleteIdle(s.Dests, before)
	deleteIdle(s.Countries, before)
}

type lastSeen interface{ lastSeen() int64 }

func deleteIdle[V lastSeen](m map[string]V, before int64) {
	for k, v := range m {
		if v.lastSeen() < before {
			delete(m, k)
		}
	}
}

// trim keeps the keep most recently active entries.
func (s *state) trim(keep int) {
	var times []int64
	times = appendSeen(times, s.Users)
	times = appendSeen(times, s.Devices)
	times = appendSeen(times, s.Sources)
	times = appendSeen(times, s.Beacons)
	times = appendSeen(times, s.Groups)
	times = appendSeen(times, s.Dests)
	times = appendSeen(times, s.Countries)
	if len(times) <= keep {
		return
	}
	slices.Sort(times)
	s.expire(times[len(times)-keep]) // entries older than the keep-th newest go
}

func appendSeen[V lastSeen](times []int64, m map[string]V) []int64 {
	for _, v := range m {
		times = append(times, v.lastSeen())
	}
	return times
}

// snapshotMagic and snapshotVersion head every snapshot.
const (
	snapshotMagic   = "vigil-behavior"
	snapshotVersion = 1
)

type snapshotHeader struct {
	Magic   string
	Version int
}

// Snapshot implements detect.Stateful: a versioned gob of the state.
func (d *Detector) Snapshot() ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	if err := enc.Encode(snapshotHeader{Magic: snapshotMagic, Version: snapshotVersion}); err != nil {
		return nil, fmt.Errorf("behavior snapshot: %w", err)
	}
	if err := enc.Encode(d.st); err != nil {
		return nil, fmt.Errorf("behavior snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore implements detect.Stateful. A snapshot of another version or a
// damaged one is an error and leaves the current state unchanged.
func (d *Detector) Restore(data []byte) error {
	dec := gob.NewDecoder(bytes.NewReader(data))
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("behavior restore: header: %w", err)
	}
	if h.Magic != snapshotMagic {
		return errors.New("behavior restore: not a behavior snapshot")
	}
	if h.Version != snapshotVersion {
		return fmt.Errorf("behavior restore: snapshot version %d, want %d", h.Version, snapshotVersion)
	}
	st := newState()
	if err := dec.Decode(st); err != nil {
		return fmt.Errorf("behavior restore: %w", err)
	}
	st.fillNil()
	if err := st.valid(); err != nil {
		return fmt.Errorf("behavior restore: %w", err)
	}
	d.mu.Lock()
	d.st = st
	d.mu.Unlock()
	return nil
}

// fillNil replaces maps gob left nil (it omits empty maps) and nil entries.
func (s *state) fillNil() {
	if s.Users == nil {
		s.Users = map[string]*userState{}
	}
	if s.Devices == nil {
		s.Devices = map[string]*deviceState{}
	}
	if s.Sources == nil {
		s.Sources = map[string]*sourceState{}
	}
	if s.Beacons == nil {
		s.Beacons = map[string]*beaconState{}
	}
	if s.Groups == nil {
		s.Groups = map[string]*groupState{}
	}
	if s.Dests == nil {
		s.Dests = map[string]*destState{}
	}
	if s.Countries == nil {
		s.Countries = map[string]*countryState{}
	}
	dropNil(s.Users)
	dropNil(s.Devices)
	dropNil(s.Sources)
	dropNil(s.Beacons)
	dropNil(s.Groups)
	dropNil(s.Dests)
	dropNil(s.Countries)
}

func dropNil[V any](m map[string]*V) {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
}
