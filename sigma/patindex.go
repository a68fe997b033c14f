package sigma

import "slices"

// patIndex maps the pattern ids of one bucket to its entries (rule
// index<<3 | clause): an open-addressing table keyed by pattern id, whose
// slots hold spans of one entries slice. It replaces a Go map, whose
// lookup cost more than the work done with most of its answers (most
// patterns found in an event serve other buckets).
type patIndex struct {
	slots []patSlot // len a power of two; pat -1: empty
	shift uint8     // 32 - log2(len(slots))
	ents  []int32
}

// patSlot is the span ents[start:end] of pattern pat.
type patSlot struct {
	pat, start, end int32
}

// newPatIndex builds the index of byPat (pattern id -> entries).
func newPatIndex(byPat map[int32][]int32) patIndex {
	bits := uint8(2)
	for 1<<bits < 2*len(byPat) {
		bits++
	}
	x := patIndex{slots: make([]patSlot, 1<<bits), shift: 32 - bits}
	for i := range x.slots {
		x.slots[i].pat = -1
	}
	pats := make([]int32, 0, len(byPat))
	for p := range byPat {
		pats = append(pats, p)
	}
	slices.Sort(pats) // a layout that does not depend on map order
	mask := uint32(len(x.slots) - 1)
	for _, p := range pats {
		i := x.home(p)
		for x.slots[i].pat >= 0 {
			i = (i + 1) & mask
		}
		start := int32(len(x.ents))
		x.ents = append(x.ents, byPat[p]...)
		x.slots[i] = patSlot{pat: p, start: start, end: int32(len(x.ents))}
	}
	return x
}

// home is the first slot probed for pattern p.
func (x *patIndex) home(p int32) uint32 {
	return uint32(p) * 0x9E3779B1 >> x.shift
}

// lookup returns the entries of pattern p, nil if the bucket has none.
func (x *patIndex) lookup(p int32) []int32 {
	mask := uint32(len(x.slots) - 1)
	for i := x.home(p); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.pat == p {
			return x.ents[s.start:s.end]
		}
		if s.pat < 0 {
			return nil
		}
	}
}
