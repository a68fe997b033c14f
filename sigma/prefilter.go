package sigma

import (
	"slices"
	"strings"
)

// The prefilter keeps most rules from being evaluated at all. At compile
// time each rule gets up to maxClauses clauses, each a set of atoms -
// (field, literal) pairs of which at least one must occur, lower-cased, in
// the field's value whenever the rule matches (see clauses.go). Rules
// without any (only negations, regular expressions, numbers, keyword
// searches...) are always evaluated. At match time one Aho-Corasick pass
// per field finds every literal present in the event, and only the rules
// with an atom found in every clause, plus the always-evaluated ones, are
// evaluated in full.
type prefilter struct {
	fields []pfField // by field id; nil machines when no literal reads the field
	npat   int
	nrules int
	need   []uint8 // by rule index: the mask of all its clauses
}

// pfField holds the machines of one field: m for its ASCII literals, wide
// for the others, run only on values that are not ASCII (so the many
// distinct bytes of such literals do not widen the main machine's table).
type pfField struct {
	m, wide *acMachine
}

// bucketFilter is the prefilter view of one route bucket.
type bucketFilter struct {
	always []*compiledRule // rules without atoms, load order
	pats   patIndex        // pattern id -> rule index<<3 | clause, for the bucket's rules it serves
	fields []int32         // field ids whose machines serve this bucket
}

// pfScratch is a Matcher's prefilter state.
type pfScratch struct {
	gen       uint32
	ruleStamp []uint32
	ruleMask  []uint8 // clauses with an atom found (valid when ruleStamp is gen)
	patStamp  []uint32
	found     []int32 // patterns found in this event
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
	pf := &prefilter{fields: make([]pfField, len(rs.ft.names)), nrules: len(rs.rules),
		need: make([]uint8, len(rs.rules))}
	rs.pre = pf
	ruleClauses := make([][]clause, len(rs.rules))
	lits := make([]map[string]int32, len(rs.ft.names)) // per field: literal -> local index
	litList := make([][]string, len(rs.ft.names))
	for i, cr := range rs.rules {
		cs, ok := cr.clauses()
		if !ok {
			continue
		}
		ruleClauses[i] = cs
		pf.need[i] = uint8(1)<<len(cs) - 1
		for _, a := range slices.Concat(cs...) {
			if lits[a.field] == nil {
				lits[a.field] = map[string]int32{}
			}
			if _, ok := lits[a.field][a.lit]; !ok {
				lits[a.field][a.lit] = int32(len(litList[a.field]))
				litList[a.field] = append(litList[a.field], a.lit)
			}
		}
	}
	rs.buildMachines(ruleClauses, lits, litList)
}

func (p *prefilter) newScratch() pfScratch {
	return pfScratch{ruleStamp: make([]uint32, p.nrules), ruleMask: make([]uint8, p.nrules),
		patStamp: make([]uint32, p.npat)}
}

// matchBuckets evaluates the rules of the event's id bucket b1 and channel
// bucket b2 (either may be nil) that the prefilter lets through.
func (m *Matcher) matchBuckets(b1, b2 *bucket, fn func(*Rule)) {
	ps, s := &m.pf, m.s
	ps.gen++
	if ps.gen == 0 {
		clear(ps.ruleStamp)
		clear(ps.patStamp)
		ps.gen = 1
	}
	ps.found = ps.found[:0]
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
			if s.scanned[f] == s.gen {
				continue
			}
			s.scanned[f] = s.gen
			first := s.field(f)
			for n := first; n >= 0; n = s.nodes[n].next {
				m.scanValue(f, s.nodes[n].val, n == first)
			}
		}
	}
	for _, b := range [2]*bucket{b1, b2} {
		if b == nil {
			continue
		}
		ps.hits = ps.hits[:0]
		need := m.rs.pre.need
		for _, p := range ps.found {
			for _, e := range b.pf.pats.lookup(p) {
				r, bit := e>>3, uint8(1)<<(e&7)
				if ps.ruleStamp[r] != ps.gen {
					ps.ruleStamp[r], ps.ruleMask[r] = ps.gen, 0
				}
				if old := ps.ruleMask[r]; old != need[r] {
					if ps.ruleMask[r] = old | bit; old|bit == need[r] {
						ps.hits = append(ps.hits, r)
					}
				}
			}
		}
		slices.Sort(ps.hits)
		always, hits := b.pf.always, ps.hits
		for len(always) > 0 || len(hits) > 0 {
			var cr *compiledRule
			if len(hits) == 0 || (len(always) > 0 && always[0].index < hits[0]) {
				cr, always = always[0], always[1:]
			} else {
				cr, hits = m.rs.rules[hits[0]], hits[1:]
			}
			if cr.match(s) {
				fn(cr.rule)
			}
		}
	}
}

// better prefers sets whose shortest literal is longer (up to 24 bytes),
// then sets with fewer atoms.
func better(a, b []atom) bool {
	qa, qb := quality(a), quality(b)
	if qa != qb {
		return qa > qb
	}
	return len(a) < len(b)
}

func quality(as []atom) int {
	q := 24
	for _, a := range as {
		q = min(q, len(a.lit))
	}
	return q
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
	if m.kind == vkRegex && m.reSc != nil && m.reSc.any != nil {
		var out []atom
		for _, l := range m.reSc.any {
			out = append(out, atom{field: field, lit: l})
		}
		return out, true
	}
	if m.kind != vkString || len(m.alts) == 0 {
		return nil, false
	}
	// Non-ASCII literals serve too: a value with non-ASCII bytes is scanned
	// raw and lower-cased (see scan), which finds a cased literal in the
	// raw text and a lower-cased one in the lower-cased text.
	var out []atom
	for i := range m.alts {
		lit := m.alts[i].requiredLiteral()
		if len(lit) < minAtomLen {
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
