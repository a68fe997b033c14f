package sigma

import "hash/maphash"

// The scan memo. Short values repeat a great deal in event logs (image
// paths, access masks, registry keys: ~88 % of the short values of the
// windows-dev sample occur among the last ~1,000), and scanning one costs
// a dependent table load per byte, often in a large machine that is no
// longer in the cache. A Matcher therefore remembers, per field, the
// patterns its machines found in recent short values and replays them for
// a value seen again (86 % of the short values scanned in one pass over
// windows-dev). A Matcher without slots (tests) does not remember.

const (
	memoBits    = 14 // 16,384 slots, direct-mapped (2.6 MB per Matcher)
	memoMaxLen  = 120
	memoMaxPats = 8 // most patterns remembered for one value
)

// memoSlot is one remembered value (of up to memoMaxLen bytes) of one
// field and the patterns found in it.
type memoSlot struct {
	field int32 // -1: empty
	vlen  uint8
	npat  uint8
	val   [memoMaxLen]byte
	pats  [memoMaxPats]int32
}

// scanMemo is a Matcher's memo.
type scanMemo struct {
	seed  maphash.Seed
	slots []memoSlot
}

func newScanMemo() scanMemo {
	m := scanMemo{seed: maphash.MakeSeed(), slots: make([]memoSlot, 1<<memoBits)}
	for i := range m.slots {
		m.slots[i].field = -1
	}
	return m
}

// scanValue records the patterns of field f found in value i. first says
// that i is the field's first value in this event: only then are the
// patterns it adds to pf.found all those it holds (a pattern already found
// in an earlier value of the field is not added again), so only then is
// the result remembered.
func (m *Matcher) scanValue(f int32, i int32, first bool) {
	pf := &m.rs.pre.fields[f]
	v := m.s.raw(i)
	if len(v) > memoMaxLen || !first || m.memo.slots == nil {
		m.scan(pf, i)
		return
	}
	h := maphash.String(m.memo.seed, v) + uint64(f)*0x9E3779B97F4A7C15
	slot := &m.memo.slots[h>>(64-memoBits)]
	if slot.field == f && int(slot.vlen) == len(v) && string(slot.val[:len(v)]) == v {
		ps := &m.pf
		for _, p := range slot.pats[:slot.npat] {
			if ps.patStamp[p] != ps.gen {
				ps.patStamp[p] = ps.gen
				ps.found = append(ps.found, p)
			}
		}
		return
	}
	before := len(m.pf.found)
	m.scan(pf, i)
	found := m.pf.found[before:]
	if len(found) > memoMaxPats {
		return
	}
	slot.field, slot.vlen, slot.npat = f, uint8(len(v)), uint8(len(found))
	copy(slot.val[:], v)
	copy(slot.pats[:], found)
}
