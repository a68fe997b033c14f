package behavior

import (
	"strings"

	"github.com/cespare/xxhash/v2"
)

// hash32 is the stable 32-bit hash used for set membership in state. It is
// stable across processes so snapshots stay valid; collisions (1 in 4·10⁹
// per pair) can at worst hide one novelty.
func hash32(s string) uint32 {
	h := xxhash.Sum64String(s)
	return uint32(h) ^ uint32(h>>32)
}

// Set is a small set of hashes. With a positive cap it forgets the oldest
// member when full (a FIFO window of recently seen values).
type Set struct {
	H []uint32
	I uint16 // next slot to overwrite once full
}

// Has reports membership.
func (s *Set) Has(h uint32) bool {
	for _, v := range s.H {
		if v == h {
			return true
		}
	}
	return false
}

// Add inserts h (if absent) and reports whether it was new. A full set
// overwrites its oldest member.
func (s *Set) Add(h uint32, capacity int) bool {
	if s.Has(h) {
		return false
	}
	if len(s.H) < capacity {
		s.H = append(s.H, h)
		return true
	}
	if capacity > 0 {
		s.H[int(s.I)%capacity] = h
		s.I = uint16((int(s.I) + 1) % capacity)
	}
	return true
}

// Evidence is a bounded list of evidence event ids (the most recent ones).
type Evidence struct {
	IDs []string
	I   uint8
}

// maxEvidence bounds the event ids a finding carries and state keeps.
const maxEvidence = 8

// Add remembers id (copied, so the event's buffers are not retained).
func (e *Evidence) Add(id string, capacity int) {
	id = strings.Clone(id)
	if len(e.IDs) < capacity {
		e.IDs = append(e.IDs, id)
		return
	}
	e.IDs[int(e.I)%capacity] = id
	e.I = uint8((int(e.I) + 1) % capacity)
}

// List returns the ids oldest first, plus last when it is not already in.
func (e *Evidence) List(last string) []string {
	out := make([]string, 0, len(e.IDs)+1)
	n := len(e.IDs)
	for i := 0; i < n; i++ {
		out = append(out, e.IDs[(int(e.I)+i)%n])
	}
	for _, id := range out {
		if id == last {
			return out
		}
	}
	return append(out, last)
}

// Reset empties the list.
func (e *Evidence) Reset() { e.IDs, e.I = e.IDs[:0], 0 }
