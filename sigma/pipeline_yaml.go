package sigma

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// ParsePipeline parses a processing pipeline written in YAML. file names the
// source in errors ("my-edr.yml:7: routes[0]: channels: expected a list").
// The format (docs/sigma-pipelines.md) is strict: unknown keys are errors.
//
//	name: my-edr             # required
//	base: windows            # optional: start from a built-in (windows | ecs)
//	channel_field: Channel   # optional: rule-side field routed by channel
//	event_id_field: EventID  # optional: rule-side field routed by event id
//	field_prefixes: [Event.EventData.]   # optional: replaces the base's
//	spaced_names: false      # optional: replaces the base's
//	field_map:               # rule field -> event field(s), first present wins
//	  Image: [process.executable, Image]
//	  User: user.name        # a single name may be written as a string
//	field_map_for:           # mappings for the rules of one logsource only
//	  - logsource: {product: windows, category: process_creation}
//	    field_map: {CommandLine: process.command_line}
//	routes:                  # logsource -> channels (and event ids)
//	  - logsource: {product: windows, category: process_creation}
//	    channels: [Microsoft-Windows-Sysmon/Operational]
//	    event_ids: [1]
//
// On top of a base, field_map entries replace the base's entries of the
// same rule field, field_map_for entries are tried before the base's, and
// routes are added to the base's.
func ParsePipeline(data []byte, file string) (*Pipeline, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, errAt(file, yamlErrLine(err), "%s", yamlErrMsg(err))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errAt(file, 0, "empty pipeline")
	}
	pp := &pipelineParser{file: file}
	p := pp.top(doc.Content[0])
	if pp.err != nil {
		return nil, pp.err
	}
	return p, nil
}

// pipelineParser keeps the first error of a parse.
type pipelineParser struct {
	file string
	err  *Error
}

func (pp *pipelineParser) fail(n *yaml.Node, format string, args ...any) {
	if pp.err == nil {
		pp.err = errAt(pp.file, n.Line, format, args...)
	}
}

// keys checks that mapping m has only the allowed keys; ctx prefixes errors.
func (pp *pipelineParser) keys(m *yaml.Node, ctx string, allowed ...string) bool {
	if m.Kind != yaml.MappingNode {
		pp.fail(m, "%sexpected a mapping", ctx)
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		ok := false
		for _, a := range allowed {
			ok = ok || k.Value == a
		}
		if !ok {
			pp.fail(k, "%sunknown key %q (allowed: %s)", ctx, k.Value, strings.Join(allowed, ", "))
			return false
		}
		if seen[k.Value] {
			pp.fail(k, "%sduplicate key %q", ctx, k.Value)
			return false
		}
		seen[k.Value] = true
	}
	return true
}

func (pp *pipelineParser) top(m *yaml.Node) *Pipeline {
	if !pp.keys(m, "", "name", "base", "channel_field", "event_id_field", "field_prefixes",
		"spaced_names", "field_map", "field_map_for", "routes") {
		return nil
	}
	p := &Pipeline{}
	if b := mapGet(m, "base"); b != nil {
		name := pp.scalar(b, "base: ")
		if p = BuiltinPipeline(strings.ToLower(name)); p == nil {
			pp.fail(b, "base: unknown built-in pipeline %q (windows, ecs)", name)
			return nil
		}
	}
	if n := mapGet(m, "name"); n != nil {
		p.Name = pp.scalar(n, "name: ")
	}
	if p.Name == "" || mapGet(m, "name") == nil {
		pp.fail(m, "name: missing")
		return nil
	}
	if n := mapGet(m, "channel_field"); n != nil {
		p.ChannelField = pp.scalar(n, "channel_field: ")
	}
	if n := mapGet(m, "event_id_field"); n != nil {
		p.EventIDField = pp.scalar(n, "event_id_field: ")
	}
	if n := mapGet(m, "field_prefixes"); n != nil {
		p.FieldPrefixes = pp.list(n, "field_prefixes: ", true)
	}
	if n := mapGet(m, "spaced_names"); n != nil {
		if err := n.Decode(&p.SpacedNames); err != nil || n.Kind != yaml.ScalarNode {
			pp.fail(n, "spaced_names: expected true or false")
		}
	}
	if n := mapGet(m, "field_map"); n != nil {
		fm := pp.fieldMap(n, "field_map: ")
		merged := make(map[string][]string, len(p.FieldMap)+len(fm))
		for k, v := range p.FieldMap {
			merged[k] = v
		}
		for k, v := range fm {
			merged[k] = v
		}
		p.FieldMap = merged
	}
	if n := mapGet(m, "field_map_for"); n != nil {
		p.FieldMapFor = append(pp.fieldMapFor(n), p.FieldMapFor...)
	}
	if n := mapGet(m, "routes"); n != nil {
		p.Routes = append(append([]Route(nil), p.Routes...), pp.routes(n)...)
	}
	return p
}

// scalar returns a non-empty scalar's value.
func (pp *pipelineParser) scalar(n *yaml.Node, ctx string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Value == "" {
		pp.fail(n, "%sexpected a non-empty string", ctx)
		return ""
	}
	return n.Value
}

// list returns a list of non-empty scalars; a single scalar is accepted as
// a list of one when one is true.
func (pp *pipelineParser) list(n *yaml.Node, ctx string, one bool) []string {
	if n.Kind == yaml.ScalarNode && one {
		return []string{pp.scalar(n, ctx)}
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		pp.fail(n, "%sexpected a non-empty list", ctx)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, pp.scalar(c, ctx))
	}
	return out
}

func (pp *pipelineParser) fieldMap(n *yaml.Node, ctx string) map[string][]string {
	if n.Kind != yaml.MappingNode {
		pp.fail(n, "%sexpected a mapping of rule field to event field(s)", ctx)
		return nil
	}
	fm := map[string][]string{}
	forEachPair(n, func(k, v *yaml.Node) {
		name := pp.scalar(k, ctx)
		if _, dup := fm[name]; dup {
			pp.fail(k, "%sduplicate field %q", ctx, name)
		}
		fm[name] = pp.list(v, fmt.Sprintf("%s%s: ", ctx, name), true)
	})
	return fm
}

func (pp *pipelineParser) fieldMapFor(n *yaml.Node) []LogsourceFieldMap {
	if n.Kind != yaml.SequenceNode {
		pp.fail(n, "field_map_for: expected a list")
		return nil
	}
	var out []LogsourceFieldMap
	for i, e := range n.Content {
		ctx := fmt.Sprintf("field_map_for[%d]: ", i)
		if !pp.keys(e, ctx, "logsource", "field_map") {
			return nil
		}
		ls, fm := mapGet(e, "logsource"), mapGet(e, "field_map")
		if ls == nil || fm == nil {
			pp.fail(e, "%slogsource and field_map are required", ctx)
			return nil
		}
		out = append(out, LogsourceFieldMap{Logsource: pp.logsource(ls, ctx), FieldMap: pp.fieldMap(fm, ctx+"field_map: ")})
	}
	return out
}

func (pp *pipelineParser) routes(n *yaml.Node) []Route {
	if n.Kind != yaml.SequenceNode {
		pp.fail(n, "routes: expected a list")
		return nil
	}
	var out []Route
	for i, e := range n.Content {
		ctx := fmt.Sprintf("routes[%d]: ", i)
		if !pp.keys(e, ctx, "logsource", "channels", "event_ids") {
			return nil
		}
		ls, ch := mapGet(e, "logsource"), mapGet(e, "channels")
		if ls == nil || ch == nil {
			pp.fail(e, "%slogsource and channels are required", ctx)
			return nil
		}
		r := Route{Logsource: pp.logsource(ls, ctx), Channels: pp.list(ch, ctx+"channels: ", true)}
		if ids := mapGet(e, "event_ids"); ids != nil {
			r.EventIDs = pp.list(ids, ctx+"event_ids: ", true)
		}
		out = append(out, r)
	}
	return out
}

func (pp *pipelineParser) logsource(n *yaml.Node, ctx string) Logsource {
	ctx += "logsource: "
	if !pp.keys(n, ctx, "product", "category", "service") {
		return Logsource{}
	}
	var ls Logsource
	forEachPair(n, func(k, v *yaml.Node) {
		s := pp.scalar(v, ctx+k.Value+": ")
		switch k.Value {
		case "product":
			ls.Product = s
		case "category":
			ls.Category = s
		case "service":
			ls.Service = s
		}
	})
	if ls == (Logsource{}) && pp.err == nil {
		pp.fail(n, "%sset at least one of product, category, service", ctx)
	}
	return ls
}

// yamlErrLine extracts the line of a yaml.v3 syntax error ("yaml: line 3:
// ..."), or 0.
func yamlErrLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	return line
}

// yamlErrMsg strips yaml.v3's "yaml: line N: " prefix.
func yamlErrMsg(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return msg
}
