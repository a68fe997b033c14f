package sigma

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Config controls compilation.
type Config struct {
	// Pipeline maps rule field names and logsources onto events. Nil means
	// no mapping: field names are used as written and every rule is routed
	// only by the LogsourceEvent interface.
	Pipeline *Pipeline
	// Placeholders resolves %name% placeholders in values with the expand
	// modifier. A placeholder that is not here makes the rule fail to compile.
	Placeholders map[string][]string
}

type compiler struct {
	cfg Config
	ft  *fieldTable
	ls  *Logsource // logsource of the rule being compiled, nil between rules
}

// selMatcher is a compiled Selection: keyword search, or OR of AND groups.
type selMatcher struct {
	keywords *fieldMatcher
	groups   [][]*fieldMatcher
}

func (m *selMatcher) match(s *scratch) bool {
	if m.keywords != nil {
		return m.keywords.match(s)
	}
	for _, g := range m.groups {
		ok := true
		for _, f := range g {
			if !f.match(s) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// evalNode is a condition with identifiers resolved to selection indexes.
type evalNode struct {
	kind    condKind
	sel     int
	atLeast int // condOf: 0 means all
	kids    []*evalNode
}

func (n *evalNode) eval(sels []selMatcher, s *scratch) bool {
	switch n.kind {
	case condIdent:
		return sels[n.sel].match(s)
	case condNot:
		return !n.kids[0].eval(sels, s)
	case condAnd:
		for _, k := range n.kids {
			if !k.eval(sels, s) {
				return false
			}
		}
		return true
	case condOr:
		for _, k := range n.kids {
			if k.eval(sels, s) {
				return true
			}
		}
		return false
	}
	// condOf
	need := n.atLeast
	if need == 0 {
		need = len(n.kids)
	}
	hits := 0
	for i, k := range n.kids {
		if k.eval(sels, s) {
			if hits++; hits >= need {
				return true
			}
		} else if len(n.kids)-i-1 < need-hits {
			return false
		}
	}
	return hits >= need
}

// compiledRule is one rule ready to evaluate.
type compiledRule struct {
	rule  *Rule
	index int32 // position in the Ruleset (load order)
	sels  []selMatcher
	conds []*evalNode // any of them
}

func (r *compiledRule) match(s *scratch) bool {
	for _, c := range r.conds {
		if c.eval(r.sels, s) {
			return true
		}
	}
	return false
}

// CompileRule compiles one rule; the error is an *Error naming the rule's
// file and the line of the offending item.
func CompileRule(r *Rule, cfg Config) (err error) {
	_, err = (&compiler{cfg: cfg, ft: newFieldTable()}).rule(r)
	return err
}

func (c *compiler) rule(r *Rule) (*compiledRule, error) {
	cr := &compiledRule{rule: r}
	c.ls = &r.Logsource
	defer func() { c.ls = nil }()
	index := map[string]int{}
	for _, s := range r.Detection.Selections {
		sm, err := c.selection(s)
		if err != nil {
			return nil, errAt(r.File, err.line, "%s", err.msg)
		}
		index[s.Name] = len(cr.sels)
		cr.sels = append(cr.sels, sm)
	}
	if len(r.Detection.Conditions) == 0 {
		return nil, errAt(r.File, r.Line, "detection: missing condition")
	}
	for _, cs := range r.Detection.Conditions {
		n, err := parseCondition(cs)
		if err == nil {
			var en *evalNode
			if en, err = resolve(n, r.Detection.Selections, index); err == nil {
				cr.conds = append(cr.conds, en)
				continue
			}
		}
		return nil, errAt(r.File, r.Detection.ConditionLine, "condition: %v", err)
	}
	return cr, nil
}

type lineErr struct {
	line int
	msg  string
}

func (c *compiler) selection(s *Selection) (selMatcher, *lineErr) {
	var sm selMatcher
	if s.Keywords != nil {
		f, err := c.fieldItem(s.Keywords)
		if err != nil {
			return sm, &lineErr{s.Keywords.Line, fmt.Sprintf("%s: %v", s.Name, err)}
		}
		sm.keywords = f
		return sm, nil
	}
	for _, g := range s.Groups {
		var group []*fieldMatcher
		for _, it := range g {
			f, err := c.fieldItem(it)
			if err != nil {
				return sm, &lineErr{it.Line, fmt.Sprintf("%s: field %q: %v", s.Name, it.Field, err)}
			}
			group = append(group, f)
		}
		// AND is order-free: test cheap items first.
		sort.SliceStable(group, func(i, j int) bool { return group[i].cost() < group[j].cost() })
		sm.groups = append(sm.groups, group)
	}
	return sm, nil
}

func (c *compiler) fieldItem(it *FieldItem) (*fieldMatcher, error) {
	m, err := parseMods(it.Modifiers)
	if err != nil {
		return nil, err
	}
	f := &fieldMatcher{all: m.all, neq: m.neq, keyword: it.Field == ""}
	if !f.keyword {
		f.field = c.fieldID(it.Field)
	} else if m.op == opEq && !m.re && !m.cidr && !m.hasCmp && m.part == 0 {
		m.op = opContains // keywords are searched anywhere in a value
	}
	if m.exists {
		if len(it.Values) != 1 || (it.Values[0].S != "true" && it.Values[0].S != "false") {
			return nil, fmt.Errorf("exists takes a single true or false")
		}
		f.exists = -1
		if it.Values[0].S == "true" {
			f.exists = 1
		}
		return f, nil
	}
	for _, v := range it.Values {
		vm, err := c.compileValue(&m, v)
		if err != nil {
			return nil, err
		}
		if f.keyword {
			vm.setFold()
		}
		f.vals = append(f.vals, vm)
	}
	if anyOfLayout {
		f.layoutAnyOf()
	}
	return f, nil
}

// fieldNames returns the event field names a rule field name is looked up under.
func (c *compiler) fieldNames(name string) []string {
	if c.cfg.Pipeline == nil {
		return []string{name}
	}
	return c.cfg.Pipeline.fieldNames(name)
}

// fieldID interns a rule field name. A name that a logsource-specific
// mapping of the pipeline (Pipeline.FieldMapFor) maps for the rule being
// compiled is interned under its own key, since it reads other event fields
// than the same name in other rules.
func (c *compiler) fieldID(name string) int32 {
	if p := c.cfg.Pipeline; p != nil && c.ls != nil {
		if i := p.mapFor(name, *c.ls); i >= 0 {
			key := name + "\x00" + strconv.Itoa(i)
			return c.ft.id(key, func(string) []string { return p.FieldNames(name, *c.ls) })
		}
	}
	return c.ft.id(name, c.fieldNames)
}

// expand resolves %placeholder% references in s into every combination of
// the configured values.
func (c *compiler) expand(s string) ([]string, error) {
	out := []string{""}
	for s != "" {
		i := strings.IndexByte(s, '%')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i+1:], '%')
		}
		if i < 0 || j < 0 {
			for k := range out {
				out[k] += s
			}
			break
		}
		name := s[i+1 : i+1+j]
		vals, ok := c.cfg.Placeholders[name]
		if !ok {
			return nil, fmt.Errorf("placeholder %%%s%% is not defined in the placeholder configuration", name)
		}
		if len(out)*len(vals) > maxVariants {
			return nil, fmt.Errorf("placeholder %%%s%%: more than %d variants", name, maxVariants)
		}
		next := make([]string, 0, len(out)*len(vals))
		for _, o := range out {
			for _, v := range vals {
				next = append(next, o+s[:i]+v)
			}
		}
		out, s = next, s[i+2+j:]
	}
	return out, nil
}

// resolve binds identifiers and "of" patterns to selection indexes.
func resolve(n *condNode, sels []*Selection, index map[string]int) (*evalNode, error) {
	switch n.kind {
	case condIdent:
		i, ok := index[n.name]
		if !ok {
			return nil, fmt.Errorf("unknown search identifier %q", n.name)
		}
		return &evalNode{kind: condIdent, sel: i}, nil
	case condOf:
		out := &evalNode{kind: condOf, atLeast: n.atLeast}
		for _, s := range sels {
			var hit bool
			if n.name == "" {
				hit = !strings.HasPrefix(s.Name, "_")
			} else {
				hit, _ = path.Match(n.name, s.Name)
			}
			if hit {
				out.kids = append(out.kids, &evalNode{kind: condIdent, sel: index[s.Name]})
			}
		}
		if len(out.kids) == 0 {
			what := "them"
			if n.name != "" {
				what = n.name
			}
			return nil, fmt.Errorf("%q matches no search identifier", what)
		}
		return out, nil
	}
	out := &evalNode{kind: n.kind}
	for _, k := range n.kids {
		e, err := resolve(k, sels, index)
		if err != nil {
			return nil, err
		}
		out.kids = append(out.kids, e)
	}
	return out, nil
}
