package peers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	vsigma "github.com/vigil-soc/vigil/sigma"
)

// ruleDiff is the disagreements of one rule.
type ruleDiff struct {
	id, file            string
	vigilOnly, peerOnly int // events only Vigil / only sigma-go matched
	firstLine           int // first disagreeing event (line in the file)
	firstVigil          bool
}

// diffResult is the outcome of running both engines over a set of events.
type diffResult struct {
	events                    int
	vigilMatches, peerMatches int // (rule, event) matches of each engine
	bothMatch                 int // (rule, event) pairs both matched
	peerErrors                int // sigma-go evaluation errors (counted as no match)
	firstPeerError            string
	rules                     map[string]*ruleDiff // rule id -> disagreements
}

// disagreements is the number of (rule, event) pairs the engines disagree on.
func (d *diffResult) disagreements() int {
	n := 0
	for _, r := range d.rules {
		n += r.vigilOnly + r.peerOnly
	}
	return n
}

// sortedRules lists the disagreeing rules by id.
func (d *diffResult) sortedRules() []*ruleDiff {
	out := make([]*ruleDiff, 0, len(d.rules))
	for _, r := range d.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// peerRouter memoises sigma-go's own routing decision (RuleEvaluator.
// RelevantToEvent) per (Channel, EventID): the conditions of the generated
// configuration read no other field, so the memo changes nothing but speed.
type peerRouter struct {
	c    *corpus
	memo map[string][]int
}

func newPeerRouter(c *corpus) *peerRouter { return &peerRouter{c: c, memo: map[string][]int{}} }

func (r *peerRouter) rules(ctx context.Context, ev map[string]any) ([]int, error) {
	ch, _ := ev["Channel"].(string)
	id, _ := ev["EventID"].(string)
	key := ch + "\x00" + id
	if idx, ok := r.memo[key]; ok {
		return idx, nil
	}
	var idx []int
	for i, p := range r.c.pairs {
		ok, err := p.p.RelevantToEvent(ctx, peerIndex, ev)
		if err != nil {
			return nil, fmt.Errorf("rule %s: routing: %w", p.id, err)
		}
		if ok {
			idx = append(idx, i)
		}
	}
	r.memo[key] = idx
	return idx, nil
}

// runDiff evaluates every event in both engines and records where they
// disagree.
func runDiff(ctx context.Context, c *corpus, evs []event) (*diffResult, error) {
	d := &diffResult{events: len(evs), rules: map[string]*ruleDiff{}}
	m := c.vigil.NewMatcher()
	router := newPeerRouter(c)
	vig := make([]bool, len(c.pairs))
	var hit []int
	onMatch := func(r *vsigma.Rule) {
		i := c.byRule[r]
		if !vig[i] {
			vig[i] = true
			hit = append(hit, i)
		}
	}
	for k := range evs {
		ev := &evs[k]
		m.Match(&ev.flat, onMatch)
		idx, err := router.rules(ctx, ev.peer)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", windowsDev, ev.line, err)
		}
		for _, i := range idx {
			res, err := c.pairs[i].p.Matches(ctx, ev.peer)
			if err != nil {
				d.peerErrors++
				if d.firstPeerError == "" {
					d.firstPeerError = fmt.Sprintf("rule %s, line %d: %v", c.pairs[i].id, ev.line, err)
				}
			}
			peer := err == nil && res.Match
			if peer {
				d.peerMatches++
			}
			if peer && vig[i] {
				d.bothMatch++
			}
			if peer != vig[i] {
				d.record(c.pairs[i], ev.line, vig[i])
			}
			vig[i] = false // handled
		}
		for _, i := range hit {
			d.vigilMatches++
			if vig[i] { // Vigil matched a rule sigma-go did not route here
				d.record(c.pairs[i], ev.line, true)
				vig[i] = false
			}
		}
		hit = hit[:0]
	}
	return d, nil
}

func (d *diffResult) record(p pair, line int, vigil bool) {
	r := d.rules[p.id]
	if r == nil {
		r = &ruleDiff{id: p.id, file: p.file, firstLine: line, firstVigil: vigil}
		d.rules[p.id] = r
	}
	if vigil {
		r.vigilOnly++
	} else {
		r.peerOnly++
	}
}

// String formats the disagreeing rules, one per line.
func (r *ruleDiff) String() string {
	who := "sigma-go only"
	if r.firstVigil {
		who = "Vigil only"
	}
	return fmt.Sprintf("%s vigil-only=%d sigmago-only=%d first: line %d (%s) %s",
		r.id, r.vigilOnly, r.peerOnly, r.firstLine, who, strings.TrimPrefix(r.file, "rules/"))
}
