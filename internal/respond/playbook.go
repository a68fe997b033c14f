package respond

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vigil-soc/vigil/internal/finding"
)

// Playbook is one parsed, validated playbook file.
type Playbook struct {
	Name        string
	Description string
	File        string
	DryRun      bool
	Trigger     Trigger
	Steps       []Step
}

// Trigger selects the subjects a playbook runs on. Empty lists match all.
type Trigger struct {
	On          string // "finding", "incident" or "any"
	Detectors   []string
	Rules       []string // path.Match globs over rule ids
	MinSeverity finding.Severity
	EntityKinds []string // the subject has an entity of one of these kinds
	Tags        []string // the subject has one of these tags
}

// Step is one step: exactly one of Condition, Approval or Action is set.
type Step struct {
	Name      string
	Line      int
	Condition *template.Template // renders "true" or "false"
	Approval  *ApprovalSpec      // an approval gate for the steps after it
	Action    string             // action kind, see actionKinds
	Connector string             // connector name in the actions file
	With      map[string]*template.Template
	Target    *template.Template // optional "kind:value" override
	Retries   int
	Backoff   time.Duration
	Timeout   time.Duration
	// RequireApproval gates this action step alone ("approval: required").
	RequireApproval bool
	// Force and NoApproval are what a playbook may ask for; the
	// patient-safety guard ignores both.
	Force, NoApproval bool
}

// ApprovalSpec is an approval gate.
type ApprovalSpec struct {
	Roles   []string
	Quorum  int
	Expires time.Duration
}

// Limits of a step, chosen so that one slow endpoint cannot hold the
// worker for long: at most 10 retries, backoff ≤ 10 min, timeout ≤ 5 min.
const (
	maxRetries     = 10
	maxBackoff     = 10 * time.Minute
	maxTimeout     = 5 * time.Minute
	defaultTimeout = 30 * time.Second
	defaultBackoff = 2 * time.Second
	defaultExpiry  = 4 * time.Hour
	maxExpiry      = 7 * 24 * time.Hour
	maxPlaybook    = 1 << 20
)

// PlaybookError is a validation error naming file, line and reason.
type PlaybookError struct {
	File   string
	Line   int
	Reason string
}

func (e *PlaybookError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// ParsePlaybook parses and validates one playbook file's content.
func ParsePlaybook(file string, data []byte) (*Playbook, error) {
	if len(data) > maxPlaybook {
		return nil, &PlaybookError{File: file, Line: 1, Reason: "file larger than 1 MiB"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &PlaybookError{File: file, Line: 1, Reason: "empty file"}
		}
		return nil, &PlaybookError{File: file, Line: yamlErrLine(err), Reason: err.Error()}
	}
	p := &parser{file: file}
	pb := p.playbook(&doc)
	if p.err != nil {
		return nil, p.err
	}
	return pb, nil
}

// yamlErrLine pulls "line N" out of a yaml.v3 error message (1 if absent).
func yamlErrLine(err error) int {
	var n int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &n)
	}
	return max(n, 1)
}

// parser walks the YAML node tree and keeps the first error.
type parser struct {
	file string
	err  *PlaybookError
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	if p.err == nil {
		p.err = &PlaybookError{File: p.file, Line: max(n.Line, 1), Reason: fmt.Sprintf(format, args...)}
	}
}

// fields checks that n is a mapping with only the allowed keys and returns
// key → value node.
func (p *parser) fields(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s: want a mapping", what)
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !contains(allowed, k.Value) {
			p.fail(k, "%s: unknown key %q (allowed: %s)", what, k.Value, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.fail(k, "%s: duplicate key %q", what, k.Value)
		}
		out[k.Value] = n.Content[i+1]
	}
	return out
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, "%s: want a string", what)
		return ""
	}
	return n.Value
}

func (p *parser) boolean(n *yaml.Node, what string) bool {
	if n == nil {
		return false
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		p.fail(n, "%s: want true or false", what)
	}
	return b
}

func (p *parser) integer(n *yaml.Node, what string, lo, hi int) int {
	if n == nil {
		return 0
	}
	var v int
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
		p.fail(n, "%s: want an integer", what)
		return 0
	}
	if v < lo || v > hi {
		p.fail(n, "%s: %d outside %d..%d", what, v, lo, hi)
	}
	return v
}

func (p *parser) duration(n *yaml.Node, what string, def, hi time.Duration) time.Duration {
	if n == nil {
		return def
	}
	d, err := time.ParseDuration(p.str(n, what))
	if err != nil || d <= 0 {
		p.fail(n, "%s: want a positive duration such as 30s or 4h", what)
		return def
	}
	if d > hi {
		p.fail(n, "%s: %s longer than the limit %s", what, d, hi)
	}
	return d
}

// list accepts a string or a sequence of strings.
func (p *parser) list(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "%s: want a string or a list of strings", what)
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if v := p.str(c, what); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (p *parser) tmpl(n *yaml.Node, what string) *template.Template {
	if n == nil {
		return nil
	}
	t, err := parseTemplate(what, p.str(n, what))
	if err != nil {
		p.fail(n, "%s: %v", what, err)
	}
	return t
}

func (p *parser) playbook(doc *yaml.Node) *Playbook {
	root := doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	f := p.fields(root, "playbook", "name", "description", "dry_run", "trigger", "steps")
	if f == nil {
		return nil
	}
	pb := &Playbook{File: p.file, Name: p.str(f["name"], "name"), Description: p.str(f["description"], "description"),
		DryRun: p.boolean(f["dry_run"], "dry_run")}
	if pb.Name == "" {
		p.fail(root, "playbook: name is required")
	} else if !validName(pb.Name) {
		p.fail(f["name"], "name %q: use letters, digits, '-', '_' and '.'", pb.Name)
	}
	if f["trigger"] == nil {
		p.fail(root, "playbook: trigger is required")
	} else {
		pb.Trigger = p.trigger(f["trigger"])
	}
	steps := f["steps"]
	if steps == nil || steps.Kind != yaml.SequenceNode || len(steps.Content) == 0 {
		p.fail(root, "playbook: steps must be a non-empty list")
		return pb
	}
	seen := map[string]bool{}
	for i, sn := range steps.Content {
		st := p.step(sn, i)
		if seen[st.Name] {
			p.fail(sn, "step %q: duplicate step name", st.Name)
		}
		seen[st.Name] = true
		pb.Steps = append(pb.Steps, st)
	}
	return pb
}

func (p *parser) trigger(n *yaml.Node) Trigger {
	f := p.fields(n, "trigger", "on", "detectors", "rules", "min_severity", "entity_kinds", "tags")
	if f == nil {
		return Trigger{}
	}
	t := Trigger{On: p.str(f["on"], "trigger.on"), Detectors: p.list(f["detectors"], "trigger.detectors"),
		Rules: p.list(f["rules"], "trigger.rules"), EntityKinds: p.list(f["entity_kinds"], "trigger.entity_kinds"),
		Tags: p.list(f["tags"], "trigger.tags")}
	switch t.On {
	case "finding", "incident", "any":
	case "":
		p.fail(n, "trigger.on is required: finding, incident or any")
	default:
		p.fail(f["on"], "trigger.on %q: want finding, incident or any", t.On)
	}
	for _, g := range t.Rules {
		if _, err := path.Match(g, ""); err != nil {
			p.fail(f["rules"], "trigger.rules: bad glob %q", g)
		}
	}
	for _, k := range t.EntityKinds {
		if !contains(entityKinds, k) {
			p.fail(f["entity_kinds"], "trigger.entity_kinds: unknown kind %q (known: %s)", k, strings.Join(entityKinds, ", "))
		}
	}
	if s := p.str(f["min_severity"], "trigger.min_severity"); s != "" {
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			p.fail(f["min_severity"], "trigger.min_severity: %v", err)
		}
		t.MinSeverity = sev
	}
	return t
}

func (p *parser) step(n *yaml.Node, i int) Step {
	f := p.fields(n, fmt.Sprintf("steps[%d]", i), "name", "condition", "approval", "action", "connector",
		"with", "target", "retries", "backoff", "timeout", "force")
	st := Step{Line: n.Line, Name: fmt.Sprintf("step-%d", i+1)}
	if f == nil {
		return st
	}
	if v := p.str(f["name"], "name"); v != "" {
		st.Name = v
	}
	what := fmt.Sprintf("step %q", st.Name)
	kinds := 0
	for _, k := range []string{"condition", "action"} {
		if f[k] != nil {
			kinds++
		}
	}
	appr := f["approval"]
	if appr != nil && appr.Kind == yaml.MappingNode {
		kinds++
	}
	if kinds != 1 {
		p.fail(n, "%s: needs exactly one of condition, approval (a mapping) or action", what)
		return st
	}
	switch {
	case f["condition"] != nil:
		st.Condition = p.tmpl(f["condition"], what+" condition")
	case appr != nil && appr.Kind == yaml.MappingNode:
		st.Approval = p.approval(appr, what)
	default:
		p.actionStep(&st, f, what)
	}
	return st
}

func (p *parser) actionStep(st *Step, f map[string]*yaml.Node, what string) {
	st.Action = p.str(f["action"], what+" action")
	spec, ok := actionKinds[st.Action]
	if !ok {
		p.fail(f["action"], "%s: unknown action %q (known: %s)", what, st.Action, strings.Join(ActionKinds(), ", "))
		return
	}
	st.Connector = p.str(f["connector"], what+" connector")
	if st.Connector == "" {
		st.Connector = spec.connector
	}
	st.With = map[string]*template.Template{}
	if w := f["with"]; w != nil {
		if w.Kind != yaml.MappingNode {
			p.fail(w, "%s with: want a mapping of input: template", what)
		}
		for i := 0; i+1 < len(w.Content); i += 2 {
			k := w.Content[i].Value
			st.With[k] = p.tmpl(w.Content[i+1], what+" with."+k)
		}
	}
	for _, req := range spec.required {
		if st.With[req] == nil {
			p.fail(f["action"], "%s: action %s needs input %q under with:", what, st.Action, req)
		}
	}
	st.Target = p.tmpl(f["target"], what+" target")
	st.Retries = p.integer(f["retries"], what+" retries", 0, maxRetries)
	st.Backoff = p.duration(f["backoff"], what+" backoff", defaultBackoff, maxBackoff)
	st.Timeout = p.duration(f["timeout"], what+" timeout", defaultTimeout, maxTimeout)
	st.Force = p.boolean(f["force"], what+" force")
	switch v := p.str(f["approval"], what+" approval"); v {
	case "", "auto", "none":
		st.NoApproval = v == "none"
	case "required":
		st.RequireApproval = true
	default:
		p.fail(f["approval"], "%s approval: want none, auto, required or an approval mapping", what)
	}
}

func (p *parser) approval(n *yaml.Node, what string) *ApprovalSpec {
	f := p.fields(n, what+" approval", "roles", "quorum", "expires")
	if f == nil {
		return nil
	}
	a := &ApprovalSpec{Roles: p.list(f["roles"], what+" approval.roles"), Quorum: 1,
		Expires: p.duration(f["expires"], what+" approval.expires", defaultExpiry, maxExpiry)}
	if f["quorum"] != nil {
		a.Quorum = p.integer(f["quorum"], what+" approval.quorum", 1, 10)
	}
	if len(a.Roles) == 0 {
		p.fail(n, "%s approval: roles is required", what)
	}
	for _, r := range a.Roles {
		if !contains(approverRoles, r) {
			p.fail(f["roles"], "%s approval: role %q cannot approve (roles with actions:approve: %s)",
				what, r, strings.Join(approverRoles, ", "))
		}
	}
	return a
}

func validName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return s != ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// asPlaybookError is errors.As for *PlaybookError.
func asPlaybookError(err error, target **PlaybookError) bool { return errors.As(err, target) }
