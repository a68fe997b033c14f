package sigma

import "slices"

// buildMachines numbers the literals (those of field f from base[f]),
// builds the Aho-Corasick machines of the fields, and indexes each
// bucket's patterns to its rules.
func (rs *Ruleset) buildMachines(ruleClauses [][]clause, lits []map[string]int32, litList [][]string) {
	pf := rs.pre
	known := rs.addKnownLits(lits, litList)
	base := make([]int32, len(litList))
	for f, list := range litList {
		base[f] = int32(pf.npat)
		pf.npat += len(list)
	}
	for _, k := range known {
		k.p.pat = base[k.field] + k.local
	}
	for f, list := range litList {
		var ascii, wide []string
		var asciiIDs, wideIDs []int32
		for k, l := range list {
			if isASCII(l) {
				ascii, asciiIDs = append(ascii, l), append(asciiIDs, base[f]+int32(k))
			} else {
				wide, wideIDs = append(wide, l), append(wideIDs, base[f]+int32(k))
			}
		}
		if len(ascii) > 0 {
			pf.fields[f].m = newACMachine(ascii, asciiIDs)
		}
		if len(wide) > 0 {
			pf.fields[f].wide = newACMachine(wide, wideIDs)
		}
	}
	// Each bucket maps patterns to its own rules only: a literal shared by
	// many rules of other logsources ("\\powershell.exe") then costs
	// nothing in events of this one.
	for _, routes := range rs.byRoute {
		for _, b := range routes {
			pats := map[int32][]int32{}
			for _, cr := range b.rules {
				cs := ruleClauses[cr.index]
				if cs == nil {
					b.pf.always = append(b.pf.always, cr)
					continue
				}
				for k, c := range cs {
					e := cr.index<<3 | int32(k)
					for _, a := range c {
						p := base[a.field] + lits[a.field][a.lit]
						if !slices.Contains(pats[p], e) {
							pats[p] = append(pats[p], e)
						}
						if !slices.Contains(b.pf.fields, a.field) {
							b.pf.fields = append(b.pf.fields, a.field)
						}
					}
				}
			}
			b.pf.pats = newPatIndex(pats)
		}
	}
}
