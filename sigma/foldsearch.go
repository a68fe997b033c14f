package sigma

import "strings"

// Keyword searches read every value of the event, and lower-cased each one
// to look for their literals. Lower-casing maps ASCII letters to ASCII and
// every other character to non-ASCII bytes, except U+0130 (to i) and
// U+212A (to k); so for an ASCII literal without i and k, the lower-cased
// value contains it exactly when the value does with ASCII letters folded,
// which containsFold decides without a copy.

// foldSafe reports whether lit (lower case) can be searched with
// containsFold.
func foldSafe(lit string) bool {
	return isASCII(lit) && !strings.ContainsAny(lit, "ik")
}

// setFold marks a string matcher whose alternatives are all contains tests
// of fold-safe literals, so that it reads the raw value (see needLow).
func (m *valueMatcher) setFold() {
	if !foldKeywords || m.kind != vkString || m.cased || len(m.alts) == 0 {
		return
	}
	for i := range m.alts {
		if p := &m.alts[i]; p.op != opContains || !foldSafe(p.lit) {
			return
		}
	}
	m.fold = true
}

// containsFold reports whether strings.ToLower(v) contains lit, a fold-safe
// lower-case literal.
func containsFold(v, lit string) bool {
	if lit == "" {
		return true
	}
	k := strings.IndexFunc(lit, func(r rune) bool { return r < 'a' || r > 'z' })
	if k < 0 { // only letters: try every position
		for i := 0; i+len(lit) <= len(v); i++ {
			if foldPrefix(v[i:], lit) {
				return true
			}
		}
		return false
	}
	// Look for the first byte that is no letter, then compare around it.
	for off := k; off < len(v); {
		j := strings.IndexByte(v[off:], lit[k])
		if j < 0 {
			return false
		}
		start := off + j - k
		if start+len(lit) > len(v) {
			return false
		}
		if foldPrefix(v[start:], lit) {
			return true
		}
		off += j + 1
	}
	return false
}

// foldPrefix reports whether v starts with lit when its ASCII capitals are
// lower-cased.
func foldPrefix(v, lit string) bool {
	for i := 0; i < len(lit); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}

// foldKeywords switches fold searches on (tests compare without).
var foldKeywords = true
