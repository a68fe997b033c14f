package respond

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"text/template"
	"time"
)

// templateData is what step templates see: the subject, read-only.
type templateData struct {
	Kind, ID, IncidentID, Title string
	Severity                    string
	SeverityRank                int
	Detectors, RuleIDs, Tags    []string
	Entities, FindingIDs        []string
	FirstEvent                  time.Time
	BreakGlass                  bool
	subject                     Subject
}

func newTemplateData(s Subject) templateData {
	return templateData{Kind: s.Kind, ID: s.ID, IncidentID: s.IncidentID, Title: s.Title,
		Severity: string(s.Severity), SeverityRank: s.Severity.Rank(), Detectors: s.Detectors, RuleIDs: s.RuleIDs,
		Tags: s.Tags, Entities: s.Entities, FindingIDs: s.FindingIDs, FirstEvent: s.FirstEvent,
		BreakGlass: isBreakGlass(s), subject: s}
}

// templateFuncs is the restricted function map: string helpers and entity
// look-ups only (text/template's own builtins stay: eq, and, or, len, …;
// call is removed so no function value in the data can be called).
// "entity" fails when the subject has no entity of the kind, so a missing
// input is an error, never an empty string.
func templateFuncs(d *templateData) template.FuncMap {
	return template.FuncMap{
		"entity": func(kind string) (string, error) {
			vs := d.subject.TargetValues(kind)
			if len(vs) == 0 {
				return "", fmt.Errorf("the subject has no %s entity", kind)
			}
			return vs[0], nil
		},
		"entities":  func(kind string) []string { return d.subject.TargetValues(kind) },
		"hasEntity": func(kind string) bool { return len(d.subject.TargetValues(kind)) > 0 },
		"hasTag":    func(tag string) bool { return contains(d.Tags, tag) },
		"hasRule": func(glob string) bool {
			for _, r := range d.RuleIDs {
				if ok, _ := path.Match(glob, r); ok {
					return true
				}
			}
			return false
		},
		"domain": func(addr string) (string, error) {
			_, d, ok := strings.Cut(addr, "@")
			if !ok || d == "" {
				return "", fmt.Errorf("%q is not an email address", addr)
			}
			return strings.ToLower(d), nil
		},
		"join":  strings.Join,
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
		"call":  func(...any) (string, error) { return "", fmt.Errorf("call is not allowed") },
	}
}

// parseTemplate parses text with the restricted function map.
func parseTemplate(name, text string) (*template.Template, error) {
	var d templateData
	return template.New(name).Option("missingkey=error").Funcs(templateFuncs(&d)).Parse(text)
}

// maxRendered bounds one rendered input.
const maxRendered = 64 << 10

// render executes t for subject s.
func render(t *template.Template, s Subject) (string, error) {
	d := newTemplateData(s)
	c, err := t.Clone()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := c.Funcs(templateFuncs(&d)).Execute(&b, d); err != nil {
		return "", err
	}
	if b.Len() > maxRendered {
		return "", fmt.Errorf("%s: rendered %d bytes, more than %d", t.Name(), b.Len(), maxRendered)
	}
	return b.String(), nil
}
