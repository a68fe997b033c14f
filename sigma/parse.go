package sigma

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest rule file Parse accepts.
const MaxFileSize = 4 << 20

// Parse reads one Sigma YAML file, which may hold several documents
// (detection rules, correlation rules, filters; "action: global/reset/repeat"
// collections are merged as the Sigma v1 specification describes). file is
// used in error messages only. A document that fails to parse is reported in
// the returned error (errors.Join of *Error values) and the other documents
// are still returned.
func Parse(data []byte, file string) (*Documents, error) {
	docs := &Documents{}
	if len(data) > MaxFileSize {
		return docs, errAt(file, 0, "file larger than %d bytes", MaxFileSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var errs []error
	var global, previous *yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, errAt(file, 0, "yaml: %s", strings.TrimPrefix(err.Error(), "yaml: ")))
			break // the decoder cannot resynchronise after a syntax error
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			errs = append(errs, errAt(file, root.Line, "document is not a mapping"))
			continue
		}
		switch action := scalarOf(mapGet(root, "action")); action {
		case "global":
			global = mapWithout(root, "action")
			continue
		case "reset":
			global = nil
			continue
		case "repeat":
			if previous == nil {
				errs = append(errs, errAt(file, root.Line, "action: repeat without a previous document"))
				continue
			}
			root = mergeMaps(previous, mapWithout(root, "action"))
		case "":
			if global != nil {
				root = mergeMaps(global, root)
			}
		default:
			errs = append(errs, errAt(file, root.Line, "unknown action %q", action))
			continue
		}
		previous = root
		if err := parseDocument(root, file, docs); err != nil {
			errs = append(errs, err)
		}
	}
	return docs, errors.Join(errs...)
}

func parseDocument(root *yaml.Node, file string, docs *Documents) error {
	p := &parser{file: file}
	switch {
	case mapGet(root, "correlation") != nil:
		c := p.correlation(root)
		if p.err != nil {
			return p.err
		}
		docs.Correlations = append(docs.Correlations, c)
	case mapGet(root, "filter") != nil:
		f := p.filter(root)
		if p.err != nil {
			return p.err
		}
		docs.Filters = append(docs.Filters, f)
	default:
		r := p.rule(root)
		if p.err != nil {
			return p.err
		}
		docs.Rules = append(docs.Rules, r)
	}
	return nil
}

// parser keeps the first error; later calls become no-ops in effect.
type parser struct {
	file string
	err  *Error
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	if p.err == nil {
		line := 0
		if n != nil {
			line = n.Line
		}
		p.err = errAt(p.file, line, format, args...)
	}
}

// str returns the scalar value of key, or "" (reporting a non-scalar).
func (p *parser) str(m *yaml.Node, key string) string {
	n := mapGet(m, key)
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, "%s: expected a scalar", key)
		return ""
	}
	return n.Value
}

// list returns key as a list of strings; a scalar is a list of one.
func (p *parser) list(m *yaml.Node, key string) []string {
	n := mapGet(m, key)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		return []string{n.Value}
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				p.fail(c, "%s: expected a list of scalars", key)
				return nil
			}
			out = append(out, c.Value)
		}
		return out
	}
	p.fail(n, "%s: expected a scalar or a list", key)
	return nil
}

func (p *parser) logsource(m *yaml.Node) Logsource {
	n := mapGet(m, "logsource")
	if n == nil {
		return Logsource{}
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "logsource: expected a mapping")
		return Logsource{}
	}
	return Logsource{
		Product:    p.str(n, "product"),
		Category:   p.str(n, "category"),
		Service:    p.str(n, "service"),
		Definition: p.str(n, "definition"),
	}
}

func (p *parser) rule(m *yaml.Node) *Rule {
	r := &Rule{
		Title: p.str(m, "title"), ID: p.str(m, "id"), Name: p.str(m, "name"),
		Status: p.str(m, "status"), Description: p.str(m, "description"),
		Author: p.str(m, "author"), Date: p.str(m, "date"), Modified: p.str(m, "modified"),
		Level: p.str(m, "level"), Tags: p.list(m, "tags"), References: p.list(m, "references"),
		FalsePositives: p.list(m, "falsepositives"), Fields: p.list(m, "fields"),
		Logsource: p.logsource(m), File: p.file, Line: m.Line,
	}
	det := mapGet(m, "detection")
	if det == nil {
		p.fail(m, "missing detection")
		return r
	}
	r.Detection = p.detection(det, mapKey(m, "detection"))
	return r
}

func (p *parser) filter(m *yaml.Node) *Filter {
	f := &Filter{
		Title: p.str(m, "title"), ID: p.str(m, "id"), Name: p.str(m, "name"),
		Description: p.str(m, "description"), Logsource: p.logsource(m),
		File: p.file, Line: m.Line,
	}
	fn := mapGet(m, "filter")
	if fn.Kind != yaml.MappingNode {
		p.fail(fn, "filter: expected a mapping")
		return f
	}
	f.Rules = p.list(fn, "rules")
	// The filter section holds the selections and condition itself.
	f.Detection = p.detection(mapWithout(fn, "rules"), mapKey(m, "filter"))
	return f
}

func (p *parser) correlation(m *yaml.Node) *Correlation {
	c := &Correlation{
		Title: p.str(m, "title"), ID: p.str(m, "id"), Name: p.str(m, "name"),
		Status: p.str(m, "status"), Description: p.str(m, "description"),
		Level: p.str(m, "level"), Tags: p.list(m, "tags"), File: p.file, Line: m.Line,
	}
	cn := mapGet(m, "correlation")
	if cn.Kind != yaml.MappingNode {
		p.fail(cn, "correlation: expected a mapping")
		return c
	}
	c.Type = p.str(cn, "type")
	switch c.Type {
	case "event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg", "value_percentile":
	default:
		p.fail(cn, "correlation: unknown type %q", c.Type)
	}
	c.Rules = p.list(cn, "rules")
	c.GroupBy = p.list(cn, "group-by")
	c.Timespan = p.str(cn, "timespan")
	if c.Timespan == "" {
		c.Timespan = p.str(cn, "timeframe")
	}
	c.Generate = p.str(cn, "generate") == "true"
	if cond := mapGet(cn, "condition"); cond != nil {
		c.Condition = map[string]string{}
		if cond.Kind != yaml.MappingNode {
			p.fail(cond, "correlation condition: expected a mapping")
		}
		forEachPair(cond, func(k, v *yaml.Node) {
			if v.Kind != yaml.ScalarNode {
				p.fail(v, "correlation condition %s: expected a scalar", k.Value)
				return
			}
			c.Condition[k.Value] = v.Value
		})
	}
	if al := mapGet(cn, "aliases"); al != nil {
		c.Aliases = map[string]map[string]string{}
		forEachPair(al, func(k, v *yaml.Node) {
			inner := map[string]string{}
			forEachPair(v, func(rk, rv *yaml.Node) { inner[rk.Value] = rv.Value })
			c.Aliases[k.Value] = inner
		})
	}
	return c
}
