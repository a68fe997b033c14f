package sigma

import (
	"math"
	"sort"
	"strconv"
	"time"
)

// group is the state of one group-by value combination of a correlation.
type group struct {
	Key     []string `json:"k"`
	Entries []entry  `json:"e"`
	Touched uint64   `json:"u"` // Correlator.seq at the last update (LRU)
}

// entry is one remembered input.
type entry struct {
	T   int64    `json:"t"`           // event time, unix ns
	Seq uint64   `json:"q"`           // arrival order
	Src int      `json:"s"`           // index into the correlation's sources
	IDs []string `json:"i"`           // contributing base event ids
	Val string   `json:"v,omitempty"` // value_count: the field value
	Num float64  `json:"n,omitempty"` // value_sum/avg/percentile: the number
}

func (g *group) newest() int64 {
	var t int64 = math.MinInt64
	for _, e := range g.Entries {
		t = max(t, e.T)
	}
	return t
}

func (g *group) oldest() int64 {
	var t int64 = math.MaxInt64
	for _, e := range g.Entries {
		t = min(t, e.T)
	}
	return t
}

// feed adds input in (from source src) to correlation cc.
func (k *Correlator) feed(cc *ccorr, src int, in input, emit func(CorrelationMatch)) {
	span := int64(cc.span)
	if in.t > cc.mark {
		cc.mark = in.t
	}
	if in.t < cc.mark-span {
		k.stats.Late++
		return
	}
	if cc.mark-cc.swept >= span/4 || len(cc.groups) >= k.cfg.MaxGroups {
		k.sweep(cc, emit)
	}
	s := cc.srcs[src]
	e := entry{T: in.t, Src: src, IDs: in.ids}
	if cc.c.Type != "event_count" && s.field != "" {
		v, ok := in.field(s.field)
		if !ok || v == "" {
			return
		}
		if cc.c.Type == "value_count" {
			e.Val = v
		} else {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return
			}
			e.Num = f
		}
	}
	vals := make([]string, len(s.group))
	for i, f := range s.group {
		vals[i], _ = in.field(f)
	}
	key := joinKey(vals)
	g := cc.groups[key]
	if g == nil {
		if len(cc.groups) >= k.cfg.MaxGroups {
			k.evictGroup(cc)
		}
		g = &group{Key: vals}
		cc.groups[key] = g
	}
	k.seq++
	e.Seq = k.seq
	g.Touched = k.seq
	if cc.atClose {
		// Fixed windows from the group's first input: a window that has
		// closed is judged before the new input opens the next one.
		if len(g.Entries) > 0 && in.t >= g.oldest()+span {
			k.close(cc, key, g, emit)
			g = &group{Key: vals, Touched: k.seq}
			cc.groups[key] = g
		}
	} else {
		// Sliding window ending at the newest input of the group.
		end := max(in.t, g.newest())
		kept := g.Entries[:0]
		for _, old := range g.Entries {
			if old.T >= end-span {
				kept = append(kept, old)
			}
		}
		g.Entries = kept
	}
	g.Entries = append(g.Entries, e)
	if len(g.Entries) > k.cfg.MaxEvents {
		g.Entries = append(g.Entries[:0], g.Entries[1:]...)
		k.stats.EventEvictions++
	}
	if cc.atClose {
		return
	}
	if v := cc.value(g); cc.holds(v) {
		delete(cc.groups, key)
		k.fire(cc, g, v, emit)
	}
}

// close judges a group whose window has ended (upper-bound conditions) and
// removes it.
func (k *Correlator) close(cc *ccorr, key string, g *group, emit func(CorrelationMatch)) {
	delete(cc.groups, key)
	if len(g.Entries) == 0 {
		return
	}
	if v := cc.value(g); cc.holds(v) {
		k.fire(cc, g, v, emit)
	}
}

// sweep drops groups whose window has passed (judging them first when the
// correlation has only upper-bound conditions), in key order so that replays
// emit in the same order.
func (k *Correlator) sweep(cc *ccorr, emit func(CorrelationMatch)) {
	cc.swept = cc.mark
	span := int64(cc.span)
	var done []string
	for key, g := range cc.groups {
		if cc.atClose && g.oldest()+span <= cc.mark || !cc.atClose && g.newest() < cc.mark-span {
			done = append(done, key)
		}
	}
	sort.Strings(done)
	for _, key := range done {
		g := cc.groups[key]
		if cc.atClose {
			k.close(cc, key, g, emit)
		} else {
			delete(cc.groups, key)
		}
	}
}

// evictGroup drops the least recently updated group of cc.
func (k *Correlator) evictGroup(cc *ccorr) {
	var victim string
	var least uint64 = math.MaxUint64
	for key, g := range cc.groups {
		if g.Touched < least || g.Touched == least && key < victim {
			victim, least = key, g.Touched
		}
	}
	delete(cc.groups, victim)
	k.stats.GroupEvictions++
}

// value is the quantity the condition of cc is tested on, for group g.
func (cc *ccorr) value(g *group) float64 {
	switch cc.c.Type {
	case "event_count":
		return float64(len(g.Entries))
	case "value_count":
		seen := map[string]bool{}
		for _, e := range g.Entries {
			seen[e.Val] = true
		}
		return float64(len(seen))
	case "temporal":
		seen := map[string]bool{}
		for _, e := range g.Entries {
			seen[cc.srcs[e.Src].ref] = true
		}
		return float64(len(seen))
	case "temporal_ordered":
		return float64(cc.orderedPrefix(g))
	}
	nums := make([]float64, len(g.Entries))
	sum := 0.0
	for i, e := range g.Entries {
		nums[i] = e.Num
		sum += e.Num
	}
	switch cc.c.Type {
	case "value_sum":
		return sum
	case "value_avg":
		return sum / float64(len(nums))
	}
	// value_percentile, nearest-rank method.
	sort.Float64s(nums)
	rank := int(math.Ceil(cc.pct / 100 * float64(len(nums))))
	return nums[max(rank, 1)-1]
}

// orderedPrefix is how many of the correlation's rules, in the order listed,
// occur one after the other in g: inputs are taken in event-time order, ties
// in arrival order, and each listed rule must occur at or after the time of
// the previous one.
func (cc *ccorr) orderedPrefix(g *group) int {
	es := append([]entry(nil), g.Entries...)
	sort.Slice(es, func(i, j int) bool {
		if es[i].T != es[j].T {
			return es[i].T < es[j].T
		}
		return es[i].Seq < es[j].Seq
	})
	refs := cc.c.Rules
	next := 0
	for _, e := range es {
		if next < len(refs) && cc.srcs[e.Src].ref == refs[next] {
			next++
		}
	}
	return next
}

// match builds the CorrelationMatch of cc firing on g.
func (k *Correlator) match(cc *ccorr, g *group, value float64) CorrelationMatch {
	m := CorrelationMatch{
		Correlation: cc.c, GroupBy: cc.c.GroupBy, Group: g.Key,
		Inputs: len(g.Entries), Value: value, Quiet: cc.quiet,
		First: time.Unix(0, g.oldest()).UTC(), Last: time.Unix(0, g.newest()).UTC(),
	}
	ids := map[string]bool{}
	used := map[string]bool{}
	for _, e := range g.Entries {
		for _, id := range e.IDs {
			if !ids[id] {
				ids[id] = true
				m.EventIDs = append(m.EventIDs, id)
			}
		}
		used[cc.srcs[e.Src].ref] = true
	}
	sort.Strings(m.EventIDs)
	for _, r := range cc.c.Rules {
		if used[r] {
			m.Rules = append(m.Rules, r)
			used[r] = false
		}
	}
	return m
}
