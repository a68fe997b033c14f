package sigma

import (
	"hash/maphash"
	"strings"
)

// The line memo. Long values repeat in parts: a PowerShell ContextInfo
// (5 KB) differs from the previous one in a sequence number while its
// 5 KB "Host Application" line is the same; a Sysmon CallTrace repeats as
// a whole. When no literal of a field's machine holds a newline, the
// machine is back at its root after every newline, so each line can be
// scanned on its own: short lines go through the memo of short texts, and
// a Matcher also remembers the patterns of recent long lines (a value
// without newline is one line).

const (
	lineSlots   = 256  // direct-mapped
	lineMaxLen  = 8192 // longer lines are scanned (not remembered)
	lineMaxPats = 64   // most patterns remembered for one line
)

// lineSlot is one remembered line of one field and the patterns found in
// it; its storage is allocated on first use and kept.
type lineSlot struct {
	field int32 // -1: empty
	val   []byte
	pats  []int32
}

// lineMemo is a Matcher's memo of long lines.
type lineMemo struct {
	seed  maphash.Seed
	slots []lineSlot // nil: nothing is remembered (benchmarks compare)
}

func newLineMemo() lineMemo {
	m := lineMemo{seed: maphash.MakeSeed(), slots: make([]lineSlot, lineSlots)}
	for i := range m.slots {
		m.slots[i].field = -1
	}
	return m
}

// scanLong scans the long value v of field f with ac, line by line when ac
// has no newline, and returns the OR of its bytes.
func (m *Matcher) scanLong(f int32, ac *acMachine, v string) byte {
	lines := ac.class['\n'] == 0
	var acc byte
	for len(v) > 0 {
		line := v
		if k := strings.IndexByte(v, '\n'); lines && k >= 0 {
			line, v = v[:k], v[k+1:]
			acc |= '\n'
		} else {
			v = ""
		}
		switch {
		case len(line) <= memoMaxLen:
			acc |= m.scanShort(f, ac, line)
		case len(line) > lineMaxLen || m.lines.slots == nil:
			acc |= m.scanText(ac, line)
		default:
			acc |= m.scanLine(f, ac, line)
		}
	}
	return acc
}

// scanLine scans a long line of field f through the memo and returns the
// OR of its bytes.
func (m *Matcher) scanLine(f int32, ac *acMachine, line string) byte {
	if m.lookupLine(f, line) {
		return 0 // only ASCII lines are remembered
	}
	m.rec.start()
	acc := m.scanText(ac, line)
	pats, ok := m.rec.stop()
	if !ok || acc >= 0x80 || len(pats) > lineMaxPats {
		return acc
	}
	m.storeLine(f, line, pats)
	return acc
}

// slotOf returns the slot of line of field f.
func (lm *lineMemo) slotOf(f int32, line string) *lineSlot {
	h := maphash.String(lm.seed, line) + uint64(f)*0x9E3779B97F4A7C15
	return &lm.slots[h>>(64-8)]
}

// lookupLine replays the patterns of line of field f if the memo holds it.
func (m *Matcher) lookupLine(f int32, line string) bool {
	slot := m.lines.slotOf(f, line)
	if slot.field == f && string(slot.val) == line {
		m.replay(slot.pats)
		return true
	}
	return false
}

// storeLine remembers the patterns of line of field f.
func (m *Matcher) storeLine(f int32, line string, pats []int32) {
	slot := m.lines.slotOf(f, line)
	if slot.val == nil {
		slot.val, slot.pats = make([]byte, 0, lineMaxLen), make([]int32, 0, lineMaxPats)
	}
	slot.field = f
	slot.val = append(slot.val[:0], line...)
	slot.pats = append(slot.pats[:0], pats...)
}
