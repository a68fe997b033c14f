package sigma

// strMap is a read-only map from strings, built once: an open-addressing
// table hashed by keyHash (the length and a few bytes), cheaper per lookup
// than a Go map, which hashes the whole key (routes look up a channel name
// of ~40 bytes and an event id for every event).
type strMap[V any] struct {
	slots []strSlot[V] // len a power of two, at most half used
	mask  uint32
	n     int
}

type strSlot[V any] struct {
	key  string
	val  V
	used bool
}

// newStrMap returns the strMap of m.
func newStrMap[V any](m map[string]V) strMap[V] {
	size := 4
	for size < 2*len(m) {
		size *= 2
	}
	t := strMap[V]{slots: make([]strSlot[V], size), mask: uint32(size - 1), n: len(m)}
	for k, v := range m {
		i := keyHash(k) >> 8 & t.mask
		for t.slots[i].used {
			i = (i + 1) & t.mask
		}
		t.slots[i] = strSlot[V]{key: k, val: v, used: true}
	}
	return t
}

// get returns the value of key k, and whether there is one.
func (t *strMap[V]) get(k string) (V, bool) {
	for i := keyHash(k) >> 8 & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if !s.used {
			var zero V
			return zero, false
		}
		if len(s.key) == len(k) && s.key == k {
			return s.val, true
		}
	}
}

// len returns the number of keys.
func (t *strMap[V]) len() int { return t.n }
