package sigma

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// fieldTable interns the rule field names of a compiled set. Each rule field
// name gets a small id; the event field names it may be read from (after the
// pipeline's mapping, spacing and prefixes) are resolved once per event into
// the id's slot, so rules address fields by index and never search by name.
type fieldTable struct {
	ids   map[string]int32    // rule field name -> id
	names [][]string          // id -> event field names, first present wins
	byKey map[string][]keyRef // event field name -> the ids it feeds
	index keyIndex            // byKey, built by freeze
}

// keyIndex maps event field names to the field ids they feed: an
// open-addressing table with a cheap hash of a few bytes (Go's map hashes
// the whole name).
type keyIndex struct {
	keys []keySlot
	mask uint32
}

type keySlot struct {
	name string
	refs []keyRef
	mark uint8 // markChan, markEID: the name feeds the channel or event id field
}

// keyHash hashes the length and a few bytes of a field name.
func keyHash(s string) uint32 {
	n := len(s)
	h := uint32(n)
	if n > 0 {
		h = h*131 + uint32(s[0])
		h = h*131 + uint32(s[n-1])
		h = h*131 + uint32(s[n/2])
		h = h*131 + uint32(s[n-1-n/4])
	}
	return h * 0x9E3779B1
}

// freeze builds the lookup table of byKey; call it when no id is added.
func (t *fieldTable) freeze() {
	t.index = newKeyIndex(t.byKey)
}

// newKeyIndex builds the table of byKey (name -> non-empty refs).
func newKeyIndex(byKey map[string][]keyRef) keyIndex {
	size := 16
	for size < 2*len(byKey) {
		size *= 2
	}
	x := keyIndex{keys: make([]keySlot, size), mask: uint32(size - 1)}
	for name, refs := range byKey {
		i := keyHash(name) >> 8 & x.mask
		for x.keys[i].refs != nil {
			i = (i + 1) & x.mask
		}
		x.keys[i] = keySlot{name: name, refs: refs}
	}
	return x
}

// lookup returns the field ids an event field name feeds.
func (t *fieldTable) lookup(name string) []keyRef {
	if t.index.keys == nil {
		return t.byKey[name]
	}
	return t.index.lookup(name)
}

// lookup returns the field ids name feeds, nil if none.
func (x *keyIndex) lookup(name string) []keyRef {
	if i := x.find(name); i >= 0 {
		return x.keys[i].refs
	}
	return nil
}

// find returns the slot of name, -1 if it feeds no field id.
func (x *keyIndex) find(name string) int32 {
	for i := keyHash(name) >> 8 & x.mask; ; i = (i + 1) & x.mask {
		k := &x.keys[i]
		if k.refs == nil {
			return -1
		}
		if len(k.name) == len(name) && k.name == name {
			return int32(i)
		}
	}
}

// keyRef says that an event field feeds field id at priority prio (the
// index of the name in the id's candidate list; lower wins).
type keyRef struct {
	field int32
	prio  int32
}

func newFieldTable() *fieldTable {
	return &fieldTable{ids: map[string]int32{}, byKey: map[string][]keyRef{}}
}

// id interns a rule field name whose event names are given by names.
func (t *fieldTable) id(name string, names func(string) []string) int32 {
	if id, ok := t.ids[name]; ok {
		return id
	}
	id := int32(len(t.names))
	t.ids[name] = id
	var cands []string
	for _, n := range names(name) {
		dup := false
		for _, c := range cands {
			dup = dup || c == n
		}
		if !dup {
			cands = append(cands, n)
		}
	}
	t.names = append(t.names, cands)
	for prio, n := range cands {
		t.byKey[n] = append(t.byKey[n], keyRef{field: id, prio: int32(prio)})
	}
	return id
}

// FieldRanger is implemented by events that can list their fields. The
// matcher then reads the whole event in one pass instead of asking for each
// field by name, and a key that occurs several times (an array flattened to
// repeated keys) matches when any of its values does.
type FieldRanger interface {
	Event
	// RangeFields calls fn with every field in event order.
	RangeFields(fn func(name, value string))
}

// LazyFieldRanger is a FieldRanger that can hand over its fields before
// decoding their values (a JSON adapter that has not unescaped them yet). The
// matcher then decodes, through FieldValue, only the values a rule or the
// prefilter reads: most events carry long fields that some rule names but
// that the rules of the event's route never read.
type LazyFieldRanger interface {
	FieldRanger
	// RangeLazyFields calls fn with every field in event order, the value
	// given by a handle for FieldValue.
	RangeLazyFields(fn func(name string, h int))
	// FieldValue returns the value of handle h of the current event; the
	// same as RangeFields would give.
	FieldValue(h int) string
}

// fval is one event value held by a scratch, with its lower-cased form
// computed on first use. A lazy value is decoded (from handle h of the
// scratch's LazyFieldRanger) on first use.
type fval struct {
	raw, low string
	h        int32
	lowered  bool
	lazy     bool
}

// raw returns value i, decoding it first if it is lazy.
func (s *scratch) raw(i int32) string {
	v := &s.vals[i]
	if v.lazy {
		v.raw, v.lazy = s.lz.FieldValue(int(v.h)), false
	}
	return v.raw
}

// node links the values of one field id (several when a key repeats).
type node struct {
	val, next int32
}

// scratch is the per-event state of a Matcher: the resolved field slots of
// the current event and lower-cased values. It is reused from event to
// event; generation stamps avoid clearing it.
type scratch struct {
	ft     *fieldTable
	ev     Event
	ranged bool
	gen    uint32
	stamp  []uint32 // per field id: == gen when head/prio are valid
	// scanned is, per field id, == gen when the prefilter scanned the
	// field's values for this event: pf's pattern stamps then tell which
	// of the field's literals occur in it (see known.go).
	scanned []uint32
	pf      *pfScratch
	prio    []int32
	head    []int32 // per field id: first node, -1 if absent
	tail    []int32
	vals    []fval // values of the fields rules name, in event order
	nodes   []node
	buf     []byte     // lower-cased text of this event
	hits    []fieldHit // the fields of a ranged event that some rule reads, before fileHits
	hitFn   func(name, value string)
	lz      LazyFieldRanger // the current event if lazy, else nil
	lazyFn  func(name string, h int)
	kwVM    *valueMatcher
	kwFn    func(string) bool
}

func newScratch(ft *fieldTable) *scratch {
	n := len(ft.names)
	s := &scratch{ft: ft, stamp: make([]uint32, n), prio: make([]int32, n),
		head: make([]int32, n), tail: make([]int32, n), scanned: make([]uint32, n)}
	s.initHits()
	s.kwFn = func(v string) bool {
		low := ""
		if s.kwVM.needLow() {
			low = s.lower(v)
		}
		return s.kwVM.matchValue(v, low, s)
	}
	return s
}

// reset prepares the scratch for ev; ranged events are read in full now.
func (s *scratch) reset(ev Event) {
	s.begin(ev)
	if s.ranged {
		s.fileHits(nil)
	}
}

// addVal records value v in the slot of every field id of refs that read
// holds: a better-priority name replaces what the slot holds, the same
// name again (a repeated key) is appended.
func (s *scratch) addVal(refs []keyRef, v fval, read fieldSet) {
	i := int32(-1)
	for _, r := range refs {
		f := r.field
		cur := s.stamp[f] == s.gen
		if (cur && r.prio > s.prio[f]) || !read.has(f) {
			continue
		}
		if i < 0 {
			i = int32(len(s.vals))
			s.vals = append(s.vals, v)
		}
		n := int32(len(s.nodes))
		s.nodes = append(s.nodes, node{val: i, next: -1})
		if !cur || r.prio < s.prio[f] {
			s.stamp[f], s.prio[f], s.head[f], s.tail[f] = s.gen, r.prio, n, n
			continue
		}
		s.nodes[s.tail[f]].next = n
		s.tail[f] = n
	}
}

// field returns the first node of field id f, or -1 if the event lacks it.
func (s *scratch) field(f int32) int32 {
	if s.stamp[f] == s.gen {
		return s.head[f]
	}
	if s.ranged {
		return -1
	}
	s.stamp[f], s.head[f] = s.gen, -1
	for _, n := range s.ft.names[f] {
		if v, ok := s.ev.Field(n); ok {
			s.head[f] = int32(len(s.nodes))
			s.nodes = append(s.nodes, node{val: int32(len(s.vals)), next: -1})
			s.vals = append(s.vals, fval{raw: v})
			break
		}
	}
	return s.head[f]
}

// low returns the lower-cased form of value i.
func (s *scratch) low(i int32) string {
	v := &s.vals[i]
	if !v.lowered {
		v.low, v.lowered = s.lower(s.raw(i)), true
	}
	return v.low
}

// lower returns strings.ToLower(v), without allocating for ASCII text: the
// result is v itself or lives in the scratch buffer until the next event.
func (s *scratch) lower(v string) string {
	upper, ascii := false, true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			ascii = false
			break
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if ascii && !upper {
		return v
	}
	// Lower-casing can grow text: U+023A (2 bytes) becomes U+2C65 (3).
	need := len(v)
	if !ascii {
		need = 3 * len(v) // an invalid byte becomes U+FFFD, 3 bytes
	}
	start := len(s.buf)
	if cap(s.buf)-start < need {
		// Start a new buffer; strings already handed out keep the old one.
		s.buf = make([]byte, 0, max(2*cap(s.buf), need, 4096))
		start = 0
	}
	if ascii {
		for i := 0; i < len(v); i++ {
			c := v[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			s.buf = append(s.buf, c)
		}
	} else {
		// As strings.ToLower: rune by rune, invalid bytes become U+FFFD.
		for i := 0; i < len(v); {
			r, n := utf8.DecodeRuneInString(v[i:])
			i += n
			if r < utf8.RuneSelf {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				s.buf = append(s.buf, byte(r))
				continue
			}
			s.buf = utf8.AppendRune(s.buf, unicode.ToLower(r))
		}
	}
	if len(s.buf) == start {
		return ""
	}
	return unsafe.String(&s.buf[start], len(s.buf)-start)
}
