package sigma

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CorrelatorConfig bounds the state a Correlator keeps.
type CorrelatorConfig struct {
	// MaxGroups is the most group-by groups kept per correlation rule; when
	// a new group would exceed it, expired groups are dropped and then the
	// least recently updated group is evicted. 0 means 10,000.
	MaxGroups int
	// MaxEvents is the most inputs remembered per group; the oldest is
	// evicted first. Counts and aggregates only see remembered inputs, so
	// a condition such as "gte: 5000" needs MaxEvents >= 5000. 0 means 1,000.
	MaxEvents int
}

// CorrelationMatch is one firing of a correlation rule.
type CorrelationMatch struct {
	Correlation *Correlation
	// GroupBy are the correlation's group-by names and Group their values
	// (same order; a missing field counts as "").
	GroupBy []string
	Group   []string
	// EventIDs are the ids of the base events that contributed (through
	// chained correlations too), sorted and without duplicates.
	EventIDs []string
	// Inputs is the number of inputs (base rule matches or chained
	// correlation matches) in the window when the correlation fired.
	Inputs int
	// Value is the measured quantity the condition was tested on: the
	// event count, distinct value count, number of distinct rules (temporal
	// types), sum, average or percentile.
	Value float64
	// Rules names the rules or correlations whose matches contributed, in
	// the order the correlation lists them.
	Rules []string
	// First and Last are the times of the first and last contributing input.
	First, Last time.Time
	// Quiet is set when the correlation is itself referenced by another
	// correlation whose generate flag is false: it is an intermediate step,
	// not meant to be reported on its own.
	Quiet bool
}

// threshold is one condition criterion.
type threshold struct {
	op string
	v  float64
}

// source is one entry of a correlation's rules list, resolved.
type source struct {
	ref   string
	rule  *Rule  // a base rule, or
	corr  *ccorr // a correlation
	group []string
	field string // value field in this source's events ("" if none)
}

// ccorr is a compiled correlation.
type ccorr struct {
	c       *Correlation
	key     string // snapshot key: id, else name, else title
	span    time.Duration
	conds   []threshold
	atClose bool // only upper bounds: evaluated when a window closes
	pct     float64
	srcs    []*source
	parents []parentRef // correlations that reference this one
	quiet   bool
	groups  map[string]*group
	mark    int64 // highest input time seen (unix ns)
	swept   int64 // mark at the last sweep
}

type parentRef struct {
	c   *ccorr
	src int
}

type ruleRef struct {
	c   *ccorr
	src int
}

// ParseTimespan parses a Sigma timespan: a positive number followed by s,
// m, h, d or w ("90m", "1d").
func ParseTimespan(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("bad timespan %q (want a number and s, m, h, d or w)", s)
	}
	n, err := strconv.ParseUint(s[:len(s)-1], 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad timespan %q (want a positive number and s, m, h, d or w)", s)
	}
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour,
		'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("bad timespan unit in %q (want s, m, h, d or w)", s)
	}
	return time.Duration(n) * unit, nil
}

// compileCorrelation checks c and resolves everything but its rule references.
func compileCorrelation(c *Correlation) (*ccorr, error) {
	cc := &ccorr{c: c, key: firstNonEmpty(c.ID, c.Name, c.Title), groups: map[string]*group{}, pct: 50}
	if cc.key == "" {
		return nil, fmt.Errorf("correlation has no id, name or title")
	}
	span, err := ParseTimespan(c.Timespan)
	if err != nil {
		return nil, err
	}
	cc.span = span
	if len(c.Rules) == 0 {
		return nil, fmt.Errorf("correlation names no rules")
	}
	keys := make([]string, 0, len(c.Condition))
	for k := range c.Condition {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lower := false
	for _, k := range keys {
		v := c.Condition[k]
		switch k {
		case "field":
			continue
		case "percentile":
			p, err := strconv.ParseFloat(v, 64)
			if err != nil || p <= 0 || p > 100 {
				return nil, fmt.Errorf("condition percentile %q: want a number in (0, 100]", v)
			}
			cc.pct = p
			continue
		case "gt", "gte", "eq", "lt", "lte", "neq":
		default:
			return nil, fmt.Errorf("unknown condition operator %q (want gt, gte, lt, lte, eq, neq, field, percentile)", k)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("condition %s: %q is not a number", k, v)
		}
		cc.conds = append(cc.conds, threshold{op: k, v: f})
		if k == "gt" || k == "gte" || k == "eq" {
			lower = true
		}
	}
	switch c.Type {
	case "temporal", "temporal_ordered":
		if len(cc.conds) == 0 {
			cc.conds = []threshold{{op: "gte", v: float64(len(c.Rules))}}
			lower = true
		}
	case "event_count", "value_count", "value_sum", "value_avg", "value_percentile":
		if len(cc.conds) == 0 {
			return nil, fmt.Errorf("%s correlation needs a condition (gt, gte, lt, lte, eq or neq)", c.Type)
		}
		if c.Type != "event_count" && c.Condition["field"] == "" {
			return nil, fmt.Errorf("%s correlation needs condition field", c.Type)
		}
	default:
		return nil, fmt.Errorf("unknown correlation type %q", c.Type)
	}
	cc.atClose = !lower
	return cc, nil
}

// holds reports whether value v meets every criterion.
func (cc *ccorr) holds(v float64) bool {
	for _, t := range cc.conds {
		var ok bool
		switch t.op {
		case "gt":
			ok = v > t.v
		case "gte":
			ok = v >= t.v
		case "lt":
			ok = v < t.v
		case "lte":
			ok = v <= t.v
		case "eq":
			ok = v == t.v
		case "neq":
			ok = v != t.v
		}
		if !ok {
			return false
		}
	}
	return true
}

// resolveSource builds the source for reference ref (a rule or correlation
// known as name), mapping group-by and value fields through the aliases.
func (cc *ccorr) resolveSource(ref string, names []string) *source {
	s := &source{ref: ref}
	field := func(g string) string {
		if al, ok := cc.c.Aliases[g]; ok {
			for _, n := range append([]string{ref}, names...) {
				if f, ok := al[n]; ok && n != "" {
					return f
				}
			}
		}
		return g
	}
	for _, g := range cc.c.GroupBy {
		s.group = append(s.group, field(g))
	}
	if f := cc.c.Condition["field"]; f != "" {
		s.field = field(f)
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// refNames are the names a rule or correlation can be referenced by.
func refNames(id, name, title string) []string {
	var out []string
	for _, s := range []string{id, name, title} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func joinKey(vals []string) string { return strings.Join(vals, "\x1f") }
