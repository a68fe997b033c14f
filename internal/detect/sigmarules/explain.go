package sigmarules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/sigma"
)

// Limits on how much event content an explanation quotes.
const (
	maxQuotedFields = 8
	maxQuotedValue  = 160
	maxDescription  = 300
)

// probe tells which selections of one rule match an event: each selection
// is compiled on its own, as a one-selection rule. Probes are built the first
// time a rule matches and then kept with the ruleset generation.
type probe struct {
	sels  []*sigma.Selection
	rules []*sigma.Rule // rules[i] tests sels[i]; nil if it did not compile
	rs    *sigma.Ruleset
}

func (s *loadedSet) probeFor(r *sigma.Rule) *probe {
	if p, ok := s.probes.Load(r); ok {
		return p.(*probe)
	}
	p := &probe{sels: r.Detection.Selections}
	one := make([]*sigma.Rule, len(p.sels))
	for i, sel := range p.sels {
		one[i] = &sigma.Rule{ID: fmt.Sprintf("%s#%d", r.ID, i), Title: r.Title, Level: r.Level,
			File: r.File, Line: r.Line, Logsource: r.Logsource, // per-logsource field maps apply
			Detection: sigma.Detection{Selections: []*sigma.Selection{sel}, Conditions: []string{sel.Name},
				ConditionLine: r.Detection.ConditionLine}}
	}
	// MatchRule ignores routing; field mapping (which depends on the
	// logsource) must be the same as the real rule's.
	p.rs, _ = sigma.Compile(one, s.cfg)
	compiled := map[*sigma.Rule]bool{}
	for _, cr := range p.rs.Rules() {
		compiled[cr] = true
	}
	p.rules = make([]*sigma.Rule, len(one))
	for i, cr := range one {
		if compiled[cr] {
			p.rules[i] = cr
		}
	}
	actual, _ := s.probes.LoadOrStore(r, p)
	return actual.(*probe)
}

// explain says in plain language which rule matched and, for each selection
// that matched the event, the values of the fields it tests. Event values are
// quoted (Go syntax, control characters escaped) and truncated, never
// interpreted.
func (s *loadedSet) explain(r *sigma.Rule, ev *event.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sigma rule %q", r.Title)
	if r.ID != "" {
		fmt.Fprintf(&b, " (id %s", r.ID)
	} else {
		b.WriteString(" (no id")
	}
	if r.Level != "" {
		fmt.Fprintf(&b, ", level %s", r.Level)
	}
	if r.Status != "" {
		fmt.Fprintf(&b, ", status %s", r.Status)
	}
	b.WriteString(") matched this event.")
	p := s.probeFor(r)
	w := Wrap(ev)
	quoted := 0
	for i, sel := range p.sels {
		if p.rules[i] == nil || !p.rs.MatchRule(p.rules[i], w) {
			continue
		}
		if sel.Keywords != nil {
			fmt.Fprintf(&b, " Keyword search %q matched.", sel.Name)
			continue
		}
		fmt.Fprintf(&b, " Selection %q matched", sel.Name)
		vals := s.fieldValues(sel, r.Logsource, ev, &quoted)
		if vals != "" {
			b.WriteString(" with ")
			b.WriteString(vals)
		}
		b.WriteString(".")
	}
	if d := strings.TrimSpace(r.Description); d != "" {
		b.WriteString(" Rule description: ")
		b.WriteString(truncate(strings.Join(strings.Fields(d), " "), maxDescription))
	}
	return b.String()
}

// fieldValues lists `Field="value"` for the fields sel tests that ev has,
// at most maxQuotedFields over the whole explanation (counted in *quoted).
func (s *loadedSet) fieldValues(sel *sigma.Selection, ls sigma.Logsource, ev *event.Event, quoted *int) string {
	var parts []string
	seen := map[string]bool{}
	for _, g := range sel.Groups {
		for _, it := range g {
			if it.Field == "" || seen[it.Field] {
				continue
			}
			seen[it.Field] = true
			v, ok := s.lookup(it.Field, ls, ev)
			if !ok {
				continue
			}
			if *quoted >= maxQuotedFields {
				return strings.Join(append(parts, "…"), ", ")
			}
			*quoted++
			parts = append(parts, it.Field+"="+strconv.Quote(truncate(v, maxQuotedValue)))
		}
	}
	return strings.Join(parts, ", ")
}

// lookup finds a rule field in ev the way the pipeline maps it for rules of
// logsource ls (sigma.Pipeline.FieldNames: per-logsource maps, the general
// map, spaced forms, prefixes), the first name present winning.
func (s *loadedSet) lookup(name string, ls sigma.Logsource, ev *event.Event) (string, bool) {
	p := s.cfg.Pipeline
	if p == nil {
		return ev.Get(name)
	}
	for _, n := range p.FieldNames(name, ls) {
		if v, ok := ev.Get(n); ok {
			return v, true
		}
	}
	return "", false
}

// truncate shortens s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }
