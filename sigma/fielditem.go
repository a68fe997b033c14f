package sigma

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// fieldMatcher is a compiled FieldItem.
type fieldMatcher struct {
	field   int32 // field id (see fieldTable)
	keyword bool  // keyword search over all values
	exists  int8  // +1 must exist, -1 must not exist, 0 no existence test
	all     bool
	neq     bool
	vals    []valueMatcher
	// The any-of layout of an item without "all" (see anyof.go).
	anyOf bool
	strs  []strPattern
	other []valueMatcher
	found *foundIndex // items with many alternatives only
}

// match tests the field's values; with several (a repeated key) any value
// that satisfies the item makes it match.
func (f *fieldMatcher) match(s *scratch) bool {
	if f.keyword {
		return f.matchKeywords(s)
	}
	n := s.field(f.field)
	if f.exists != 0 {
		return (n >= 0) == (f.exists > 0)
	}
	if n < 0 {
		for i := range f.vals {
			if f.vals[i].kind == vkNull {
				return !f.neq
			}
		}
		return false
	}
	// A field the prefilter scanned, with one value, has its literals'
	// presence known already (see known.go).
	known := s.nodes[n].next < 0 && s.scanned[f.field] == s.gen
	for ; n >= 0; n = s.nodes[n].next {
		if f.matchOne(s, s.nodes[n].val, known) {
			return true
		}
	}
	return false
}

// matchOne tests value i of the scratch against the item's values; known
// says that the prefilter's literal hits describe this value.
func (f *fieldMatcher) matchOne(s *scratch, i int32, known bool) bool {
	if f.anyOf {
		return f.matchAny(s, i, known)
	}
	for j := range f.vals {
		vm := &f.vals[j]
		var hit bool
		if vm.kind == vkString {
			hit = vm.matchStr(s, i, known)
		} else {
			hit = vm.matchOther(s, i)
		}
		if f.neq {
			if hit {
				return false
			}
			continue
		}
		if hit != f.all {
			return !f.all
		}
	}
	return f.neq || f.all
}

func (f *fieldMatcher) matchKeywords(s *scratch) bool {
	for i := range f.vals {
		vm := &f.vals[i]
		s.kwVM = vm
		if hit := s.ev.Keywords(s.kwFn); hit != f.all {
			return !f.all
		}
	}
	return f.all
}

// mods is a parsed modifier chain.
type mods struct {
	op                   strOp // opEq, opPrefix, opSuffix, opContains
	all, cased, neq      bool
	windash, expand, ref bool
	re                   bool
	reFlags              string
	cidr                 bool
	cmp                  cmpOp
	hasCmp               bool
	part                 timePart
	exists               bool
	encodings            []string // utf16le/utf16be/utf16/base64/base64offset in order
}

func parseMods(list []string) (mods, error) {
	var m mods
	setOp := func(op strOp, name string) error {
		if m.op != opEq && m.op != op {
			return fmt.Errorf("modifier '%s' conflicts with an earlier contains/startswith/endswith", name)
		}
		m.op = op
		return nil
	}
	for _, name := range list {
		var err error
		switch name {
		case "contains":
			err = setOp(opContains, name)
		case "startswith":
			err = setOp(opPrefix, name)
		case "endswith":
			err = setOp(opSuffix, name)
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "neq":
			m.neq = true
		case "windash":
			m.windash = true
		case "expand":
			m.expand = true
		case "fieldref":
			m.ref = true
		case "re":
			m.re = true
		case "i", "m", "s":
			if !m.re {
				return m, fmt.Errorf("modifier '%s' is only valid after 're'", name)
			}
			m.reFlags += name
		case "cidr":
			m.cidr = true
		case "exists":
			m.exists = true
		case "lt", "lte", "gt", "gte":
			m.hasCmp = true
			m.cmp = map[string]cmpOp{"lt": cmpLT, "lte": cmpLTE, "gt": cmpGT, "gte": cmpGTE}[name]
		case "minute", "hour", "day", "week", "month", "year":
			m.part = map[string]timePart{"minute": tpMinute, "hour": tpHour, "day": tpDay,
				"week": tpWeek, "month": tpMonth, "year": tpYear}[name]
		case "wide":
			m.encodings = append(m.encodings, "utf16le")
		case "utf16le", "utf16be", "utf16", "base64", "base64offset":
			m.encodings = append(m.encodings, name)
		default:
			return m, fmt.Errorf("unknown modifier '%s'", name)
		}
		if err != nil {
			return m, err
		}
	}
	return m, nil
}

// compileValue builds the matcher for one rule value.
func (c *compiler) compileValue(m *mods, v Value) (valueMatcher, error) {
	if v.Null {
		return valueMatcher{kind: vkNull}, nil
	}
	variants := []string{v.S}
	if m.expand {
		var err error
		if variants, err = c.expand(v.S); err != nil {
			return valueMatcher{}, err
		}
	}
	switch {
	case m.ref:
		return valueMatcher{kind: vkFieldRef, ref: c.fieldID(v.S), refOp: m.op, cased: m.cased}, nil
	case m.re:
		re, err := regexp.Compile(reFlagPrefix(m.reFlags) + v.S)
		if err != nil {
			return valueMatcher{}, fmt.Errorf("regular expression %q: %v", v.S, err)
		}
		vm := valueMatcher{kind: vkRegex, re: re, reSc: newReScreen(reFlagPrefix(m.reFlags) + v.S)}
		if anchorRegexps {
			vm.anch = newLitAnchor(reFlagPrefix(m.reFlags)+v.S, re)
		}
		return vm, nil
	case m.cidr:
		p, err := netip.ParsePrefix(strings.TrimSpace(v.S))
		if err != nil {
			a, aerr := netip.ParseAddr(strings.TrimSpace(v.S))
			if aerr != nil {
				return valueMatcher{}, fmt.Errorf("cidr %q: %v", v.S, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		return valueMatcher{kind: vkCIDR, prefix: p.Masked()}, nil
	case m.part != 0 || m.hasCmp:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.S), 64)
		if err != nil {
			return valueMatcher{}, fmt.Errorf("numeric modifier: %q is not a number", v.S)
		}
		if m.part != 0 {
			return valueMatcher{kind: vkTime, part: m.part, cmp: m.cmp, num: f}, nil
		}
		return valueMatcher{kind: vkNumber, cmp: m.cmp, num: f}, nil
	}
	if m.windash {
		var out []string
		for _, s := range variants {
			w, err := windash(s)
			if err != nil {
				return valueMatcher{}, err
			}
			out = append(out, w...)
		}
		variants = out
	}
	encoded := false
	for _, enc := range m.encodings {
		var out []string
		for _, s := range variants {
			switch enc {
			case "utf16le":
				out = append(out, utf16LE(s))
			case "utf16be":
				out = append(out, utf16BE(s))
			case "utf16":
				out = append(out, "\xff\xfe"+utf16LE(s))
			case "base64":
				out = append(out, base64Plain(s))
				encoded = true
			case "base64offset":
				out = append(out, base64Offsets(s)...)
				encoded = true
			}
		}
		variants = out
	}
	vm := valueMatcher{kind: vkString, cased: m.cased || encoded}
	for _, s := range variants {
		var toks []globTok
		if encoded {
			toks = []globTok{{kind: globLit, s: s}}
		} else {
			toks = parseSigmaString(s)
		}
		switch m.op {
		case opContains:
			toks = append(append([]globTok{{kind: globStar}}, toks...), globTok{kind: globStar})
		case opPrefix:
			toks = append(toks, globTok{kind: globStar})
		case opSuffix:
			toks = append([]globTok{{kind: globStar}}, toks...)
		}
		vm.alts = append(vm.alts, newStrPattern(mergeStars(toks), vm.cased))
	}
	return vm, nil
}

// mergeStars collapses adjacent '*' tokens.
func mergeStars(toks []globTok) []globTok {
	out := toks[:0:0]
	for _, t := range toks {
		if t.kind == globStar && len(out) > 0 && out[len(out)-1].kind == globStar {
			continue
		}
		out = append(out, t)
	}
	return out
}

func reFlagPrefix(flags string) string {
	if flags == "" {
		return ""
	}
	return "(?" + flags + ")"
}

// cost ranks items for evaluation order within an AND group: existence
// tests, then plain string tests, then parsed comparisons, then regular
// expressions and keyword searches.
func (f *fieldMatcher) cost() int {
	if f.keyword {
		return 5
	}
	c := 0
	for i := range f.vals {
		c = max(c, f.vals[i].cost())
	}
	return c
}
