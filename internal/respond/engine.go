package respond

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-soc/vigil/internal/respond/action"
	"github.com/vigil-soc/vigil/internal/store"
)

// Executor runs an action through a named connector; *action.Set is one.
type Executor interface {
	Check(connector, kind string) error
	Execute(ctx context.Context, connector string, r action.Request) (string, error)
}

// Auditor appends to the audit chain; internal/audit.Log satisfies it.
type Auditor interface {
	Append(ctx context.Context, rec store.AuditRecord) (store.AuditRecord, error)
}

// Config wires an Engine. Store, Audit and Exec are required.
type Config struct {
	Store     store.Responses
	Audit     Auditor
	Exec      Executor
	Log       IncidentLog   // nil = no incident timeline
	Safety    SafetyContext // nil = the guard fails closed
	Playbooks []*Playbook
	DryRun    bool // record what would run, run nothing
	Now       func() time.Time
	Logger    *slog.Logger
	// PollInterval is how often the worker looks for queued actions and
	// expired approvals besides being woken; default 1 s.
	PollInterval time.Duration
	// Concurrency is how many actions run at once; default 4.
	Concurrency int
}

// Engine runs playbooks, keeps approvals and executes actions.
type Engine struct {
	cfg  Config
	log  *slog.Logger
	pbs  []*Playbook
	wake chan struct{}
	mu   sync.Mutex // serialises decisions on approvals in this process
	// sleep waits between attempts (false when ctx ended); tests record it.
	sleep func(ctx context.Context, d time.Duration) bool
	// late holds the safety context and incident log, which the wiring may
	// set after New (they come from components built later).
	late atomic.Pointer[lateDeps]
}

type lateDeps struct {
	safety SafetyContext
	log    IncidentLog
}

// SetSafety sets the patient-safety guard's context (nil = fail closed).
func (e *Engine) SetSafety(sc SafetyContext) {
	d := *e.late.Load()
	d.safety = sc
	e.late.Store(&d)
}

// SetIncidentLog sets where actions and approvals are put on incidents.
func (e *Engine) SetIncidentLog(l IncidentLog) {
	d := *e.late.Load()
	d.log = l
	e.late.Store(&d)
}

func (e *Engine) safety() SafetyContext { return e.late.Load().safety }

// New checks every playbook's action steps against the connectors: a
// playbook naming a missing or unfit connector is rejected (logged and
// returned in rejected); the valid ones run.
func New(cfg Config) (*Engine, []error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Exec == nil {
		cfg.Exec = action.NewSet(nil)
	}
	e := &Engine{cfg: cfg, log: cfg.Logger.With("component", "respond"), wake: make(chan struct{}, 1), sleep: sleepCtx}
	e.late.Store(&lateDeps{safety: cfg.Safety, log: cfg.Log})
	var rejected []error
	names := map[string]string{}
	for _, pb := range cfg.Playbooks {
		err := checkConnectors(pb, cfg.Exec, cfg.DryRun)
		if prev, dup := names[pb.Name]; dup && err == nil {
			err = &PlaybookError{File: pb.File, Line: 1, Reason: fmt.Sprintf("playbook name %q already used by %s", pb.Name, prev)}
		}
		if err != nil {
			rejected = append(rejected, err)
			e.log.Error("playbook rejected", "err", err)
			continue
		}
		names[pb.Name] = pb.File
		e.pbs = append(e.pbs, pb)
	}
	return e, rejected
}

func checkConnectors(pb *Playbook, ex Executor, dry bool) error {
	if pb.DryRun || dry {
		return nil
	}
	for _, st := range pb.Steps {
		if st.Action == "" {
			continue
		}
		if err := ex.Check(st.Connector, st.Action); err != nil {
			return &PlaybookError{File: pb.File, Line: st.Line, Reason: fmt.Sprintf("step %q: %v", st.Name, err)}
		}
	}
	return nil
}

// Playbooks lists the playbooks that run.
func (e *Engine) Playbooks() []*Playbook { return e.pbs }

// HandleFinding runs the playbooks triggered by a finding.
func (e *Engine) HandleFinding(ctx context.Context, s Subject) error {
	s.Kind = "finding"
	return e.handle(ctx, s)
}

// HandleIncident runs the playbooks triggered by an incident. Calling it
// again for the same incident adds nothing already requested (action and
// approval ids derive from playbook, step and subject).
func (e *Engine) HandleIncident(ctx context.Context, s Subject) error {
	s.Kind = "incident"
	if s.IncidentID == "" {
		s.IncidentID = s.ID
	}
	return e.handle(ctx, s)
}

func (e *Engine) handle(ctx context.Context, s Subject) error {
	var errs []error
	for _, pb := range e.pbs {
		if !pb.Trigger.Matches(s) {
			continue
		}
		if err := e.run(ctx, pb, s.focused(pb.Trigger)); err != nil {
			errs = append(errs, fmt.Errorf("playbook %s: %w", pb.Name, err))
		}
	}
	e.poke()
	if len(errs) > 0 {
		return fmt.Errorf("respond: %v", errs)
	}
	return nil
}

// poke wakes the worker without blocking.
func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// deriveID is a stable id from its parts.
func deriveID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil)[:10])
}

// audit appends one record; failures are logged (the action still stands).
func (e *Engine) audit(ctx context.Context, actor, role, what, target string, detail any) {
	b, _ := json.Marshal(detail)
	_, err := e.cfg.Audit.Append(ctx, store.AuditRecord{Time: e.cfg.Now(), Actor: actor, Role: role,
		Action: what, Target: target, Detail: string(b)})
	if err != nil {
		e.log.Error("audit append failed", "action", what, "target", target, "err", err)
	}
}

// record writes to the incident timeline when there is an incident.
func (e *Engine) record(ctx context.Context, incidentID, kind, actor, text, ref string) {
	l := e.late.Load().log
	if l == nil || incidentID == "" {
		return
	}
	if err := l.Record(ctx, incidentID, kind, actor, text, ref); err != nil {
		e.log.Warn("incident timeline record failed", "incident", incidentID, "err", err)
	}
}

func actorOf(pb string) string { return "playbook:" + pb }

func targetOf(st Step, spec actionSpec, params map[string]string, s Subject) (string, error) {
	if st.Target != nil {
		t, err := render(st.Target, s)
		if err != nil {
			return "", err
		}
		t = strings.TrimSpace(t)
		if k, v, ok := strings.Cut(t, ":"); !ok || k == "" || v == "" {
			return "", fmt.Errorf("target %q: want kind:value", t)
		}
		return t, nil
	}
	if spec.targetKind == "" {
		return "", nil
	}
	return spec.targetKind + ":" + params[spec.targetIn], nil
}
