// Package assist is Vigil's AI analyst: one Analyst interface with two
// implementations, a deterministic analyst (templates over the evidence,
// offline, the default) and an LLM analyst for any OpenAI-compatible Chat
// Completions server with tool calling. The Service around them gathers the
// evidence, scans it for prompt injection, masks PHI before any external
// call, validates that every statement cites event or finding ids that
// exist, and lets a model only PROPOSE actions through an ActionProposer
// (the approval queue). docs/assist.md has the threat model.
package assist

import (
	"context"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/store"
)

// Answer is what the analyst returns (the API's JSON shape).
type Answer struct {
	Analyst         string           `json:"analyst"` // deterministic | llm
	Summary         string           `json:"summary"`
	Statements      []Statement      `json:"statements"`
	Recommendations []Recommendation `json:"recommendations"`
	Flags           []string         `json:"flags"`
	Notes           []string         `json:"notes,omitempty"`
	Injections      []Injection      `json:"injections,omitempty"`
}

// Statement is one factual claim with the ids it rests on.
type Statement struct {
	Text      string   `json:"text"`
	Citations []string `json:"citations"`
}

// Recommendation is a next step, maybe with a proposed action.
type Recommendation struct {
	Text           string          `json:"text"`
	ProposedAction *ProposedAction `json:"proposed_action"`
}

// ProposedAction is an action the analyst suggests. Submitted ones went to
// the approval queue (ApprovalID set); nothing ever runs without approval.
type ProposedAction struct {
	Action     string            `json:"action"`
	Params     map[string]string `json:"params,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Submitted  bool              `json:"submitted"`
	ApprovalID string            `json:"approval_id,omitempty"`
	Error      string            `json:"error,omitempty"`
}

// Flags.
const (
	FlagPromptInjection = "prompt_injection"
	FlagBlockedToolCall = "blocked_tool_call"
	FlagFallback        = "llm_fallback"
	FlagToolLimit       = "tool_call_limit"
)

// Evidence is what an analyst may use: an incident (or an entity) with its
// findings and evidence events, and the question asked.
type Evidence struct {
	Incident *store.Incident
	Doc      incident.Doc
	Entity   string
	Question string
	Findings []finding.Finding
	Events   []*event.Event
	// Injections found in the evidence before any analyst ran.
	Injections []Injection
	// Assets is the hospital context of the devices, hosts and ips in the
	// findings (key → attributes such as kind, department, criticality),
	// when a ContextLookup is configured.
	Assets map[string]map[string]string
}

// Analyst answers from evidence. Implementations must cite only ids in the
// evidence (or returned by their tools); the Service checks anyway.
type Analyst interface {
	Name() string
	Analyze(ctx context.Context, ev *Evidence) (Answer, error)
}

// ActionProposer submits an AI-proposed action to the approval queue
// (contracts §6); the lead adapts it to the respond engine.
type ActionProposer interface {
	Propose(ctx context.Context, incidentID, action string, params map[string]string, reason string) (approvalID string, err error)
}

// Tagger marks an incident (incident.Manager.Tag).
type Tagger interface {
	Tag(ctx context.Context, id, tag, actor, text string) error
}

// ContextLookup answers asset and identity questions from the hospital
// context (wired by the lead); nil means no context is loaded.
type ContextLookup interface {
	Lookup(ctx context.Context, key string) (map[string]string, bool)
}

// Source is the read-only data the analysts use (store.Store satisfies it).
type Source interface {
	GetIncident(ctx context.Context, id string) (store.Incident, error)
	GetFinding(ctx context.Context, id string) (finding.Finding, error)
	ListFindings(ctx context.Context, q store.FindingQuery) (store.FindingPage, error)
	GetEvent(ctx context.Context, id string) (*event.Event, error)
	SearchEvents(ctx context.Context, q store.EventQuery) (store.EventPage, error)
}
