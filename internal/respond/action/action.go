// Package action holds the response connectors: the real protocols through
// which Vigil acts (signed webhooks to a firewall/NAC/IdP, SCIM 2.0, SMTP,
// NATS, syslog/CEF, a generic REST ticket API), configured in a YAML
// actions file whose secrets come from the environment or from files and
// are never logged.
package action

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Request is one action to execute.
type Request struct {
	ID         string            `json:"id"` // action id; receivers may use it as an idempotency key
	Kind       string            `json:"action"`
	Target     string            `json:"target,omitempty"` // kind:value
	Params     map[string]string `json:"params"`
	IncidentID string            `json:"incident_id,omitempty"`
	Playbook   string            `json:"playbook,omitempty"`
}

// Connector executes requests against one configured endpoint. Execute
// returns a short result (e.g. a ticket id) or an error; it must honour ctx.
type Connector interface {
	Execute(ctx context.Context, r Request) (result string, err error)
	// Kinds lists the action kinds this connector can run.
	Kinds() []string
}

// Set is the configured connectors by name.
type Set struct {
	conns map[string]Connector
}

// NewSet builds a Set from connectors by name (tests and wiring).
func NewSet(conns map[string]Connector) *Set { return &Set{conns: conns} }

// Names lists the connector names, sorted.
func (s *Set) Names() []string {
	var out []string
	if s != nil {
		for n := range s.conns {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Check reports why connector name cannot run action kind ("" = it can).
func (s *Set) Check(name, kind string) error {
	var c Connector
	if s != nil {
		c = s.conns[name]
	}
	if c == nil {
		return fmt.Errorf("no connector %q in the actions file (configured: %s)", name, strings.Join(s.Names(), ", "))
	}
	for _, k := range c.Kinds() {
		if k == kind {
			return nil
		}
	}
	return fmt.Errorf("connector %q cannot run %s (it runs: %s)", name, kind, strings.Join(c.Kinds(), ", "))
}

// Execute runs r on the connector called name.
func (s *Set) Execute(ctx context.Context, name string, r Request) (string, error) {
	if err := s.Check(name, r.Kind); err != nil {
		return "", err
	}
	return s.conns[name].Execute(ctx, r)
}
