package sigma

// Filing a ranged event. Its fields are listed in one pass (one call per
// field), and only those whose name some rule reads are kept, with their
// slot in the field table's index: the hash of a name is computed once.
// The channel and event id are then found among the kept fields (the
// index marks the names that feed them), which gives the route, and the
// kept fields that the route's rules read are filed into slots.

// fieldHit is a listed field whose name some rule reads: its slot in the
// field table's index and its value, given by handle h of a lazy event
// when h >= 0.
type fieldHit struct {
	slot, h int32
	raw     string
}

// Marks of the index slots whose name feeds the channel or event id field.
const (
	markChan uint8 = 1 << iota
	markEID
)

// fieldSet is a set of field ids; nil holds every id.
type fieldSet []uint64

func newFieldSet(n int) fieldSet { return make(fieldSet, (n+63)/64) }

func (fs fieldSet) add(f int32) { fs[f>>6] |= 1 << (f & 63) }

func (fs fieldSet) has(f int32) bool { return fs == nil || fs[f>>6]>>(f&63)&1 != 0 }

// mark sets bit on the slots whose name feeds field id f.
func (x *keyIndex) mark(f int32, bit uint8) {
	for i := range x.keys {
		for _, r := range x.keys[i].refs {
			if r.field == f {
				x.keys[i].mark |= bit
			}
		}
	}
}

// initHits makes the listing callbacks.
func (s *scratch) initHits() {
	x := &s.ft.index
	s.hitFn = func(name, v string) {
		if k := x.find(name); k >= 0 {
			s.hits = append(s.hits, fieldHit{slot: k, h: -1, raw: v})
		}
	}
	s.lazyFn = func(name string, h int) {
		if k := x.find(name); k >= 0 {
			s.hits = append(s.hits, fieldHit{slot: k, h: int32(h)})
		}
	}
}

// begin starts event ev: the slots are emptied, and the fields of a
// ranged event that some rule reads are listed in s.hits (not decoded if
// lazy) for fileHits.
func (s *scratch) begin(ev Event) {
	s.ev = ev
	s.gen++
	if s.gen == 0 { // wrapped: stale stamps could look current
		clear(s.stamp)
		clear(s.scanned)
		s.gen = 1
	}
	s.vals, s.nodes, s.buf, s.hits = s.vals[:0], s.nodes[:0], s.buf[:0], s.hits[:0]
	s.lz = nil
	if lz, ok := ev.(LazyFieldRanger); ok {
		s.ranged, s.lz = true, lz
		lz.RangeLazyFields(s.lazyFn)
		return
	}
	fr, ok := ev.(FieldRanger)
	s.ranged = ok
	if ok {
		fr.RangeFields(s.hitFn)
	}
}

// hitValue returns, before fileHits, the value field id f would get: the
// first listed field with the best-priority name. bit is f's mark.
func (s *scratch) hitValue(f int32, bit uint8) (string, bool) {
	keys := s.ft.index.keys
	best, bestPrio := -1, int32(len(s.ft.names[f]))
	for i := range s.hits {
		k := &keys[s.hits[i].slot]
		if k.mark&bit == 0 {
			continue
		}
		for _, r := range k.refs {
			if r.field == f && r.prio < bestPrio {
				best, bestPrio = i, r.prio
			}
		}
	}
	if best < 0 {
		return "", false
	}
	h := &s.hits[best]
	if h.h >= 0 {
		h.raw, h.h = s.lz.FieldValue(int(h.h)), -1
	}
	return h.raw, true
}

// fileHits files the listed fields into the slots of the field ids of
// read.
func (s *scratch) fileHits(read fieldSet) {
	keys := s.ft.index.keys
	for i := range s.hits {
		h := &s.hits[i]
		v := fval{raw: h.raw}
		if h.h >= 0 {
			v = fval{h: h.h, lazy: true}
		}
		s.addVal(keys[h.slot].refs, v, read)
	}
}
