package sigma

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// knownModifiers are the value modifiers of Sigma v2.1 (plus the re
// sub-modifiers i, m, s and the alias wide).
var knownModifiers = map[string]bool{
	"contains": true, "startswith": true, "endswith": true, "all": true, "exists": true,
	"cased": true, "neq": true, "windash": true, "re": true, "i": true, "m": true, "s": true,
	"base64": true, "base64offset": true, "utf16le": true, "wide": true, "utf16be": true,
	"utf16": true, "lt": true, "lte": true, "gt": true, "gte": true, "minute": true,
	"hour": true, "day": true, "week": true, "month": true, "year": true, "cidr": true,
	"expand": true, "fieldref": true,
}

// detection parses a detection (or filter) section; at is the node errors
// about the section as a whole point at (its key).
func (p *parser) detection(n, at *yaml.Node) Detection {
	var d Detection
	if n.Kind != yaml.MappingNode {
		p.fail(n, "detection: expected a mapping")
		return d
	}
	forEachPair(n, func(k, v *yaml.Node) {
		switch k.Value {
		case "condition":
			d.ConditionLine = v.Line
			switch v.Kind {
			case yaml.ScalarNode:
				d.Conditions = []string{v.Value}
			case yaml.SequenceNode:
				for _, c := range v.Content {
					if c.Kind != yaml.ScalarNode {
						p.fail(c, "condition: expected a string")
						return
					}
					d.Conditions = append(d.Conditions, c.Value)
				}
			default:
				p.fail(v, "condition: expected a string or a list of strings")
			}
		case "timeframe":
			d.Timeframe = v.Value
		default:
			if d.Selection(k.Value) != nil {
				p.fail(k, "duplicate search identifier %q", k.Value)
				return
			}
			d.Selections = append(d.Selections, p.selection(k, v))
		}
	})
	if len(d.Conditions) == 0 {
		p.fail(at, "detection: missing condition")
	}
	return d
}

func (p *parser) selection(k, v *yaml.Node) *Selection {
	s := &Selection{Name: k.Value, Line: k.Line}
	switch v.Kind {
	case yaml.MappingNode:
		group := p.fieldGroup(v)
		// A map whose only keys are "|modifiers" is a keyword search with modifiers.
		if len(group) == 1 && group[0].Field == "" {
			s.Keywords = group[0]
			return s
		}
		s.Groups = [][]*FieldItem{group}
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			p.fail(v, "search identifier %q: empty list", k.Value)
			return s
		}
		if v.Content[0].Kind == yaml.ScalarNode {
			kw := &FieldItem{Line: v.Line}
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					p.fail(c, "search identifier %q: list mixes keywords and maps", k.Value)
					return s
				}
				kw.Values = append(kw.Values, p.value(c))
			}
			s.Keywords = kw
			return s
		}
		for _, c := range v.Content {
			if c.Kind != yaml.MappingNode {
				p.fail(c, "search identifier %q: list mixes keywords and maps", k.Value)
				return s
			}
			s.Groups = append(s.Groups, p.fieldGroup(c))
		}
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			p.fail(v, "search identifier %q: empty", k.Value)
			return s
		}
		s.Keywords = &FieldItem{Line: v.Line, Values: []Value{p.value(v)}}
	default:
		p.fail(v, "search identifier %q: unsupported YAML node", k.Value)
	}
	return s
}

func (p *parser) fieldGroup(m *yaml.Node) []*FieldItem {
	var items []*FieldItem
	forEachPair(m, func(k, v *yaml.Node) {
		if k.Kind != yaml.ScalarNode {
			p.fail(k, "field name: expected a scalar")
			return
		}
		parts := strings.Split(k.Value, "|")
		it := &FieldItem{Field: parts[0], Line: k.Line}
		for _, mod := range parts[1:] {
			if !knownModifiers[mod] {
				p.fail(k, "unknown modifier '%s'", mod)
				return
			}
			it.Modifiers = append(it.Modifiers, mod)
		}
		switch v.Kind {
		case yaml.ScalarNode:
			it.Values = []Value{p.value(v)}
		case yaml.SequenceNode:
			if len(v.Content) == 0 {
				p.fail(v, "field %q: empty value list", k.Value)
				return
			}
			for _, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					p.fail(c, "field %q: values must be scalars", k.Value)
					return
				}
				it.Values = append(it.Values, p.value(c))
			}
		default:
			p.fail(v, "field %q: values must be a scalar or a list of scalars", k.Value)
			return
		}
		items = append(items, it)
	})
	return items
}

func (p *parser) value(n *yaml.Node) Value {
	if n.Tag == "!!null" {
		return Value{Null: true, Line: n.Line}
	}
	return Value{S: n.Value, Line: n.Line}
}
