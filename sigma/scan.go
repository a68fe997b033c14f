package sigma

import "strings"

// scan runs the machines of field f over value i of the scratch and
// records the rules of every pattern found. ASCII text is scanned as it is
// (the machines fold ASCII case); text with other bytes is also scanned in
// its lower-cased form, since lower-casing some non-ASCII letters yields
// ASCII ones, and only then by the machine of non-ASCII literals.
func (m *Matcher) scan(f *pfField, i int32) {
	v := m.s.raw(i)
	var acc byte
	if f.m != nil {
		acc = m.scanText(f.m, v)
	} else if !isASCII(v) {
		acc = 0x80
	}
	if acc < 0x80 {
		return
	}
	low := m.s.low(i)
	if f.m != nil {
		m.scanText(f.m, low)
		if strings.Contains(low, "\u017f") {
			// (?i)s matches U+017F (long s), which stays as it is when
			// lower-cased: regular-expression atoms must see it as 's'.
			m.scanText(f.m, strings.ReplaceAll(low, "\u017f", "s"))
		}
	}
	if f.wide != nil {
		m.scanText(f.wide, v) // cased literals occur in the raw text
		m.scanText(f.wide, low)
	}
}

// laneMin is the length from which a value is scanned in four lanes.
const laneMin = 96

// scanText scans v and returns the OR of its bytes. A long value is cut
// into four lanes scanned in step: the table loads of one byte's
// transition depend on the previous one's, so one lane runs at the memory
// latency while four keep the core busy. Lane k ends at the end of its
// quarter and all lanes are maxLen-1 bytes longer than a quarter, so each
// starts early enough to find a literal ending in its quarter (lane 0
// runs past its quarter instead; what it finds twice is recorded once).
func (m *Matcher) scanText(ac *acMachine, v string) byte {
	q := len(v) / 4
	ov := int(ac.maxLen) - 1
	if len(v) < laneMin || ov >= 2*q {
		_, acc := m.scanFrom(ac, 0, v)
		return acc
	}
	n := q + ov // steps of every lane
	var s3 int32
	var acc byte
	if ac.d16 != nil {
		s3, acc = scanLanes(m, ac, ac.d16, v, q, n, ov)
	} else {
		s3, acc = scanLanes(m, ac, ac.d32, v, q, n, ov)
	}
	_, a3 := m.scanFrom(ac, s3, v[4*q:]) // the last len(v)%4 bytes
	return acc | a3
}

// scanLanes runs the four lanes of scanText over table delta of ac and
// returns the last lane's final state and the OR of the bytes.
func scanLanes[T uint16 | int32](m *Matcher, ac *acMachine, delta []T, v string, q, n, ov int) (int32, byte) {
	l0 := v[:n]
	l1 := v[max(0, q-ov):][:n]
	l2 := v[2*q-ov:][:n]
	l3 := v[3*q-ov:][:n]
	class, first, nc := &ac.class, ac.firstOut, int(ac.nclass)
	var s0, s1, s2, s3 int32
	var acc byte
	for j := 0; j < n; j++ {
		c0, c1, c2, c3 := l0[j], l1[j], l2[j], l3[j]
		acc |= c0 | c1 | c2 | c3
		s0 = int32(delta[int(s0)*nc+int(class[c0])])
		s1 = int32(delta[int(s1)*nc+int(class[c1])])
		s2 = int32(delta[int(s2)*nc+int(class[c2])])
		s3 = int32(delta[int(s3)*nc+int(class[c3])])
		if max(s0, s1, s2, s3) < first { // no outputs in any lane
			continue
		}
		m.hitIf(ac, s0)
		m.hitIf(ac, s1)
		m.hitIf(ac, s2)
		m.hitIf(ac, s3)
	}
	return s3, acc
}

// scanFrom runs ac from state st over v and returns the final state and
// the OR of v's bytes.
func (m *Matcher) scanFrom(ac *acMachine, st int32, v string) (int32, byte) {
	if ac.d16 != nil {
		return scanRun(m, ac, ac.d16, st, v)
	}
	return scanRun(m, ac, ac.d32, st, v)
}

// scanRun is scanFrom over table delta of ac.
func scanRun[T uint16 | int32](m *Matcher, ac *acMachine, delta []T, st int32, v string) (int32, byte) {
	class, first, nc := &ac.class, ac.firstOut, int(ac.nclass)
	var acc byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		acc |= c
		st = int32(delta[int(st)*nc+int(class[c])])
		if st >= first {
			m.hit(ac, st)
		}
	}
	return st, acc
}

// hitIf is hit for a state that may have no outputs.
func (m *Matcher) hitIf(ac *acMachine, st int32) {
	if st >= ac.firstOut {
		m.hit(ac, st)
	}
}

// hit records the patterns of output state st.
func (m *Matcher) hit(ac *acMachine, st int32) {
	ps := &m.pf
	k := st - ac.firstOut
	for _, p := range ac.outs[ac.outStart[k]:ac.outStart[k+1]] {
		m.rec.add(p)
		if ps.patStamp[p] != ps.gen {
			ps.patStamp[p] = ps.gen
			ps.found = append(ps.found, p)
		}
	}
}
