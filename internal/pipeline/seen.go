package pipeline

import "github.com/cespare/xxhash/v2"

// seenSet remembers recently seen event ids in bounded memory, so the
// detector worker does not feed an event to the detectors twice when the
// same event arrives in two different messages (overlapping re-sends). It
// keeps two generations of at most perGen 64-bit id hashes each (about
// 2 × perGen × 20 bytes); ids older than two generations are forgotten,
// which is safe because findings are idempotent by id anyway — the set only
// protects stateful detectors' counts from the common duplicate case.
// Not safe for concurrent use.
type seenSet struct {
	cur, prev map[uint64]struct{}
	perGen    int
}

func newSeenSet(perGen int) *seenSet {
	return &seenSet{cur: make(map[uint64]struct{}, perGen), prev: map[uint64]struct{}{}, perGen: perGen}
}

// has reports whether id was seen recently.
func (s *seenSet) has(id string) bool {
	h := xxhash.Sum64String(id)
	_, inCur := s.cur[h]
	_, inPrev := s.prev[h]
	return inCur || inPrev
}

// add records id (call it once the event's batch was handled).
func (s *seenSet) add(id string) {
	h := xxhash.Sum64String(id)
	if _, ok := s.cur[h]; ok {
		return
	}
	if len(s.cur) >= s.perGen {
		s.prev, s.cur = s.cur, make(map[uint64]struct{}, s.perGen)
	}
	s.cur[h] = struct{}{}
}

// firstTime is has followed by add.
func (s *seenSet) firstTime(id string) bool {
	if s.has(id) {
		return false
	}
	s.add(id)
	return true
}
