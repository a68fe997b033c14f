package sigma

import "slices"

// acMachine is an Aho-Corasick automaton compiled to a full DFA over byte
// classes: every byte that occurs in some pattern has its own class (ASCII
// upper-case letters share the class of their lower-case form, so ASCII
// text is matched case-insensitively without lowering it), all other bytes
// share class 0. States are numbered so that those with outputs come last:
// scanning costs one table load and one comparison per input byte. The
// table holds 16-bit states when there are fewer than 65,536 (half the
// memory, so more of a machine's busy rows stay in the caches), 32-bit ones
// otherwise.
type acMachine struct {
	class    [256]uint8
	nclass   int32
	d16      []uint16 // state*nclass + class -> next state, when states fit 16 bits
	d32      []int32  // the same otherwise
	firstOut int32    // states >= firstOut have outputs
	outStart []int32  // state-firstOut -> start of its outputs in outs
	outs     []int32  // pattern ids (own and those of suffix states)
	maxLen   int32    // length of the longest pattern
}

// newACMachine builds the automaton for pats (non-empty, distinct, lower
// case); pattern i is reported as ids[i].
func newACMachine(pats []string, ids []int32) *acMachine {
	m := &acMachine{}
	n := m.numberClasses(pats)
	for c := 'A'; c <= 'Z'; c++ {
		m.class[c] = m.class[c+'a'-'A']
	}
	nc := n + 1
	m.nclass = int32(nc)
	// Trie with -1 for missing edges.
	goTo := make([]int32, nc)
	for i := range goTo {
		goTo[i] = -1
	}
	own := [][]int32{nil}
	for pi, p := range pats {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int(m.class[p[i]])
			t := goTo[int(s)*nc+c]
			if t < 0 {
				t = int32(len(own))
				goTo[int(s)*nc+c] = t
				own = append(own, nil)
				for j := 0; j < nc; j++ {
					goTo = append(goTo, -1)
				}
			}
			s = t
		}
		own[s] = append(own[s], ids[pi])
	}
	states := len(own)
	fail := make([]int32, states)
	outs := make([][]int32, states)
	queue := make([]int32, 0, states)
	for c := 0; c < nc; c++ {
		if t := goTo[c]; t >= 0 {
			queue = append(queue, t)
			outs[t] = own[t]
		} else {
			goTo[c] = 0
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		for c := 0; c < nc; c++ {
			t := goTo[int(s)*nc+c]
			if t < 0 {
				goTo[int(s)*nc+c] = goTo[int(fail[s])*nc+c]
				continue
			}
			f := goTo[int(fail[s])*nc+c]
			fail[t] = f
			outs[t] = append(append([]int32(nil), own[t]...), outs[f]...)
			queue = append(queue, t)
		}
	}
	// Renumber: states without outputs first (the root stays 0), each
	// group in breadth-first order, so that the shallow states, where a
	// scan spends most of its time, share cache lines.
	order := append([]int32{0}, queue...)
	newID := make([]int32, states)
	next := int32(0)
	for _, s := range order {
		if len(outs[s]) == 0 {
			newID[s], next = next, next+1
		}
	}
	m.firstOut = next
	m.outStart = []int32{0}
	for _, s := range order {
		if len(outs[s]) > 0 {
			newID[s], next = next, next+1
			m.outs = append(m.outs, outs[s]...)
			m.outStart = append(m.outStart, int32(len(m.outs)))
		}
	}
	if states <= 1<<16 {
		m.d16 = fillDelta[uint16](states, nc, goTo, newID)
	} else {
		m.d32 = fillDelta[int32](states, nc, goTo, newID)
	}
	return m
}

// fillDelta lays out the transition table of the renumbered states.
func fillDelta[T uint16 | int32](states, nc int, goTo, newID []int32) []T {
	delta := make([]T, states*nc)
	for s := 0; s < states; s++ {
		row := int(newID[s]) * nc
		for c := 0; c < nc; c++ {
			delta[row+c] = T(newID[goTo[s*nc+c]])
		}
	}
	return delta
}

// numberClasses gives every byte of pats a class, the most frequent bytes
// of the patterns (a proxy for the scanned text) the lowest numbers: a
// state's row then holds its busiest transitions in its first cache line.
// It returns the number of classes besides class 0 (bytes of no pattern).
func (m *acMachine) numberClasses(pats []string) int {
	var freq [256]int
	for _, p := range pats {
		m.maxLen = max(m.maxLen, int32(len(p)))
		for i := 0; i < len(p); i++ {
			freq[p[i]]++
		}
	}
	bytes := make([]int, 0, 256)
	for c := range freq {
		if freq[c] > 0 {
			bytes = append(bytes, c)
		}
	}
	slices.SortStableFunc(bytes, func(a, b int) int { return freq[b] - freq[a] })
	for k, c := range bytes {
		m.class[c] = uint8(k + 1)
	}
	return len(bytes)
}
