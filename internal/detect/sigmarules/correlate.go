package sigmarules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/sigma"
)

var _ detect.Stateful = (*Detector)(nil)

// Snapshot implements detect.Stateful: the correlation state of the active
// ruleset (see sigma.Correlator.Snapshot).
func (d *Detector) Snapshot() ([]byte, error) {
	d.corrMu.Lock()
	defer d.corrMu.Unlock()
	return d.cur.Load().corr.Snapshot()
}

// Restore implements detect.Stateful. State of correlations that are no
// longer loaded is dropped.
func (d *Detector) Restore(data []byte) error {
	d.corrMu.Lock()
	defer d.corrMu.Unlock()
	return d.cur.Load().corr.Restore(data)
}

// Correlations returns the number of working correlation rules now active.
func (d *Detector) Correlations() int { return d.cur.Load().corr.Len() }

// newCorrelator builds the correlator of a load and carries over the state
// of the previous one (matched by correlation id), so a reload does not
// forget half-built correlations.
func (d *Detector) newCorrelator(l *Loaded, prev *loadedSet) (*sigma.Correlator, []error) {
	c, errs := sigma.NewCorrelator(l.Rules, l.Correlations, d.cfg.Correlator)
	if prev == nil || prev.corr.Len() == 0 || c.Len() == 0 {
		return c, errs
	}
	d.corrMu.Lock()
	defer d.corrMu.Unlock()
	snap, err := prev.corr.Snapshot()
	if err == nil {
		err = c.Restore(snap)
	}
	if err != nil {
		d.log.Warn("sigma correlation state not carried over reload", "err", err.Error())
	}
	return c, errs
}

// correlate feeds the base-rule matches of ev (d.matched) to the correlator
// and emits the findings of the correlations that fire and are not quiet.
func (d *Detector) correlate(set *loadedSet, ev *event.Event, emit func(finding.Finding)) {
	wrapped := Wrap(ev)
	d.corrMu.Lock()
	defer d.corrMu.Unlock()
	for _, r := range d.matched {
		if !set.corr.Uses(r) {
			continue
		}
		set.corr.Observe(r, wrapped, ev.ID, ev.Time, func(m sigma.CorrelationMatch) {
			if !m.Quiet {
				emit(correlationFinding(m, ev, d.Name()))
			}
		})
	}
}

// correlationFinding turns a correlation match into a finding; ev is the
// event that completed it.
func correlationFinding(m sigma.CorrelationMatch, ev *event.Event, detector string) finding.Finding {
	c := m.Correlation
	ruleID := c.ID
	if ruleID == "" {
		ruleID = c.Name
	}
	if ruleID == "" {
		ruleID = c.Title
	}
	ids := append([]string(nil), m.EventIDs...)
	sort.Strings(ids)
	return finding.Finding{
		ID:          finding.DeriveID(detector, ruleID, ids),
		Time:        ev.Time,
		Detector:    detector,
		RuleID:      ruleID,
		Title:       c.Title,
		Severity:    Severity(c.Level),
		Confidence:  Confidence(c.Level, c.Status),
		Entities:    ev.Entities,
		EventIDs:    ids,
		Techniques:  Techniques(c.Tags),
		Tags:        append([]string(nil), c.Tags...),
		Explanation: CorrelationExplanation(m),
		IngestedAt:  ev.Ingested,
	}
}

// CorrelationExplanation describes a correlation match in one line, e.g.
// "3 events from rule failed_login for User=alice within 5m (event_count 3,
// condition gte 3)". Group values are event content the analyst needs; the
// explanation carries no other field values.
func CorrelationExplanation(m sigma.CorrelationMatch) string {
	c := m.Correlation
	var b strings.Builder
	noun := "events"
	if m.Inputs == 1 {
		noun = "event"
	}
	rules := "rule "
	if len(m.Rules) != 1 {
		rules = "rules "
	}
	fmt.Fprintf(&b, "%d %s from %s%s", m.Inputs, noun, rules, strings.Join(m.Rules, ", "))
	if len(m.GroupBy) > 0 {
		parts := make([]string, len(m.GroupBy))
		for i, g := range m.GroupBy {
			parts[i] = g + "=" + m.Group[i]
		}
		fmt.Fprintf(&b, " for %s", strings.Join(parts, " "))
	}
	fmt.Fprintf(&b, " within %s (%s %g", c.Timespan, c.Type, m.Value)
	if f := c.Condition["field"]; f != "" {
		fmt.Fprintf(&b, " of %s", f)
	}
	var ops []string
	for _, op := range []string{"gt", "gte", "eq", "neq", "lt", "lte"} {
		if v, ok := c.Condition[op]; ok {
			ops = append(ops, op+" "+v)
		}
	}
	if len(ops) > 0 {
		fmt.Fprintf(&b, ", condition %s", strings.Join(ops, " and "))
	}
	b.WriteString(")")
	return b.String()
}
