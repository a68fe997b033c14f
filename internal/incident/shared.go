package incident

import (
	"strings"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// SharedLookup tells the correlator which host, ip and device keys
// ("host:ws-ed-001", lower case, as EntityKeys writes them) are shared
// infrastructure. It is called from the correlator's goroutine while other
// goroutines may be feeding it; implementations must be safe for that.
type SharedLookup interface {
	Shared(key string) bool
}

// SharedTracker learns shared infrastructure from the telemetry itself, not
// only from findings: a host, source ip or device that more than MaxUsers
// distinct users used within Window (a nursing-station workstation, a VDI or
// NAT gateway, the EHR's application server) is shared — and so is a patient
// whose record more than MaxUsers users opened (an inpatient's care team),
// for the same reason: it does not tie those users together — and stays so until
// the tracker forgets it. Findings are sparse — three snoopers who used the
// same ED workstation on different days each raise one finding — so counting
// users in findings alone lets a shared workstation chain unrelated people
// into one incident; every login and chart access counts here.
//
// Safe for concurrent use. Memory is bounded by MaxKeys entries (~100 B each) of at most
// MaxUsers+1 users each; when full, keys not (yet) shared are forgotten.
type SharedTracker struct {
	MaxUsers int           // default 3 (the correlator's HubUsers)
	Window   time.Duration // default 24h
	MaxKeys  int           // default 1<<18

	mu   sync.Mutex
	keys map[sharedKey]*sharedEntry
}

// sharedKey is an entity kind and its lower-case value.
type sharedKey struct{ kind, value string }

type sharedEntry struct {
	users  []string
	seen   []int64 // unix nanos, parallel to users
	shared bool
}

// NewSharedTracker returns a tracker with the defaults filled in.
func NewSharedTracker(maxUsers int, window time.Duration) *SharedTracker {
	if maxUsers <= 0 {
		maxUsers = 3
	}
	if window <= 0 {
		window = DefaultWindow
	}
	return &SharedTracker{MaxUsers: maxUsers, Window: window, MaxKeys: 1 << 18, keys: map[sharedKey]*sharedEntry{}}
}

// ObserveEvent records the event's user against its host, source ip,
// device and patient. Events without a user teach nothing.
func (s *SharedTracker) ObserveEvent(ev *event.Event) {
	e := &ev.Entities
	if e.User == "" || e.Host == "" && e.SrcIP == "" && e.Device == "" && e.Patient == "" {
		return
	}
	user := strings.ToLower(e.User)
	t := ev.Time.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, kv := range [...][2]string{{"host", e.Host}, {"ip", e.SrcIP}, {"device", e.Device}, {"patient", e.Patient}} {
		if kv[1] != "" {
			s.observeLocked(sharedKey{kv[0], strings.ToLower(kv[1])}, user, t)
		}
	}
}

// observeLocked adds user at time t to key's recent users; s.mu must be held.
// Strings kept are cloned: event strings may be views of a reused buffer.
func (s *SharedTracker) observeLocked(key sharedKey, user string, t int64) {
	en := s.keys[key]
	if en == nil {
		key = sharedKey{key.kind, strings.Clone(key.value)}
		if len(s.keys) >= s.MaxKeys {
			s.forgetUnsharedLocked()
			if len(s.keys) >= s.MaxKeys { // all shared: start over
				clear(s.keys)
			}
		}
		en = &sharedEntry{}
		s.keys[key] = en
	}
	if en.shared {
		return
	}
	for i, u := range en.users {
		if u == user {
			en.seen[i] = max(en.seen[i], t)
			return
		}
	}
	limit := t - int64(s.Window)
	for i := 0; i < len(en.users); {
		if en.seen[i] < limit {
			en.users = append(en.users[:i], en.users[i+1:]...)
			en.seen = append(en.seen[:i], en.seen[i+1:]...)
			continue
		}
		i++
	}
	en.users = append(en.users, strings.Clone(user))
	en.seen = append(en.seen, t)
	if len(en.users) > s.MaxUsers {
		en.shared, en.users, en.seen = true, nil, nil
	}
}

func (s *SharedTracker) forgetUnsharedLocked() {
	for k, en := range s.keys {
		if !en.shared {
			delete(s.keys, k)
		}
	}
}

// Shared reports whether key has been seen with more than MaxUsers users
// within Window.
func (s *SharedTracker) Shared(key string) bool {
	kind, value, _ := strings.Cut(key, ":")
	s.mu.Lock()
	defer s.mu.Unlock()
	en := s.keys[sharedKey{kind, value}]
	return en != nil && en.shared
}

// Len is the number of keys tracked.
func (s *SharedTracker) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}
