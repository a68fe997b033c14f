package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigil-soc/vigil/internal/api"
	"github.com/vigil-soc/vigil/internal/assist"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/pipeline"
	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
)

// IncidentConfig tunes incident correlation and the AI analyst
// (docs/incidents.md, docs/assist.md).
type IncidentConfig struct {
	// Off keeps this process out of the election of the incident
	// correlator (with --workers). Whatever it says, one process at a time
	// correlates: the one holding the "incidents" lease.
	Off bool

	Window    time.Duration // correlation window (0 = 24h)
	HalfLife  time.Duration // entity risk half-life (0 = 12h)
	Threshold float64       // entity risk that opens an incident (0 = 25)

	LLMURL, LLMModel, LLMAPIKey string // OpenAI-compatible Chat Completions; empty URL = deterministic analyst
	LLMMask                     string // PHI masking before the call: auto (default: on unless local), on, off

	// Hooks run after an incident is created or gains findings (the lead
	// wires the respond engine's HandleIncident here).
	Hooks []incident.Hook
	// Proposer takes the AI analyst's proposed actions to the approval
	// queue (the lead wires respond.Engine.Propose); nil = proposals are
	// rejected with a clear error.
	Proposer assist.ActionProposer
	// Context answers the analyst's asset/identity look-ups (the lead wires
	// the hospital context); nil = none.
	Context assist.ContextLookup

	// shared is fed by every event (sharedObserver) and tells the
	// correlator which hosts/ips/devices are shared infrastructure.
	shared *incident.SharedTracker
}

// incidentConsumer is the durable consumer name on FINDINGS.
const incidentConsumer = "incidents"

// newIncidentManager builds the manager with the configured hooks.
func newIncidentManager(st store.Store, c IncidentConfig, log *slog.Logger) *incident.Manager {
	ic := incident.Config{Window: c.Window, HalfLife: c.HalfLife, Threshold: c.Threshold}
	if c.shared != nil {
		ic.Shared = c.shared
	}
	m := incident.NewManager(st, ic, incident.Options{Logger: log})
	for _, h := range c.Hooks {
		m.OnChange(h)
	}
	return m
}

// incidentLeaseTTL: when the correlating process dies, another takes over
// within this time.
const incidentLeaseTTL = 15 * time.Second

// runIncidents consumes FINDINGS into the manager until ctx is done, in the
// one process of the deployment that holds the "incidents" lease.
func runIncidents(ctx context.Context, m *incident.Manager, bus *pipeline.Bus) error {
	consume := func(ctx context.Context, h incident.FindingHandler) error {
		return bus.ConsumeFindings(ctx, incidentConsumer, func(ctx context.Context, fs []finding.Finding) error {
			return h(ctx, fs)
		})
	}
	return bus.RunExclusive(ctx, incidentConsumer, incidentLeaseTTL, func(ctx context.Context) error {
		return m.Run(ctx, consume, bus)
	})
}

// newAssistant builds the AI analyst service: the LLM analyst when a URL is
// configured, else the deterministic one.
func newAssistant(st store.Store, m *incident.Manager, c IncidentConfig, log *slog.Logger) (*assist.Service, error) {
	deps := assist.ServiceDeps{Source: st, Tagger: m, Proposer: c.Proposer, Context: c.Context, Logger: log}
	if c.LLMURL != "" {
		lc := assist.LLMConfig{URL: c.LLMURL, Model: c.LLMModel, APIKey: c.LLMAPIKey}
		switch c.LLMMask {
		case "", "auto":
		case "on":
			lc.Mask = &assist.MaskAll
		case "off":
			lc.Mask = &assist.MaskOptions{}
		default:
			return nil, fmt.Errorf("config: --llm-mask %q: want auto, on or off", c.LLMMask)
		}
		l, err := assist.NewLLM(lc, st, query.Parse, c.Context)
		if err != nil {
			return nil, err
		}
		deps.LLM = l
	}
	return assist.NewService(deps), nil
}

// assistAPI adapts assist.Service to api.Assistant.
type assistAPI struct{ s *assist.Service }

func (a assistAPI) Summarize(ctx context.Context, id, actor string) (any, error) {
	return a.s.Summarize(ctx, id, actor)
}

func (a assistAPI) Ask(ctx context.Context, req api.AskRequest, actor string) (any, error) {
	return a.s.Ask(ctx, req.IncidentID, req.Entity, req.Question, actor)
}

// SummarizeLocal runs the AI analyst on an incident straight from the
// database (no server), for `vigil assist summarize --local`. The CLI
// invocation is audited.
func SummarizeLocal(ctx context.Context, o StoreOptions, incidentID string, c IncidentConfig) (assist.Answer, error) {
	var ans assist.Answer
	err := withStore(ctx, o, "cli assist summarize", "incident:"+incidentID, func(st store.Store) error {
		m := newIncidentManager(st, c, nil)
		svc, err := newAssistant(st, m, c, nil)
		if err != nil {
			return err
		}
		ans, err = svc.Summarize(ctx, incidentID, "cli")
		return err
	})
	return ans, err
}
