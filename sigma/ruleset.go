package sigma

import (
	"strings"
	"sync"
)

// Ruleset is a compiled, immutable set of rules. It is safe for concurrent
// use by several goroutines.
type Ruleset struct {
	rules        []*compiledRule
	ft           *fieldTable
	byRoute      map[string]map[string]*bucket // channel -> event id ("*" = any) -> rules
	chans        strMap[*chanRoutes]           // byRoute as precomputed routes, also under spellings
	spelled      map[string]bool               // channels as the pipeline spells them
	unmapped     map[Logsource][]*compiledRule // matched via LogsourceEvent only; key without Definition
	unmappedRead fieldSet                      // the ids of the fields the rules of unmapped read
	chanF        int32                         // field id of the channel field, -1 if none
	eidF         int32
	pool         sync.Pool // *Matcher
	pre          *prefilter
}

// bucket is the rules of one route, in load order.
type bucket struct {
	rules []*compiledRule
	pf    bucketFilter
}

// Compile compiles rules. Rules that fail are left out and reported, one
// *Error each, in the returned slice; the Ruleset holds the others.
func Compile(rules []*Rule, cfg Config) (*Ruleset, []error) {
	c := &compiler{cfg: cfg, ft: newFieldTable()}
	rs := &Ruleset{byRoute: map[string]map[string]*bucket{}, unmapped: map[Logsource][]*compiledRule{},
		ft: c.ft, chanF: -1, eidF: -1, spelled: map[string]bool{}}
	if p := cfg.Pipeline; p != nil {
		if p.ChannelField != "" {
			rs.chanF = c.fieldID(p.ChannelField)
		}
		if p.EventIDField != "" {
			rs.eidF = c.fieldID(p.EventIDField)
		}
	}
	var errs []error
	for _, r := range rules {
		cr, err := c.rule(r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cr.index = int32(len(rs.rules))
		rs.rules = append(rs.rules, cr)
		rs.route(cr, cfg.Pipeline)
	}
	rs.ft.freeze()
	if rs.chanF >= 0 {
		rs.ft.index.mark(rs.chanF, markChan)
	}
	if rs.eidF >= 0 {
		rs.ft.index.mark(rs.eidF, markEID)
	}
	rs.buildPrefilter()
	rs.indexItems()
	rs.buildRoutes()
	rs.pool.New = func() any { return rs.NewMatcher() }
	return rs, errs
}

func (rs *Ruleset) route(cr *compiledRule, p *Pipeline) {
	var routes []Route
	if p != nil && rs.chanF >= 0 {
		routes = p.routesFor(cr.rule.Logsource)
	}
	if len(routes) == 0 {
		ls := cr.rule.Logsource
		ls.Definition = ""
		rs.unmapped[ls] = append(rs.unmapped[ls], cr)
		return
	}
	get := func(ch, id string) *bucket {
		rs.spelled[ch] = true
		ch = strings.ToLower(ch) // channel names compare case-insensitively, as Sigma values do
		m := rs.byRoute[ch]
		if m == nil {
			m = map[string]*bucket{}
			rs.byRoute[ch] = m
		}
		if m[id] == nil {
			m[id] = &bucket{}
		}
		return m[id]
	}
	add := func(ch, id string) {
		b := get(ch, id)
		if !contains(b.rules, cr) {
			b.rules = append(b.rules, cr)
		}
	}
	var ownIDs []string // ids the rule itself requires (see eidroute.go)
	if rs.eidF >= 0 {
		ownIDs, _ = cr.requiredIDs(rs.eidF)
	}
	for _, r := range routes {
		for _, ch := range r.Channels {
			if rs.eidF < 0 {
				add(ch, "*")
				continue
			}
			ids := r.EventIDs
			if len(ids) == 0 {
				if ids = ownIDs; len(ids) == 0 {
					add(ch, "*")
					continue
				}
			}
			for _, id := range ids {
				add(ch, id)
			}
		}
	}
	// A rule routed to "any id" of a channel must not also sit under one id.
	for _, r := range routes {
		for _, ch := range r.Channels {
			m := rs.byRoute[strings.ToLower(ch)]
			if m["*"] == nil || !contains(m["*"].rules, cr) {
				continue
			}
			for id, b := range m {
				if id == "*" {
					continue
				}
				for i, x := range b.rules {
					if x == cr {
						b.rules = append(b.rules[:i:i], b.rules[i+1:]...)
						break
					}
				}
			}
		}
	}
}

func contains(list []*compiledRule, cr *compiledRule) bool {
	for _, x := range list {
		if x == cr {
			return true
		}
	}
	return false
}

// Len returns the number of compiled rules.
func (rs *Ruleset) Len() int { return len(rs.rules) }

// Uses reports whether some rule of the set reads the event field name
// (after the pipeline's field mapping). A FieldRanger may skip the fields for
// which it is false, and so avoid decoding them: the matcher ignores them
// anyway. Keyword searches still read every value through Event.Keywords.
func (rs *Ruleset) Uses(name string) bool { return len(rs.ft.lookup(name)) > 0 }

// Rules returns the compiled rules in load order. Do not modify them.
func (rs *Ruleset) Rules() []*Rule {
	out := make([]*Rule, len(rs.rules))
	for i, cr := range rs.rules {
		out[i] = cr.rule
	}
	return out
}

// Match evaluates ev against the rules its route selects and calls fn for
// each rule that matches, in load order within each route bucket. It borrows
// a Matcher from a pool; a goroutine that matches many events can hold its
// own (NewMatcher) and save that.
func (rs *Ruleset) Match(ev Event, fn func(*Rule)) {
	m := rs.pool.Get().(*Matcher)
	m.Match(ev, fn)
	m.s.ev, m.s.lz = nil, nil
	rs.pool.Put(m)
}

// MatchRule evaluates one rule against ev, ignoring logsource routing. It
// reports false for a rule that is not in the set.
func (rs *Ruleset) MatchRule(r *Rule, ev Event) bool {
	for _, cr := range rs.rules {
		if cr.rule == r {
			m := rs.pool.Get().(*Matcher)
			m.s.reset(ev)
			ok := cr.match(m.s)
			m.s.ev, m.s.lz = nil, nil
			rs.pool.Put(m)
			return ok
		}
	}
	return false
}

// Matcher evaluates events against a Ruleset with reusable per-event state,
// so that matching does not allocate. It also remembers the patterns found
// in recent values (memo.go, memolong.go): about 5.4 MB from the start and
// up to 2 MB more for long lines. A Matcher is not safe for concurrent use:
// give each goroutine its own.
type Matcher struct {
	rs    *Ruleset
	s     *scratch
	pf    pfScratch
	memo  scanMemo
	lines lineMemo
	rec   recorder
	full  bool // tests: evaluate every rule of a bucket, no prefilter
}

// NewMatcher returns a Matcher for rs.
func (rs *Ruleset) NewMatcher() *Matcher {
	m := &Matcher{rs: rs, s: newScratch(rs.ft), pf: rs.pre.newScratch(), memo: newScanMemo(),
		lines: newLineMemo(), rec: recorder{pats: make([]int32, 0, 256)}}
	m.s.pf = &m.pf
	return m
}

// Match is Ruleset.Match on the Matcher's own state.
func (m *Matcher) Match(ev Event, fn func(*Rule)) {
	rs, s := m.rs, m.s
	s.begin(ev)
	le, _ := ev.(LogsourceEvent)
	unmapped := le != nil && len(rs.unmapped) > 0
	var r *route
	if rs.chans.len() > 0 && rs.chanF >= 0 {
		r = m.routeOf()
	}
	if s.ranged {
		switch {
		case r != nil && unmapped:
			s.fileHits(nil)
		case r != nil:
			s.fileHits(r.read)
		case unmapped:
			s.fileHits(rs.unmappedRead)
		}
	}
	if r != nil {
		m.matchBuckets(r.b1, r.b2, fn)
	}
	if unmapped {
		m.matchUnmapped(le.Logsource(), fn)
	}
}

// matchUnmapped evaluates the rules routed by logsource: those whose every
// set part equals the event's.
func (m *Matcher) matchUnmapped(ls Logsource, fn func(*Rule)) {
	ls.Definition = ""
	for mask := 0; mask < 8; mask++ {
		var key Logsource
		if mask&1 != 0 {
			if key.Product = ls.Product; key.Product == "" {
				continue
			}
		}
		if mask&2 != 0 {
			if key.Category = ls.Category; key.Category == "" {
				continue
			}
		}
		if mask&4 != 0 {
			if key.Service = ls.Service; key.Service == "" {
				continue
			}
		}
		for _, cr := range m.rs.unmapped[key] {
			if cr.match(m.s) {
				fn(cr.rule)
			}
		}
	}
}
