package sigma

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// ApplyFilters applies Sigma meta filters to rules before they are compiled,
// so the compiler needs to know nothing about filters.
//
// A filter names rules by id, name or title and carries its own selections
// and condition. For every named rule, the filter's selections are added to
// a copy of the rule's detection under new names ("_vf<n>_<name>": the
// leading underscore keeps them out of the rule's "them"), and each rule
// condition C becomes "(C) and not (F)", where F is the filter condition
// with its identifiers renamed (several filter conditions are or-ed). The
// filter's condition thus describes what to suppress, as in the
// specification's example ("condition: selection" with a selection on the
// accepted administrator accounts).
//
// A filter's logsource must agree with each rule it names (every part the
// filter sets must equal the rule's, case-insensitively). Filters that name
// unknown rules, disagree on logsource or have a bad condition are reported
// (file:line: reason) and not applied to that rule; the others still are.
// Rules that no filter names are returned as they are (same pointers); the
// others are returned as modified copies, in the original order.
func ApplyFilters(rules []*Rule, filters []*Filter) ([]*Rule, []error) {
	out := append([]*Rule(nil), rules...)
	var errs []error
	index := map[string][]int{}
	for i, r := range rules {
		for _, k := range []string{r.ID, r.Name, r.Title} {
			if k != "" && !containsInt(index[k], i) {
				index[k] = append(index[k], i)
			}
		}
	}
	for _, f := range filters {
		if len(f.Rules) == 0 {
			errs = append(errs, errAt(f.File, f.Line, "filter %q names no rules", f.Title))
			continue
		}
		cond, err := filterCondition(f)
		if err != nil {
			errs = append(errs, errAt(f.File, f.Detection.ConditionLine, "filter %q: %v", f.Title, err))
			continue
		}
		for _, ref := range f.Rules {
			targets, ok := index[ref]
			if !ok {
				errs = append(errs, errAt(f.File, f.Line, "filter %q names unknown rule %q", f.Title, ref))
				continue
			}
			for _, i := range targets {
				if !logsourceAgrees(f.Logsource, out[i].Logsource) {
					errs = append(errs, errAt(f.File, f.Line, "filter %q: logsource does not match rule %q", f.Title, ref))
					continue
				}
				r, err := withFilter(out[i], f, cond)
				if err != nil {
					errs = append(errs, errAt(f.File, f.Line, "filter %q on rule %q: %v", f.Title, ref, err))
					continue
				}
				out[i] = r
			}
		}
	}
	return out, errs
}

// filterCondition parses a filter's conditions (or-ed together).
func filterCondition(f *Filter) ([]*condNode, error) {
	if len(f.Detection.Conditions) == 0 {
		return nil, fmt.Errorf("missing condition")
	}
	if len(f.Detection.Selections) == 0 {
		return nil, fmt.Errorf("no selections")
	}
	var out []*condNode
	for _, c := range f.Detection.Conditions {
		n, err := parseCondition(c)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// withFilter returns a copy of r with filter f (parsed conditions cond) added.
func withFilter(r *Rule, f *Filter, cond []*condNode) (*Rule, error) {
	prefix := ""
	for n := 1; ; n++ {
		prefix = "_vf" + strconv.Itoa(n) + "_"
		if !anySelectionHasPrefix(r.Detection.Selections, prefix) {
			break
		}
	}
	var newNames []string
	for _, s := range f.Detection.Selections {
		newNames = append(newNames, prefix+s.Name)
	}
	// The rule's own "x of pattern" must not start counting the new selections.
	for _, c := range r.Detection.Conditions {
		n, err := parseCondition(c)
		if err != nil {
			return nil, fmt.Errorf("rule condition: %v", err)
		}
		if p := patternHitting(n, newNames); p != "" {
			return nil, fmt.Errorf("rule condition pattern %q would match the filter's selections", p)
		}
	}
	var parts []string
	for _, n := range cond {
		parts = append(parts, renderCondition(n, prefix))
	}
	fc := strings.Join(parts, " or ")
	c := *r
	c.Detection.Selections = append([]*Selection(nil), r.Detection.Selections...)
	for i, s := range f.Detection.Selections {
		cp := *s
		cp.Name = newNames[i]
		c.Detection.Selections = append(c.Detection.Selections, &cp)
	}
	c.Detection.Conditions = make([]string, len(r.Detection.Conditions))
	for i, rc := range r.Detection.Conditions {
		c.Detection.Conditions[i] = "(" + rc + ") and not (" + fc + ")"
	}
	return &c, nil
}

// renderCondition writes n back as condition text, renaming identifiers and
// patterns with prefix; "them" becomes the prefix pattern (without the
// filter's own underscore-named selections, as "them" excludes them).
func renderCondition(n *condNode, prefix string) string {
	switch n.kind {
	case condIdent:
		return prefix + n.name
	case condNot:
		return "not (" + renderCondition(n.kids[0], prefix) + ")"
	case condAnd, condOr:
		op := " and "
		if n.kind == condOr {
			op = " or "
		}
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			parts[i] = "(" + renderCondition(k, prefix) + ")"
		}
		return strings.Join(parts, op)
	}
	q := "all"
	if n.atLeast > 0 {
		q = strconv.Itoa(n.atLeast)
	}
	pat := prefix + n.name
	if n.name == "" {
		pat = prefix + "[^_]*"
	}
	return q + " of " + pat
}

// patternHitting returns the first "of" pattern in n matching one of names.
func patternHitting(n *condNode, names []string) string {
	if n.kind == condOf && n.name != "" {
		for _, s := range names {
			if ok, _ := path.Match(n.name, s); ok {
				return n.name
			}
		}
	}
	for _, k := range n.kids {
		if p := patternHitting(k, names); p != "" {
			return p
		}
	}
	return ""
}

func logsourceAgrees(f, r Logsource) bool {
	eq := func(a, b string) bool { return a == "" || strings.EqualFold(a, b) }
	return eq(f.Product, r.Product) && eq(f.Category, r.Category) &&
		eq(f.Service, r.Service)
}

func anySelectionHasPrefix(sels []*Selection, prefix string) bool {
	for _, s := range sels {
		if strings.HasPrefix(s.Name, prefix) {
			return true
		}
	}
	return false
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
