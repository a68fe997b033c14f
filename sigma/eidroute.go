package sigma

// Rules whose logsource routes them to every event id of a channel (the
// "*" bucket) often test the event id themselves (Sysmon service rules:
// EventID: 16). Such a rule is filed under those ids instead, so events
// with other ids never evaluate it.

// requiredIDs returns the event id values of which the rule needs one
// (field eid equal to it), or false if the condition does not require
// such an equality. Only all-digit values qualify: the bucket key is the
// raw value while the rule compares case-insensitively.
func (r *compiledRule) requiredIDs(eid int32) ([]string, bool) {
	var out []string
	for _, c := range r.conds {
		ids, ok := c.requiredIDs(r.sels, eid)
		if !ok {
			return nil, false
		}
		out = append(out, ids...)
	}
	return out, len(out) > 0
}

func (n *evalNode) requiredIDs(sels []selMatcher, eid int32) ([]string, bool) {
	switch n.kind {
	case condIdent:
		return sels[n.sel].requiredIDs(eid)
	case condNot:
		return nil, false
	case condAnd:
		return anyKidIDs(n.kids, sels, eid)
	case condOf:
		if n.atLeast == 0 { // all of
			return anyKidIDs(n.kids, sels, eid)
		}
	}
	var out []string // or, "N of": every child must require ids
	for _, k := range n.kids {
		ids, ok := k.requiredIDs(sels, eid)
		if !ok {
			return nil, false
		}
		out = append(out, ids...)
	}
	return out, true
}

// anyKidIDs returns the smallest id set among children that all hold.
func anyKidIDs(kids []*evalNode, sels []selMatcher, eid int32) ([]string, bool) {
	var best []string
	found := false
	for _, k := range kids {
		if ids, ok := k.requiredIDs(sels, eid); ok && (!found || len(ids) < len(best)) {
			best, found = ids, true
		}
	}
	return best, found
}

func (m *selMatcher) requiredIDs(eid int32) ([]string, bool) {
	if m.keywords != nil || len(m.groups) == 0 {
		return nil, false
	}
	var out []string
	for _, g := range m.groups {
		var best []string
		found := false
		for _, f := range g {
			if ids, ok := f.requiredIDs(eid); ok && (!found || len(ids) < len(best)) {
				best, found = ids, true
			}
		}
		if !found {
			return nil, false
		}
		out = append(out, best...)
	}
	return out, true
}

func (f *fieldMatcher) requiredIDs(eid int32) ([]string, bool) {
	if f.field != eid || f.keyword || f.exists != 0 || f.neq || f.all || len(f.vals) == 0 {
		return nil, false
	}
	var out []string
	for i := range f.vals {
		vm := &f.vals[i]
		if vm.kind != vkString {
			return nil, false
		}
		for j := range vm.alts {
			p := &vm.alts[j]
			if p.op != opEq || !allDigits(p.lit) {
				return nil, false
			}
			out = append(out, p.lit)
		}
	}
	return out, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
