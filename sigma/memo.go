package sigma

import (
	"hash/maphash"
	"slices"
)

// The scan memos. Values repeat a great deal in event logs, and scanning
// one costs a dependent table load per byte, often in a large machine that
// is no longer in the cache. A Matcher therefore remembers the patterns its
// machines found in recent texts of each field and replays them for a text
// seen again, after comparing it in full: short values (image paths,
// access masks, registry keys) in one memo, long lines in another (see
// memolong.go). Only ASCII texts are remembered; a value with other bytes
// is scanned by scan, which also scans its lower-cased form.

const (
	memoBits    = 14  // 16,384 slots of 328 B (5.4 MB per Matcher)
	memoMaxLen  = 255 // longer texts go to the line memo (or are scanned)
	memoMaxPats = 16  // most patterns remembered for one text (9-12 are common in image paths)
)

// memoSlot is one remembered text (of up to memoMaxLen bytes) of one field
// and the patterns found in it.
type memoSlot struct {
	field int32 // -1: empty
	vlen  uint8
	npat  uint8
	val   [memoMaxLen]byte
	pats  [memoMaxPats]int32
}

// scanMemo is a Matcher's memo of short texts, set-associative: a text
// may sit in any of the memoWays slots of its set, which tags (a hash of
// each slot's text) tell apart without loading the slots.
type scanMemo struct {
	seed  maphash.Seed
	slots []memoSlot // nil: nothing is remembered (benchmarks compare)
	tags  []uint32   // per slot: memoTag of its text, 0 if empty
	// encoded: encoded values are also remembered by their source text
	// (memoencoded.go); benchmarks compare.
	encoded bool
}

// memoWays is the number of slots of a set.
const memoWays = 4

func newScanMemo() scanMemo {
	m := scanMemo{seed: maphash.MakeSeed(), slots: make([]memoSlot, 1<<memoBits), tags: make([]uint32, 1<<memoBits),
		encoded: true}
	for i := range m.slots {
		m.slots[i].field = -1
	}
	return m
}

// hash returns the hash of text of field f.
func (m *scanMemo) hash(f int32, text string) uint64 {
	return maphash.String(m.seed, text) + uint64(f)*0x9E3779B97F4A7C15
}

// setOf returns the first slot of the set of hash h.
func (m *scanMemo) setOf(h uint64) int { return int(h >> (64 - memoBits) &^ (memoWays - 1)) }

// memoTag is the tag of hash h (never 0).
func memoTag(h uint64) uint32 { return uint32(h) | 1 }

// recorder collects every pattern hit reports while on, whether found
// before in the event or not: the complete set of a text, for the memos.
type recorder struct {
	on   bool
	pats []int32 // with repeats; full means some may be missing
}

// start begins recording.
func (r *recorder) start() { r.on, r.pats = true, r.pats[:0] }

// stop ends recording and returns the distinct patterns, false if some
// may be missing.
func (r *recorder) stop() ([]int32, bool) {
	r.on = false
	if len(r.pats) == cap(r.pats) {
		return nil, false
	}
	slices.Sort(r.pats)
	return slices.Compact(r.pats), true
}

// add records p if recording.
func (r *recorder) add(p int32) {
	if r.on && len(r.pats) < cap(r.pats) {
		r.pats = append(r.pats, p)
	}
}

// replay adds the patterns of a remembered text to the event's.
func (m *Matcher) replay(pats []int32) {
	ps := &m.pf
	for _, p := range pats {
		if ps.patStamp[p] != ps.gen {
			ps.patStamp[p] = ps.gen
			ps.found = append(ps.found, p)
		}
	}
}

// scanValue records the patterns of field f found in value i, the
// field's first value in the event if first. A value still encoded (a
// lazy JSON string with escapes) is first looked up by its source text
// (see memoencoded.go), and decoded only when not found.
func (m *Matcher) scanValue(f int32, i int32, first bool) {
	pf := &m.rs.pre.fields[f]
	tok, encoded := "", false
	if pf.m != nil {
		tok, encoded = m.encodedToken(i, first)
	}
	if !encoded {
		m.scanDecoded(f, i, pf)
		return
	}
	if m.replayEncoded(f, tok) {
		return
	}
	before := len(m.pf.found)
	m.scanDecoded(f, i, pf)
	m.rememberEncoded(f, tok, before)
}

// scanDecoded is scanValue on the decoded value.
func (m *Matcher) scanDecoded(f int32, i int32, pf *pfField) {
	v := m.s.raw(i)
	if pf.m == nil {
		m.scan(pf, i)
		return
	}
	var acc byte
	if len(v) > memoMaxLen {
		acc = m.scanLong(f, pf.m, v)
	} else {
		acc = m.scanShort(f, pf.m, v)
	}
	if acc >= 0x80 {
		m.scan(pf, i)
	}
}

// scanShort scans text (at most memoMaxLen bytes) of field f with ac,
// through the memo, and returns the OR of its bytes.
func (m *Matcher) scanShort(f int32, ac *acMachine, text string) byte {
	if m.memo.slots == nil {
		return m.scanText(ac, text)
	}
	h := m.memo.hash(f, text)
	if m.lookupShort(f, text, h) {
		return 0 // only ASCII texts are remembered
	}
	m.rec.start()
	acc := m.scanText(ac, text)
	pats, ok := m.rec.stop()
	if !ok || acc >= 0x80 || len(pats) > memoMaxPats {
		return acc
	}
	m.storeShort(f, text, h, pats)
	return acc
}

// lookupShort replays the patterns of text of field f (hash h) if the memo
// holds it.
func (m *Matcher) lookupShort(f int32, text string, h uint64) bool {
	set, tag := m.memo.setOf(h), memoTag(h)
	tags := m.memo.tags[set : set+memoWays]
	for w, t := range tags {
		if t != tag {
			continue
		}
		slot := &m.memo.slots[set+w]
		if slot.field == f && int(slot.vlen) == len(text) && string(slot.val[:len(text)]) == text {
			m.replay(slot.pats[:slot.npat])
			return true
		}
	}
	return false
}

// storeShort remembers the patterns of text of field f (hash h).
func (m *Matcher) storeShort(f int32, text string, h uint64, pats []int32) {
	set, tag := m.memo.setOf(h), memoTag(h)
	tags := m.memo.tags[set : set+memoWays]
	w := 0
	for w < memoWays-1 && tags[w] != 0 {
		w++
	}
	if tags[w] != 0 {
		w = int(h>>8) & (memoWays - 1) // a full set: replace one at random
	}
	tags[w] = tag
	slot := &m.memo.slots[set+w]
	slot.field, slot.vlen, slot.npat = f, uint8(len(text)), uint8(len(pats))
	copy(slot.val[:], text)
	copy(slot.pats[:], pats)
}
