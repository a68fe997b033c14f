package sigma

import (
	"errors"
	"fmt"
	"time"
)

// Correlator evaluates Sigma correlation rules over a stream of base-rule
// matches. Feed it every match with Observe; it emits CorrelationMatch
// values. All timing is driven by the event times given to Observe, never by
// the wall clock, so replays reproduce the same matches.
//
// Semantics chosen where the specification is silent:
//
//   - Conditions: every criterion given (gt, gte, lt, lte, eq, neq) must
//     hold. temporal and temporal_ordered default to "gte: number of rules".
//   - Windows: with a lower bound (gt, gte or eq) a group keeps a sliding
//     window of timespan (inclusive) ending at its newest input, is tested
//     on every input, and fires once, then starts afresh. With only upper
//     bounds (lt, lte, neq) a group's window is fixed from its first input
//     and judged when event time passes its end (a later input of the same
//     correlation, any group), so "fewer than N" is never decided early.
//   - Inputs older than the newest seen minus timespan are ignored (Late).
//   - group-by: a missing field counts as the empty value. Aliases map a
//     group-by (or value field) name to a field per referenced rule name.
//   - value_count ignores inputs without the field; value_sum, value_avg
//     and value_percentile ignore inputs whose field is not a number.
//   - value_percentile: condition key "percentile" (0 < p <= 100, default
//     50) selects the nearest-rank percentile of the window's values: the
//     smallest value with at least p % of the values at or below it.
//   - temporal counts distinct referenced rules; temporal_ordered counts
//     how long a prefix of the rules list occurs in order, inputs ordered by
//     event time with ties in arrival order.
//   - Chaining: a correlation's match is an input to the correlations that
//     reference it, with its group-by values as fields, its event ids as
//     evidence and its last input time as time.
//   - generate: rules and correlations referenced only by correlations with
//     generate false (the default) are Quiet: not reported on their own.
//
// A Correlator is not safe for concurrent use; Snapshot and Restore must not
// run concurrently with Observe.
type Correlator struct {
	cfg    CorrelatorConfig
	corrs  []*ccorr
	byRule map[*Rule][]ruleRef
	quiet  map[*Rule]bool
	seq    uint64
	stats  CorrelatorStats
}

// CorrelatorStats counts what the bounds cost.
type CorrelatorStats struct {
	// GroupEvictions counts live groups dropped because a correlation had
	// MaxGroups groups.
	GroupEvictions uint64
	// EventEvictions counts inputs dropped because a group had MaxEvents.
	EventEvictions uint64
	// Late counts inputs older than their correlation's window (relative to
	// the newest input time seen), ignored.
	Late uint64
}

// NewCorrelator resolves the correlations' rule references against rules
// (by id, name or title) and against each other (chaining). rules must be
// the same *Rule values that Observe will be given (those passed to
// Compile). A correlation with an error (unknown rule, bad timespan or
// condition, a reference cycle) is reported as "file:line: reason" and left
// out; the others work.
func NewCorrelator(rules []*Rule, corrs []*Correlation, cfg CorrelatorConfig) (*Correlator, []error) {
	if cfg.MaxGroups <= 0 {
		cfg.MaxGroups = 10000
	}
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = 1000
	}
	k := &Correlator{cfg: cfg, byRule: map[*Rule][]ruleRef{}, quiet: map[*Rule]bool{}}
	var errs []error
	byName := map[string]*ccorr{}
	var ok []*ccorr
	for _, c := range corrs {
		cc, err := compileCorrelation(c)
		if err != nil {
			errs = append(errs, errAt(c.File, c.Line, "correlation %q: %v", c.Title, err))
			continue
		}
		ok = append(ok, cc)
		for _, n := range refNames(c.ID, c.Name, c.Title) {
			if _, dup := byName[n]; !dup {
				byName[n] = cc
			}
		}
	}
	ruleByName := map[string][]*Rule{}
	for _, r := range rules {
		for _, n := range refNames(r.ID, r.Name, r.Title) {
			ruleByName[n] = append(ruleByName[n], r)
		}
	}
	// Resolve references; a correlation with an unknown one is dropped.
	bad := map[*ccorr]error{}
	for _, cc := range ok {
		for _, ref := range cc.c.Rules {
			if sub, found := byName[ref]; found && sub != cc {
				s := cc.resolveSource(ref, refNames(sub.c.ID, sub.c.Name, sub.c.Title))
				s.corr = sub
				cc.srcs = append(cc.srcs, s)
				continue
			}
			rs := ruleByName[ref]
			if len(rs) == 0 {
				bad[cc] = fmt.Errorf("unknown rule %q", ref)
				break
			}
			for _, r := range rs {
				s := cc.resolveSource(ref, refNames(r.ID, r.Name, r.Title))
				s.rule = r
				cc.srcs = append(cc.srcs, s)
			}
		}
	}
	for _, cc := range ok {
		if bad[cc] == nil && cyclic(cc, map[*ccorr]int{}) {
			bad[cc] = errors.New("correlation references form a cycle")
		}
	}
	// Dropping a correlation drops those that depend on it.
	for changed := true; changed; {
		changed = false
		for _, cc := range ok {
			if bad[cc] != nil {
				continue
			}
			for _, s := range cc.srcs {
				if s.corr != nil && bad[s.corr] != nil {
					bad[cc] = fmt.Errorf("depends on broken correlation %q", s.ref)
					changed = true
					break
				}
			}
		}
	}
	for _, cc := range ok {
		if err := bad[cc]; err != nil {
			errs = append(errs, errAt(cc.c.File, cc.c.Line, "correlation %q: %v", cc.c.Title, err))
			continue
		}
		k.corrs = append(k.corrs, cc)
	}
	generates := map[any]bool{}
	referenced := map[any]bool{}
	for _, cc := range k.corrs {
		for i, s := range cc.srcs {
			var target any = s.rule
			if s.corr != nil {
				target = s.corr
				s.corr.parents = append(s.corr.parents, parentRef{c: cc, src: i})
			} else {
				k.byRule[s.rule] = append(k.byRule[s.rule], ruleRef{c: cc, src: i})
			}
			referenced[target] = true
			generates[target] = generates[target] || cc.c.Generate
		}
	}
	for _, cc := range k.corrs {
		cc.quiet = referenced[cc] && !generates[cc]
	}
	for r := range k.byRule {
		k.quiet[r] = !generates[r]
	}
	return k, errs
}

// cyclic reports whether cc reaches itself through correlation references.
func cyclic(cc *ccorr, state map[*ccorr]int) bool {
	switch state[cc] {
	case 1:
		return true
	case 2:
		return false
	}
	state[cc] = 1
	for _, s := range cc.srcs {
		if s.corr != nil && cyclic(s.corr, state) {
			return true
		}
	}
	state[cc] = 2
	return false
}

// Len is the number of working correlations.
func (k *Correlator) Len() int { return len(k.corrs) }

// Stats returns the eviction and late-input counters.
func (k *Correlator) Stats() CorrelatorStats { return k.stats }

// Uses reports whether any correlation refers to rule r.
func (k *Correlator) Uses(r *Rule) bool { return len(k.byRule[r]) > 0 }

// Quiet reports whether rule r's own matches should not be reported: it is
// referenced by correlations and none of them sets generate: true (the
// specification's default is that only the correlation is output).
func (k *Correlator) Quiet(r *Rule) bool { return k.quiet[r] }

// input is one thing fed to a correlation: a base event or a chained match.
type input struct {
	field func(string) (string, bool)
	ids   []string
	t     int64
}

// Observe feeds one match of base rule r on event ev (with id and event time
// t) to every correlation that references r, and calls emit for each
// correlation that fires, chained ones included (see CorrelationMatch.Quiet).
func (k *Correlator) Observe(r *Rule, ev Event, id string, t time.Time, emit func(CorrelationMatch)) {
	refs := k.byRule[r]
	if len(refs) == 0 {
		return
	}
	in := input{field: ev.Field, ids: []string{id}, t: t.UnixNano()}
	for _, ref := range refs {
		k.feed(ref.c, ref.src, in, emit)
	}
}

// fire reports a match of cc and feeds it to the correlations chained on it.
func (k *Correlator) fire(cc *ccorr, g *group, value float64, emit func(CorrelationMatch)) {
	m := k.match(cc, g, value)
	emit(m)
	if len(cc.parents) == 0 {
		return
	}
	vals := map[string]string{}
	for i, name := range cc.c.GroupBy {
		vals[name] = g.Key[i]
	}
	in := input{
		field: func(n string) (string, bool) { v, ok := vals[n]; return v, ok },
		ids:   m.EventIDs,
		t:     m.Last.UnixNano(),
	}
	for _, p := range cc.parents {
		k.feed(p.c, p.src, in, emit)
	}
}
