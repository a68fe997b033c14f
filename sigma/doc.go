// Package sigma parses, compiles and evaluates Sigma detection rules
// (Sigma specification v2.1, https://github.com/SigmaHQ/sigma-specification).
//
// The package is self-contained: it depends only on the standard library and
// gopkg.in/yaml.v3, so other projects can import it. Events are seen through
// the small Event interface; callers adapt their own event type to it, or
// hand raw JSON lines to JSONEvent, which reads them in one pass.
//
// The life of a rule set:
//
//	docs, err := sigma.Parse(data, "rule.yml")       // YAML -> Rule / Correlation / Filter
//	rs, errs := sigma.Compile(docs.Rules, sigma.Config{Pipeline: sigma.WindowsPipeline()})
//	rs.Match(ev, func(r *sigma.Rule) { ... })          // evaluate one event
//
// Everything that can be done once is done at compile time: values are
// lower-cased, wildcards are reduced to equality/prefix/suffix/substring tests
// where possible, regular expressions are compiled, encodings (base64,
// base64offset, utf16, windash) are expanded into literal alternatives, and
// rules are indexed by the (Channel, EventID) pairs their logsource maps to, so
// an event is only tested against the rules that can apply to it.
//
// Parse errors carry the file name and line ("rule.yml:12: unknown modifier
// 'contians'"); a rule that cannot be compiled is reported and skipped without
// affecting the others.
package sigma
