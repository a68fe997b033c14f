package sigma

import "slices"

// A rule's prefilter condition is a conjunction of clauses, each a set of
// atoms of which one must occur whenever the rule matches. The items of
// one selection group (AND), and the children of an AND or "all of", each
// give their own clauses; an OR, "N of" or a selection with several
// alternative groups gives one clause, the union of each alternative's
// best clause. Requiring every clause, and not only the most selective
// one, keeps out rules such as "CallTrace has ntdll.dll and GrantedAccess
// is 0x1028" on every event whose CallTrace has ntdll.dll.

// clause is a set of atoms of which at least one must occur.
type clause []atom

// maxClauses is the number of clauses a rule keeps (the most selective);
// at most 7, the clause number is kept in 3 bits.
const maxClauses = 4

// clauses returns the rule's clauses, or false if it has none.
func (r *compiledRule) clauses() ([]clause, bool) {
	if len(r.conds) == 1 {
		return r.conds[0].clauses(r.sels)
	}
	var out clause // the conditions are alternatives
	for _, c := range r.conds {
		cs, ok := c.clauses(r.sels)
		if !ok {
			return nil, false
		}
		out = append(out, bestClause(cs)...)
	}
	return []clause{out}, len(out) > 0
}

func (n *evalNode) clauses(sels []selMatcher) ([]clause, bool) {
	switch n.kind {
	case condIdent:
		return sels[n.sel].clauses()
	case condNot:
		return nil, false
	case condAnd:
		return andClauses(n.kids, sels)
	case condOf:
		if n.atLeast == 0 || len(n.kids) == 1 && n.atLeast == 1 {
			return andClauses(n.kids, sels)
		}
	}
	// or, "N of": at least one child holds
	var out clause
	for _, k := range n.kids {
		cs, ok := k.clauses(sels)
		if !ok {
			return nil, false
		}
		out = append(out, bestClause(cs)...)
	}
	return []clause{out}, len(out) > 0
}

// andClauses returns the clauses of the children that have some: all hold
// when the conjunction does.
func andClauses(kids []*evalNode, sels []selMatcher) ([]clause, bool) {
	var out []clause
	for _, k := range kids {
		if cs, ok := k.clauses(sels); ok {
			out = append(out, cs...)
		}
	}
	return keepBest(out), len(out) > 0
}

func (m *selMatcher) clauses() ([]clause, bool) {
	if m.keywords != nil || len(m.groups) == 0 {
		return nil, false
	}
	var alts clause
	for _, g := range m.groups {
		var cs []clause
		for _, f := range g {
			if as, ok := f.atoms(); ok && len(as) > 0 {
				cs = append(cs, as)
			}
		}
		if len(cs) == 0 {
			return nil, false
		}
		if len(m.groups) == 1 {
			return keepBest(cs), true
		}
		alts = append(alts, bestClause(cs)...)
	}
	return []clause{alts}, true
}

// keepBest returns the maxClauses most selective clauses of cs.
func keepBest(cs []clause) []clause {
	if len(cs) <= maxClauses {
		return cs
	}
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b clause) int {
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
	return cs[:maxClauses]
}

// bestClause returns the most selective clause of cs (not empty).
func bestClause(cs []clause) clause {
	best := cs[0]
	for _, c := range cs[1:] {
		if better(c, best) {
			best = c
		}
	}
	return best
}
