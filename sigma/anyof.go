package sigma

import "slices"

// The evaluation layout of an item without "all", which holds when any of
// its values matches (with neq: when none does). Its string alternatives
// (usually one per value) lie in one array, so that testing an item with
// many values walks contiguous memory instead of chasing each value's own
// slice; the values that are not plain strings (regular expressions,
// numbers, null...) come after them, cheapest first. An item with many
// alternatives on a field the prefilter scanned is tested from the
// patterns found in the event instead (see matchFound).

// manyAlts is the number of alternatives from which an item on a scanned
// field is tested from the found patterns: an event has ~15 of them, and a
// binary search per pattern then costs less than one look per alternative.
const manyAlts = 32

// patAlt is an alternative of an item with its prefilter pattern id.
type patAlt struct {
	pat, alt int32
}

// foundIndex is the index of an item's alternatives by pattern id: byPat
// sorted by id, loose the alternatives without one.
type foundIndex struct {
	byPat []patAlt
	loose []int32
}

// layoutAnyOf builds the any-of layout of f from its compiled values:
// f.strs holds every string alternative, and the values' alts become views
// of it (so that the pattern ids known.go sets serve both).
func (f *fieldMatcher) layoutAnyOf() {
	if f.all || f.keyword || f.exists != 0 {
		return
	}
	n := 0
	for i := range f.vals {
		if f.vals[i].kind == vkString {
			n += len(f.vals[i].alts)
		}
	}
	f.anyOf, f.strs = true, make([]strPattern, 0, n)
	for i := range f.vals {
		vm := &f.vals[i]
		if vm.kind != vkString {
			f.other = append(f.other, *vm)
			continue
		}
		start := len(f.strs)
		f.strs = append(f.strs, vm.alts...)
		vm.alts = f.strs[start:len(f.strs):len(f.strs)]
	}
	slices.SortStableFunc(f.other, func(a, b valueMatcher) int { return a.cost() - b.cost() })
}

// indexItems builds the pattern index of every item with many
// alternatives; call it once the prefilter has numbered the patterns.
func (rs *Ruleset) indexItems() {
	for _, cr := range rs.rules {
		for i := range cr.sels {
			for _, g := range cr.sels[i].groups {
				for _, f := range g {
					f.indexPatterns()
				}
			}
		}
	}
}

// indexPatterns builds the found index of an item with many alternatives,
// once the alternatives have their pattern ids.
func (f *fieldMatcher) indexPatterns() {
	f.found = nil
	if len(f.strs) < manyAlts {
		return
	}
	x := &foundIndex{}
	for k := range f.strs {
		if p := f.strs[k].pat; p >= 0 {
			x.byPat = append(x.byPat, patAlt{pat: p, alt: int32(k)})
		} else {
			x.loose = append(x.loose, int32(k))
		}
	}
	if len(x.byPat) == 0 {
		return
	}
	slices.SortFunc(x.byPat, func(a, b patAlt) int { return int(a.pat - b.pat) })
	f.found = x
}

// matchAny tests value i of the scratch against an any-of item; known says
// that the prefilter's literal hits describe this value.
func (f *fieldMatcher) matchAny(s *scratch, i int32, known bool) bool {
	var hit bool
	if known && f.found != nil {
		hit = f.matchFound(s, i)
	} else {
		hit = matchStrs(f.strs, s, i, known)
	}
	for j := 0; !hit && j < len(f.other); j++ {
		hit = f.other[j].matchOther(s, i)
	}
	return hit != f.neq
}

// matchFound tests the alternatives whose literal the prefilter found in
// value i (the others cannot match), and those without a literal.
func (f *fieldMatcher) matchFound(s *scratch, i int32) bool {
	raw, x := s.raw(i), f.found
	lo, hi := x.byPat[0].pat, x.byPat[len(x.byPat)-1].pat
	for _, p := range s.pf.found {
		if p < lo || p > hi {
			continue // another field's pattern
		}
		k, ok := slices.BinarySearchFunc(x.byPat, p, func(e patAlt, p int32) int { return int(e.pat - p) })
		for ; ok && k < len(x.byPat) && x.byPat[k].pat == p; k++ {
			alt := &f.strs[x.byPat[k].alt]
			if alt.op == opContains && !alt.cased || alt.test(s, i, raw) {
				return true
			}
		}
	}
	for _, k := range x.loose {
		if f.strs[k].test(s, i, raw) {
			return true
		}
	}
	return false
}

// matchOther tests value i against a value that is not a plain string.
func (vm *valueMatcher) matchOther(s *scratch, i int32) bool {
	if vm.kind == vkRegex && vm.reSc != nil && !vm.reSc.passRaw(s.raw(i)) {
		return false // screened out before lower-casing the value
	}
	low := ""
	if vm.needLow() {
		low = s.low(i)
	}
	return vm.matchValue(s.raw(i), low, s)
}

// cost ranks a value for evaluation order: plain strings, then parsed
// comparisons, then time parts, then regular expressions.
func (vm *valueMatcher) cost() int {
	switch vm.kind {
	case vkCIDR, vkNumber, vkFieldRef:
		return 2
	case vkTime:
		return 3
	case vkRegex:
		return 4
	}
	return 1
}

// anyOfLayout switches the any-of layout on (tests compare without it).
var anyOfLayout = true
