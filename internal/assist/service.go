package assist

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/vigil-soc/vigil/internal/store"
)

// Service answers summaries and questions: it gathers the evidence, scans it
// for prompt injection, runs the LLM analyst when configured (else, or when
// it fails, the deterministic one), validates citations, submits proposals
// to the approval queue and flags the incident. It changes nothing else.
type Service struct {
	src      Source
	llm      Analyst // nil = deterministic only
	det      Deterministic
	tagger   Tagger
	proposer ActionProposer
	context  ContextLookup
	log      *slog.Logger
}

// ServiceDeps are the Service's parts; only Source is required.
type ServiceDeps struct {
	Source   Source
	LLM      Analyst        // nil: the deterministic analyst answers
	Tagger   Tagger         // nil: incidents are not tagged
	Proposer ActionProposer // nil: proposals are rejected with a clear error
	Context  ContextLookup  // nil: no asset context in answers
	Logger   *slog.Logger
}

// NewService returns a Service.
func NewService(d ServiceDeps) *Service {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{src: d.Source, llm: d.LLM, tagger: d.Tagger, proposer: d.Proposer, context: d.Context,
		log: d.Logger.With("component", "assist")}
}

// Summarize answers for one incident.
func (s *Service) Summarize(ctx context.Context, incidentID, actor string) (Answer, error) {
	ev, err := gatherIncident(ctx, s.src, incidentID)
	if err != nil {
		return Answer{}, err
	}
	return s.run(ctx, ev, actor), nil
}

// Ask answers a question about an incident or an entity (one of them).
func (s *Service) Ask(ctx context.Context, incidentID, entity, question, actor string) (Answer, error) {
	var ev *Evidence
	var err error
	switch {
	case incidentID != "" && entity == "":
		ev, err = gatherIncident(ctx, s.src, incidentID)
	case entity != "" && incidentID == "":
		ev, err = gatherEntity(ctx, s.src, entity)
	default:
		return Answer{}, &InvalidError{Msg: "give exactly one of incident_id and entity"}
	}
	if err != nil {
		return Answer{}, err
	}
	ev.Question = question
	return s.run(ctx, ev, actor), nil
}

func (s *Service) run(ctx context.Context, ev *Evidence, actor string) Answer {
	scanEvidence(ev)
	s.lookupAssets(ctx, ev)
	var a Answer
	if s.llm != nil {
		var err error
		if a, err = s.llm.Analyze(ctx, ev); err != nil {
			s.log.Warn("LLM analyst failed, deterministic answer instead", "err", err)
			a, _ = s.det.Analyze(ctx, ev)
			a.Flags = append(a.Flags, FlagFallback)
			a.Notes = append(a.Notes, "the LLM analyst failed ("+short(err)+"); this is the deterministic analyst's answer")
		}
	} else {
		a, _ = s.det.Analyze(ctx, ev)
	}
	s.validate(ctx, &a, ev)
	if len(ev.Injections) > 0 {
		a.Flags = append(a.Flags, FlagPromptInjection)
		a.Injections = ev.Injections
		s.flagIncident(ctx, ev, actor)
	}
	s.submit(ctx, &a, ev)
	a.Flags = dedupe(a.Flags)
	if a.Flags == nil {
		a.Flags = []string{}
	}
	return a
}

func short(err error) string {
	m := err.Error()
	if len(m) > 160 {
		m = m[:160] + "…"
	}
	return m
}

// maxLookups bounds store look-ups for citations outside the evidence.
const maxLookups = 100

// validate keeps only citations that resolve to an event or finding, and
// only statements with at least one left.
func (s *Service) validate(ctx context.Context, a *Answer, ev *Evidence) {
	known := ev.ids()
	lookups, dropped, droppedIDs := 0, 0, 0
	resolves := func(id string) bool {
		if known[id] {
			return true
		}
		if lookups >= maxLookups || id == "" || len(id) > 200 {
			return false
		}
		lookups++
		if _, err := s.src.GetFinding(ctx, id); err == nil {
			known[id] = true
			return true
		}
		if _, err := s.src.GetEvent(ctx, id); err == nil {
			known[id] = true
			return true
		}
		return false
	}
	var kept []Statement
	for _, st := range a.Statements {
		var cites []string
		for _, c := range st.Citations {
			if !resolves(c) {
				droppedIDs++
				continue
			}
			if !slices.Contains(cites, c) {
				cites = append(cites, c)
			}
		}
		if len(cites) == 0 || strings.TrimSpace(st.Text) == "" {
			dropped++
			continue
		}
		kept = append(kept, Statement{Text: st.Text, Citations: cites})
	}
	if kept == nil {
		kept = []Statement{}
	}
	a.Statements = kept
	if droppedIDs > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("%d citation(s) to unknown ids removed", droppedIDs))
	}
	if dropped > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("%d statement(s) without a valid citation removed", dropped))
	}
}

// submit sends the LLM's proposals to the approval queue.
func (s *Service) submit(ctx context.Context, a *Answer, ev *Evidence) {
	if a.Analyst != "llm" {
		return
	}
	for _, r := range a.Recommendations {
		p := r.ProposedAction
		if p == nil {
			continue
		}
		switch {
		case ev.Incident == nil:
			p.Error = "proposals need an incident"
		case s.proposer == nil:
			p.Error = "action proposals are disabled: no approval queue is configured"
		default:
			id, err := s.proposer.Propose(ctx, ev.Incident.ID, p.Action, p.Params, "AI analyst: "+p.Reason)
			if err != nil {
				p.Error = short(err)
			} else {
				p.Submitted, p.ApprovalID = true, id
			}
		}
	}
}

func (s *Service) flagIncident(ctx context.Context, ev *Evidence, actor string) {
	if s.tagger == nil || ev.Incident == nil {
		return
	}
	var srcs []string
	for _, in := range ev.Injections {
		if !slices.Contains(srcs, in.Source) && len(srcs) < 10 {
			srcs = append(srcs, in.Source)
		}
	}
	text := "suspected prompt injection in evidence " + strings.Join(srcs, ", ") + " (found while answering " + actor + ")"
	if err := s.tagger.Tag(ctx, ev.Incident.ID, FlagPromptInjection, "assist", text); err != nil &&
		!errors.Is(err, store.ErrNotFound) {
		s.log.Warn("tagging incident failed", "incident", ev.Incident.ID, "err", err)
	}
}

// maxAssets bounds context look-ups per answer.
const maxAssets = 20

// lookupAssets fills ev.Assets from the hospital context.
func (s *Service) lookupAssets(ctx context.Context, ev *Evidence) {
	if s.context == nil {
		return
	}
	ev.Assets = map[string]map[string]string{}
	for _, f := range ev.Findings {
		for _, key := range []string{f.Entities.Device, f.Entities.Host, f.Entities.SrcIP} {
			if key == "" || len(ev.Assets) >= maxAssets {
				continue
			}
			if _, done := ev.Assets[key]; done {
				continue
			}
			if info, ok := s.context.Lookup(ctx, key); ok {
				ev.Assets[key] = info
			}
		}
	}
}
