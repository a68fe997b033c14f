package sigma

// Ruleset is a compiled, immutable set of rules. It is safe for concurrent
// use by several goroutines.
type Ruleset struct {
	rules    []*compiledRule
	byRoute  map[string]map[string][]*compiledRule // channel -> event id ("*" = any) -> rules
	unmapped []*compiledRule                       // matched via LogsourceEvent only
	chanF    []string
	eidF     []string
}

// Compile compiles rules. Rules that fail are left out and reported, one
// *Error each, in the returned slice; the Ruleset holds the others.
func Compile(rules []*Rule, cfg Config) (*Ruleset, []error) {
	c := &compiler{cfg: cfg}
	rs := &Ruleset{byRoute: map[string]map[string][]*compiledRule{}}
	if p := cfg.Pipeline; p != nil {
		if p.ChannelField != "" {
			rs.chanF = p.fieldNames(p.ChannelField)
		}
		if p.EventIDField != "" {
			rs.eidF = p.fieldNames(p.EventIDField)
		}
	}
	var errs []error
	for _, r := range rules {
		cr, err := c.rule(r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rs.rules = append(rs.rules, cr)
		rs.route(cr, cfg.Pipeline)
	}
	return rs, errs
}

func (rs *Ruleset) route(cr *compiledRule, p *Pipeline) {
	var routes []Route
	if p != nil && rs.chanF != nil {
		routes = p.routesFor(cr.rule.Logsource)
	}
	if len(routes) == 0 {
		rs.unmapped = append(rs.unmapped, cr)
		return
	}
	add := func(ch, id string) {
		m := rs.byRoute[ch]
		if m == nil {
			m = map[string][]*compiledRule{}
			rs.byRoute[ch] = m
		}
		for _, x := range m[id] {
			if x == cr {
				return
			}
		}
		m[id] = append(m[id], cr)
	}
	for _, r := range routes {
		for _, ch := range r.Channels {
			if len(r.EventIDs) == 0 || rs.eidF == nil {
				add(ch, "*")
				continue
			}
			for _, id := range r.EventIDs {
				add(ch, id)
			}
		}
	}
	// A rule routed to "any id" of a channel must not also sit under one id.
	for _, r := range routes {
		for _, ch := range r.Channels {
			m := rs.byRoute[ch]
			if !contains(m["*"], cr) {
				continue
			}
			for id, list := range m {
				if id == "*" {
					continue
				}
				for i, x := range list {
					if x == cr {
						m[id] = append(list[:i:i], list[i+1:]...)
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

// Rules returns the compiled rules in load order. Do not modify them.
func (rs *Ruleset) Rules() []*Rule {
	out := make([]*Rule, len(rs.rules))
	for i, cr := range rs.rules {
		out[i] = cr.rule
	}
	return out
}

// Match evaluates ev against the rules its route selects and calls fn for
// each rule that matches, in load order within each route bucket.
func (rs *Ruleset) Match(ev Event, fn func(*Rule)) {
	if len(rs.byRoute) > 0 {
		if ch, ok := lookup(ev, rs.chanF); ok {
			if m := rs.byRoute[ch]; m != nil {
				if id, ok := lookup(ev, rs.eidF); ok {
					rs.matchList(m[id], ev, fn)
				}
				rs.matchList(m["*"], ev, fn)
			}
		}
	}
	if len(rs.unmapped) > 0 {
		if le, ok := ev.(LogsourceEvent); ok {
			ls := le.Logsource()
			for _, cr := range rs.unmapped {
				if eventIn(ls, cr.rule.Logsource) && cr.match(ev) {
					fn(cr.rule)
				}
			}
		}
	}
}

func (rs *Ruleset) matchList(list []*compiledRule, ev Event, fn func(*Rule)) {
	for _, cr := range list {
		if cr.match(ev) {
			fn(cr.rule)
		}
	}
}

// MatchRule evaluates one rule against ev, ignoring logsource routing. It
// reports false for a rule that is not in the set.
func (rs *Ruleset) MatchRule(r *Rule, ev Event) bool {
	for _, cr := range rs.rules {
		if cr.rule == r {
			return cr.match(ev)
		}
	}
	return false
}

// eventIn reports whether an event of logsource ev is within the rule's
// logsource: each part the rule sets must be equal.
func eventIn(ev, rule Logsource) bool {
	return (rule.Product == "" || rule.Product == ev.Product) &&
		(rule.Category == "" || rule.Category == ev.Category) &&
		(rule.Service == "" || rule.Service == ev.Service)
}
