package sigma

import (
	"fmt"
	"strconv"
	"strings"
)

// maxConditionDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxConditionDepth = 64

type condKind uint8

const (
	condIdent condKind = iota // a search identifier
	condAnd
	condOr
	condNot
	condOf // "N of pattern" / "all of pattern" / "... of them"
)

// condNode is the parsed form of a condition, before identifiers are resolved.
type condNode struct {
	kind    condKind
	kids    []*condNode
	name    string // identifier, or pattern for condOf ("" means them)
	atLeast int    // condOf: at least this many; 0 means all
}

// parseCondition parses a Sigma condition with the specification's
// precedence: not binds tighter than and, which binds tighter than or.
func parseCondition(s string) (*condNode, error) {
	toks, err := lexCondition(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty condition")
	}
	p := &condParser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q at token %d", p.toks[p.pos], p.pos+1)
	}
	return n, nil
}

func lexCondition(s string) ([]string, error) {
	var toks []string
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, s[i:i+1])
			i++
		case c == '|':
			return nil, fmt.Errorf("aggregation expressions ('|') are not supported; use correlation rules")
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()|", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

type condParser struct {
	toks []string
	pos  int
}

func (p *condParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *condParser) isWord(w string) bool { return strings.EqualFold(p.peek(), w) }

func (p *condParser) or(depth int) (*condNode, error) {
	if depth > maxConditionDepth {
		return nil, fmt.Errorf("condition nested more than %d levels", maxConditionDepth)
	}
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.pos++
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		left = join(condOr, left, right)
	}
	return left, nil
}

func (p *condParser) and(depth int) (*condNode, error) {
	left, err := p.not(depth)
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.pos++
		right, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		left = join(condAnd, left, right)
	}
	return left, nil
}

// join builds a flat n-ary node of kind k.
func join(k condKind, l, r *condNode) *condNode {
	if l.kind == k {
		l.kids = append(l.kids, r)
		return l
	}
	return &condNode{kind: k, kids: []*condNode{l, r}}
}

func (p *condParser) not(depth int) (*condNode, error) {
	if p.isWord("not") {
		p.pos++
		if depth > maxConditionDepth {
			return nil, fmt.Errorf("condition nested more than %d levels", maxConditionDepth)
		}
		inner, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return &condNode{kind: condNot, kids: []*condNode{inner}}, nil
	}
	return p.primary(depth)
}

func (p *condParser) primary(depth int) (*condNode, error) {
	t := p.peek()
	switch {
	case t == "":
		return nil, fmt.Errorf("unexpected end of condition")
	case t == "(":
		p.pos++
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing ')' at token %d", p.pos+1)
		}
		p.pos++
		return n, nil
	case t == ")":
		return nil, fmt.Errorf("unexpected ')' at token %d", p.pos+1)
	}
	low := strings.ToLower(t)
	switch low {
	case "and", "or", "of", "them":
		return nil, fmt.Errorf("unexpected %q at token %d", t, p.pos+1)
	}
	if p.pos+1 < len(p.toks) && strings.EqualFold(p.toks[p.pos+1], "of") {
		n := &condNode{kind: condOf}
		switch low {
		case "all":
		case "any":
			n.atLeast = 1
		default:
			k, err := strconv.Atoi(t)
			if err != nil || k < 1 {
				return nil, fmt.Errorf("bad quantifier %q before 'of' (want a number >= 1 or 'all')", t)
			}
			n.atLeast = k
		}
		p.pos += 2
		target := p.peek()
		if target == "" || target == "(" || target == ")" {
			return nil, fmt.Errorf("missing search identifier pattern after 'of'")
		}
		p.pos++
		if !strings.EqualFold(target, "them") {
			n.name = target
		}
		return n, nil
	}
	p.pos++
	return &condNode{kind: condIdent, name: t}, nil
}
