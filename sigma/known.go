package sigma

import "strings"

// Known literals. The prefilter's Aho-Corasick pass over a field reports
// every one of its patterns that occurs in the field's value, so besides
// the rules' atoms the machines also carry the literal of every
// equality/prefix/suffix/contains test on a field that has a machine. When
// the rule is evaluated and the field (with a single value) was scanned for
// this event, such a test needs no look at the value when its literal is
// absent (false) or, for a case-insensitive contains, present (true); a
// wildcard pattern is screened by its longest literal the same way. Long
// values (ContextInfo, CallTrace, Payload) are neither lower-cased nor
// searched again for each test.

// knownRef is an alternative whose literal joins its field's machine.
type knownRef struct {
	p     *strPattern
	field int32
	local int32 // index in the field's literal list
}

// addKnownLits adds to lits/litList (per field: literal -> local index, and
// the list) the literals of the string tests on fields that already have
// atoms, and returns the alternatives to number once the machines are built.
func (rs *Ruleset) addKnownLits(lits []map[string]int32, litList [][]string) []knownRef {
	var refs []knownRef
	add := func(f *fieldMatcher) {
		if f.keyword || lits[f.field] == nil {
			return
		}
		for i := range f.vals {
			vm := &f.vals[i]
			if vm.kind != vkString {
				continue
			}
			for j := range vm.alts {
				p := &vm.alts[j]
				lit := p.requiredLiteral() // a wildcard pattern's longest literal
				if len(lit) < minAtomLen || !isASCII(lit) {
					continue
				}
				lit = strings.ToLower(lit)
				k, ok := lits[f.field][lit]
				if !ok {
					k = int32(len(litList[f.field]))
					lits[f.field][lit] = k
					litList[f.field] = append(litList[f.field], lit)
				}
				refs = append(refs, knownRef{p: p, field: f.field, local: k})
			}
		}
	}
	for _, cr := range rs.rules {
		for i := range cr.sels {
			for _, g := range cr.sels[i].groups {
				for _, f := range g {
					add(f)
				}
			}
		}
	}
	return refs
}

// matchStr tests value i of the scratch against a string matcher; see
// matchStrs.
func (m *valueMatcher) matchStr(s *scratch, i int32, known bool) bool {
	return matchStrs(m.alts, s, i, known)
}

// matchStrs tests value i of the scratch against string alternatives (any
// may match). known says the prefilter scanned the value's field
// (single-valued), so literals found absent need no test and a
// case-insensitive contains whose literal was found holds.
func matchStrs(alts []strPattern, s *scratch, i int32, known bool) bool {
	raw := s.raw(i)
	for k := range alts {
		p := &alts[k]
		if known && p.pat >= 0 {
			if s.pf.patStamp[p.pat] != s.pf.gen {
				continue // the literal does not occur
			}
			if p.op == opContains && !p.cased {
				return true
			}
		}
		if p.test(s, i, raw) {
			return true
		}
	}
	return false
}

// test reports whether value i of the scratch (raw, as in the event)
// matches the pattern. The value is lower-cased only when the test needs
// it: equality, prefix and suffix tests compare raw ASCII text directly.
func (p *strPattern) test(s *scratch, i int32, raw string) bool {
	if p.cased {
		return p.match(raw)
	}
	switch p.op {
	case opEq:
		if eq, ok := equalFoldEq(raw, p.lit); ok {
			return eq
		}
	case opPrefix:
		if len(raw) >= len(p.lit) {
			if eq, ok := equalLowerASCII(raw[:len(p.lit)], p.lit); ok {
				return eq
			}
		} else if 3*len(raw) < len(p.lit) || isASCII(raw) {
			return false
		}
	case opSuffix:
		if len(raw) >= len(p.lit) {
			if eq, ok := equalLowerASCII(raw[len(raw)-len(p.lit):], p.lit); ok {
				return eq
			}
		} else if 3*len(raw) < len(p.lit) || isASCII(raw) {
			return false
		}
	case opContains:
		if p.lit == "" {
			return true
		}
	}
	return p.match(s.low(i))
}

// equalFoldEq reports whether raw, lower-cased, equals lit (lower case),
// without lower-casing it; ok is false when that needs the lower-cased
// text. Lower-casing maps each character to one of between a third and
// three times as many bytes (K, the Kelvin sign, becomes k; an invalid
// byte U+FFFD), so lengths further apart than that never compare equal,
// and an ASCII value keeps its length.
func equalFoldEq(raw, lit string) (eq, ok bool) {
	if len(raw) == len(lit) {
		return equalLowerASCII(raw, lit)
	}
	if len(raw) > 3*len(lit) || 3*len(raw) < len(lit) || isASCII(raw) {
		return false, true
	}
	return false, false
}

// equalLowerASCII reports whether the ASCII text v, lower-cased, equals lit
// (lower case); ok is false when v has a non-ASCII byte, since lower-casing
// the whole value could then shift its bytes.
func equalLowerASCII(v, lit string) (eq, ok bool) {
	eq = true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			return false, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		eq = eq && c == lit[i]
	}
	return eq, true
}
