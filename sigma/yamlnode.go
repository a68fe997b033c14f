package sigma

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// mapGet returns the value node of key in mapping m, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapKey returns the key node of key in mapping m, or nil.
func mapKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// forEachPair calls fn for each key/value pair of mapping m (nothing if m is
// not a mapping).
func forEachPair(m *yaml.Node, fn func(k, v *yaml.Node)) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		fn(m.Content[i], m.Content[i+1])
	}
}

// scalarOf returns n's value if it is a scalar, else "".
func scalarOf(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// mapWithout returns a shallow copy of mapping m without key.
func mapWithout(m *yaml.Node, key string) *yaml.Node {
	out := *m
	out.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			out.Content = append(out.Content, m.Content[i], m.Content[i+1])
		}
	}
	return &out
}

// mergeMaps returns base overlaid with over: keys of over win, nested
// mappings are merged recursively. Neither input is modified.
func mergeMaps(base, over *yaml.Node) *yaml.Node {
	out := *base
	out.Content = append([]*yaml.Node(nil), base.Content...)
	out.Line = over.Line
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], over.Content[i+1]
		replaced := false
		for j := 0; j+1 < len(out.Content); j += 2 {
			if out.Content[j].Value != k.Value {
				continue
			}
			if out.Content[j+1].Kind == yaml.MappingNode && v.Kind == yaml.MappingNode {
				out.Content[j+1] = mergeMaps(out.Content[j+1], v)
			} else {
				out.Content[j+1] = v
			}
			replaced = true
			break
		}
		if !replaced {
			out.Content = append(out.Content, k, v)
		}
	}
	return &out
}

func parsePlaceholderYAML(data []byte, file string) (map[string][]string, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, errAt(file, 0, "yaml: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, errAt(file, m.Line, "placeholder configuration: expected a mapping")
	}
	out := map[string][]string{}
	var err error
	forEachPair(m, func(k, v *yaml.Node) {
		p := &parser{file: file}
		vals := p.list(m, k.Value)
		if p.err != nil && err == nil {
			err = p.err
		}
		out[k.Value] = vals
	})
	return out, err
}
