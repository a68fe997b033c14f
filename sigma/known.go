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

// matchStr tests value i of the scratch against a string matcher. known
// says the prefilter scanned the value's field (single-valued), so literals
// found absent need no test and a case-insensitive contains whose literal
// was found holds. The value is lower-cased only when a test needs it:
// prefix and suffix tests compare the ends of the raw value when those are
// ASCII.
func (m *valueMatcher) matchStr(s *scratch, i int32, known bool) bool {
	raw := s.raw(i)
	for k := range m.alts {
		p := &m.alts[k]
		if known && p.pat >= 0 {
			if s.pf.patStamp[p.pat] != s.pf.gen {
				continue // the literal does not occur
			}
			if p.op == opContains && !p.cased {
				return true
			}
		}
		if p.cased {
			if p.match(raw) {
				return true
			}
			continue
		}
		switch p.op {
		case opPrefix:
			if len(raw) < len(p.lit) {
				continue
			}
			if eq, ok := equalLowerASCII(raw[:len(p.lit)], p.lit); ok {
				if eq {
					return true
				}
				continue
			}
		case opSuffix:
			if len(raw) < len(p.lit) {
				continue
			}
			if eq, ok := equalLowerASCII(raw[len(raw)-len(p.lit):], p.lit); ok {
				if eq {
					return true
				}
				continue
			}
		case opContains:
			if p.lit == "" {
				return true
			}
		}
		if p.match(s.low(i)) {
			return true
		}
	}
	return false
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
