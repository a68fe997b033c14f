package sigma

import (
	"slices"
	"strings"
)

// The prefilter keeps most rules from being evaluated at all. At compile
// time each rule gets a set of atoms - (field, literal) pairs of which at
// least one must occur, lower-cased, in the field's value whenever the rule
// matches - derived from its condition: a selection needs one atom set per
// alternative group (taken from the group's most selective item), AND needs
// any one child's set, OR needs all children's sets. Rules without such a
// set (only negations, regular expressions, numbers, keyword searches...)
// are always evaluated. At match time one Aho-Corasick pass per field finds
// every literal present in the event, and only the rules so hit, plus the
// always-evaluated ones, are evaluated in full.
type prefilter struct {
	fields   []pfField // by field id; nil machine when no atom reads the field
	patRules [][]int32 // pattern id -> rule indexes
	npat     int
	nrules   int
}

type pfField struct {
	m *acMachine
}

// bucketFilter is the prefilter view of one route bucket.
type bucketFilter struct {
	always []*compiledRule // rules without atoms, load order
	member []uint64        // bitset over rule indexes: rules with atoms
	fields []int32         // field ids whose machines serve this bucket
}

// pfScratch is a Matcher's prefilter state.
type pfScratch struct {
	gen       uint32
	ruleStamp []uint32
	patStamp  []uint32
	fldStamp  []uint32
	hits      []int32
}

type atom struct {
	field int32
	lit   string
}

// minAtomLen is the length below which a literal is not used as an atom:
// one- and two-letter literals occur in nearly every value.
const minAtomLen = 3

func (rs *Ruleset) buildPrefilter() {
	pf := &prefilter{fields: make([]pfField, len(rs.ft.names)), nrules: len(rs.rules)}
	rs.pre = pf
	ruleAtoms := make([][]atom, len(rs.rules))
	lits := make([]map[string]int32, len(rs.ft.names)) // per field: literal -> local index
	litList := make([][]string, len(rs.ft.names))
	for i, cr := range rs.rules {
		as, ok := cr.atoms()
		if !ok {
			continue
		}
		ruleAtoms[i] = as
		for _, a := range as {
			if lits[a.field] == nil {
				lits[a.field] = map[string]int32{}
			}
			if _, ok := lits[a.field][a.lit]; !ok {
				lits[a.field][a.lit] = int32(len(litList[a.field]))
				litList[a.field] = append(litList[a.field], a.lit)
			}
		}
	}
	base := make([]int32, len(rs.ft.names))
	for f, list := range litList {
		if len(list) == 0 {
			continue
		}
		base[f] = int32(pf.npat)
		pf.fields[f].m = newACMachine(list, base[f])
		pf.npat += len(list)
	}
	pf.patRules = make([][]int32, pf.npat)
	for i, as := range ruleAtoms {
		for _, a := range as {
			p := base[a.field] + lits[a.field][a.lit]
			if l := pf.patRules[p]; len(l) == 0 || l[len(l)-1] != int32(i) {
				pf.patRules[p] = append(l, int32(i))
			}
		}
	}
	for _, routes := range rs.byRoute {
		for _, b := range routes {
			b.pf.member = make([]uint64, (len(rs.rules)+63)/64)
			for _, cr := range b.rules {
				as := ruleAtoms[cr.index]
				if as == nil {
					b.pf.always = append(b.pf.always, cr)
					continue
				}
				b.pf.member[cr.index/64] |= 1 << (cr.index % 64)
				for _, a := range as {
					if !slices.Contains(b.pf.fields, a.field) {
						b.pf.fields = append(b.pf.fields, a.field)
					}
				}
			}
		}
	}
}

func (p *prefilter) newScratch() pfScratch {
	return pfScratch{ruleStamp: make([]uint32, p.nrules), patStamp: make([]uint32, p.npat),
		fldStamp: make([]uint32, len(p.fields))}
}

// matchBuckets evaluates the rules of the event's id bucket b1 and channel
// bucket b2 (either may be nil) that the prefilter lets through.
func (m *Matcher) matchBuckets(b1, b2 *bucket, fn func(*Rule)) {
	ps, s, pf := &m.pf, m.s, m.rs.pre
	ps.gen++
	if ps.gen == 0 {
		clear(ps.ruleStamp)
		clear(ps.patStamp)
		clear(ps.fldStamp)
		ps.gen = 1
	}
	ps.hits = ps.hits[:0]
	if m.full {
		for _, b := range [2]*bucket{b1, b2} {
			for _, cr := range b.all() {
				if cr.match(s) {
					fn(cr.rule)
				}
			}
		}
		return
	}
	for _, b := range [2]*bucket{b1, b2} {
		if b == nil {
			continue
		}
		for _, f := range b.pf.fields {
			if ps.fldStamp[f] == ps.gen {
				continue
			}
			ps.fldStamp[f] = ps.gen
			for n := s.field(f); n >= 0; n = s.nodes[n].next {
				m.scan(pf.fields[f].m, s.nodes[n].val)
			}
		}
	}
	slices.Sort(ps.hits)
	for _, b := range [2]*bucket{b1, b2} {
		if b == nil {
			continue
		}
		always, hits := b.pf.always, ps.hits
		for len(always) > 0 || len(hits) > 0 {
			var cr *compiledRule
			if len(hits) == 0 || (len(always) > 0 && always[0].index < hits[0]) {
				cr, always = always[0], always[1:]
			} else {
				h := hits[0]
				hits = hits[1:]
				if b.pf.member[h/64]&(1<<(h%64)) == 0 {
					continue
				}
				cr = m.rs.rules[h]
			}
			if cr.match(s) {
				fn(cr.rule)
			}
		}
	}
}

// scan runs machine ac over value i of the scratch and records the rules
// of every pattern found. ASCII text is scanned as it is (the machine folds
// ASCII case); text with other bytes is scanned in its lower-cased form,
// since lower-casing some non-ASCII letters yields ASCII ones.
func (m *Matcher) scan(ac *acMachine, i int32) {
	v := m.s.vals[i].raw
	if m.scanText(ac, v) >= 0x80 {
		m.scanText(ac, m.s.low(i))
	}
}

// scanText scans v and returns the OR of its bytes.
func (m *Matcher) scanText(ac *acMachine, v string) byte {
	ps, pf := &m.pf, m.rs.pre
	delta, class, first := ac.delta, &ac.class, ac.firstOut
	st := int32(0)
	var acc byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		acc |= c
		st = delta[st+int32(class[c])]
		if st < first {
			continue
		}
		k := (st - first) / ac.nclass
		for _, p := range ac.outs[ac.outStart[k]:ac.outStart[k+1]] {
			if ps.patStamp[p] == ps.gen {
				continue
			}
			ps.patStamp[p] = ps.gen
			for _, r := range pf.patRules[p] {
				if ps.ruleStamp[r] != ps.gen {
					ps.ruleStamp[r] = ps.gen
					ps.hits = append(ps.hits, r)
				}
			}
		}
	}
	return acc
}

// atoms returns the rule's atom set, or false if it has none.
func (r *compiledRule) atoms() ([]atom, bool) {
	var out []atom
	for _, c := range r.conds {
		as, ok := c.atoms(r.sels)
		if !ok {
			return nil, false
		}
		out = append(out, as...)
	}
	return out, len(out) > 0
}

func (n *evalNode) atoms(sels []selMatcher) ([]atom, bool) {
	switch n.kind {
	case condIdent:
		return sels[n.sel].atoms()
	case condNot:
		return nil, false
	case condAnd:
		return bestOf(n.kids, sels)
	case condOf:
		if n.atLeast == 0 { // all of
			return bestOf(n.kids, sels)
		}
	}
	// or, "N of": at least one child holds
	var out []atom
	for _, k := range n.kids {
		as, ok := k.atoms(sels)
		if !ok {
			return nil, false
		}
		out = append(out, as...)
	}
	return out, true
}

// bestOf returns the most selective atom set among children that all hold.
func bestOf(kids []*evalNode, sels []selMatcher) ([]atom, bool) {
	var best []atom
	found := false
	for _, k := range kids {
		if as, ok := k.atoms(sels); ok && (!found || better(as, best)) {
			best, found = as, true
		}
	}
	return best, found
}

// better prefers sets whose shortest literal is longer (up to 6 bytes),
// then sets with fewer atoms.
func better(a, b []atom) bool {
	qa, qb := quality(a), quality(b)
	if qa != qb {
		return qa > qb
	}
	return len(a) < len(b)
}

func quality(as []atom) int {
	q := 6
	for _, a := range as {
		q = min(q, len(a.lit))
	}
	return q
}

func (m *selMatcher) atoms() ([]atom, bool) {
	if m.keywords != nil || len(m.groups) == 0 {
		return nil, false
	}
	var out []atom
	for _, g := range m.groups {
		var best []atom
		found := false
		for _, f := range g {
			if as, ok := f.atoms(); ok && (!found || better(as, best)) {
				best, found = as, true
			}
		}
		if !found {
			return nil, false
		}
		out = append(out, best...)
	}
	return out, true
}

// atoms returns literals of which one must occur in the field for the item
// to match.
func (f *fieldMatcher) atoms() ([]atom, bool) {
	if f.keyword || f.exists != 0 || f.neq || len(f.vals) == 0 {
		return nil, false
	}
	var out, best []atom
	found := false
	for i := range f.vals {
		as, ok := f.vals[i].atoms(f.field)
		if !ok {
			if f.all {
				continue // another value of an "all" list may serve
			}
			return nil, false
		}
		if f.all {
			if !found || better(as, best) {
				best, found = as, true
			}
			continue
		}
		out = append(out, as...)
	}
	if f.all {
		return best, found
	}
	return out, true
}

func (m *valueMatcher) atoms(field int32) ([]atom, bool) {
	if m.kind == vkRegex && m.reLits != nil {
		var out []atom
		for _, l := range m.reLits {
			out = append(out, atom{field: field, lit: l})
		}
		return out, true
	}
	if m.kind != vkString || len(m.alts) == 0 {
		return nil, false
	}
	var out []atom
	for i := range m.alts {
		lit := m.alts[i].requiredLiteral()
		if len(lit) < minAtomLen || !isASCII(lit) {
			return nil, false
		}
		out = append(out, atom{field: field, lit: strings.ToLower(lit)})
	}
	return out, true
}

// requiredLiteral returns the longest literal text every match contains.
func (p *strPattern) requiredLiteral() string {
	if p.op != opGlob {
		return p.lit
	}
	best := ""
	for _, t := range p.glob {
		if t.kind == globLit && len(t.s) > len(best) {
			best = t.s
		}
	}
	return best
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (b *bucket) all() []*compiledRule {
	if b == nil {
		return nil
	}
	return b.rules
}
