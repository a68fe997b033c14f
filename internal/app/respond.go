package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/vigil-soc/vigil/internal/api"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/pipeline"
	"github.com/vigil-soc/vigil/internal/respond"
	"github.com/vigil-soc/vigil/internal/respond/action"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/playbooks"
)

// LoadPlaybooks returns the built-in playbooks and those in dir (if any);
// invalid files are returned as errors, the valid ones still load.
func LoadPlaybooks(dir string) ([]*respond.Playbook, []error) {
	pbs, errs := respond.LoadFS(playbooks.FS, ".", "builtin")
	if dir != "" {
		user, uerrs := respond.LoadDir(dir)
		pbs, errs = append(pbs, user...), append(errs, uerrs...)
	}
	return pbs, errs
}

// newResponder builds the response engine for serve: built-in and user
// playbooks, connectors from the actions file. Without an actions file the
// engine runs in dry-run (it records what it would do). Invalid playbooks
// are logged and skipped. The safety context and the incident timeline are
// left to the wiring of the hospital context and incident packages
// (SetSafety/SetIncidentLog); until then the guard fails closed.
func newResponder(cfg Config, st store.Store, aud respond.Auditor, log *slog.Logger) (*respond.Engine, error) {
	pbs, errs := LoadPlaybooks(cfg.Playbooks)
	for _, err := range errs {
		log.Error("playbook rejected", "err", err)
	}
	var exec respond.Executor
	dry := cfg.DryRun
	if cfg.Actions != "" {
		set, err := action.LoadFile(cfg.Actions)
		if err != nil {
			return nil, fmt.Errorf("--actions: %w", err)
		}
		exec = set
	} else {
		dry = true
		log.Warn("no --actions file: automated response runs in dry-run (records what it would do)")
	}
	eng, rejected := respond.New(respond.Config{Store: st, Audit: aud, Exec: exec, Playbooks: pbs, DryRun: dry,
		Logger: log, Safety: cfg.Safety, Log: cfg.IncidentLog})
	fmt.Fprintf(cfg.Out, "vigil: %d response playbooks (%d rejected), dry-run=%v\n",
		len(eng.Playbooks()), len(errs)+len(rejected), dry)
	return eng, nil
}

// approverAdapter maps the engine's decisions and errors onto the API's.
type approverAdapter struct{ eng *respond.Engine }

func (a approverAdapter) Decide(ctx context.Context, id, actor, role, decision, reason string) (store.Approval, error) {
	ap, err := a.eng.Decide(ctx, id, respond.Approver{Name: actor, Role: role}, decision, reason)
	switch {
	case errors.Is(err, respond.ErrForbidden):
		err = fmt.Errorf("%w: %w", api.ErrApprovalForbidden, err)
	case errors.Is(err, respond.ErrDecided):
		err = fmt.Errorf("%w: %w", api.ErrApprovalClosed, err)
	case errors.Is(err, respond.ErrBadInput):
		err = fmt.Errorf("%w: %w", api.ErrApprovalInvalid, err)
	}
	return ap, err
}

// respondingWriter stores findings, then hands each to the response engine
// (playbooks with trigger on: finding or any). A response error is logged,
// never fails detection; the engine is idempotent by finding id, so a
// redelivered batch requests nothing twice.
type respondingWriter struct {
	pipeline.FindingWriter
	eng *respond.Engine
	log *slog.Logger
}

func (w respondingWriter) PutFindings(ctx context.Context, fs []finding.Finding) (int, error) {
	n, err := w.FindingWriter.PutFindings(ctx, fs)
	if err != nil {
		return n, err
	}
	for _, f := range fs {
		if herr := w.eng.HandleFinding(ctx, respond.SubjectFromFinding(f)); herr != nil {
			w.log.Error("response to finding failed", "finding", f.ID, "err", herr)
		}
	}
	return n, nil
}

// RespondIncidentHook is the incident hook (incident.Hook's signature) that
// runs the playbooks triggered on incidents; the lead connects it where
// the incident manager is built.
func RespondIncidentHook(eng *respond.Engine, log *slog.Logger) func(context.Context, store.Incident, []finding.Finding) {
	return func(ctx context.Context, inc store.Incident, added []finding.Finding) {
		if err := eng.HandleIncident(ctx, respond.SubjectFromIncident(inc, added)); err != nil {
			log.Error("response to incident failed", "incident", inc.ID, "err", err)
		}
	}
}

// RespondProposer adapts the engine to assist.ActionProposer: an action the
// AI analyst proposes becomes an approval request, never an execution.
type RespondProposer struct{ Engine *respond.Engine }

// Propose implements assist.ActionProposer.
func (p RespondProposer) Propose(ctx context.Context, incidentID, action string, params map[string]string,
	reason string) (string, error) {
	return p.Engine.Propose(ctx, respond.Proposal{IncidentID: incidentID, Action: action, Params: params,
		Reason: reason, Requester: "assist"})
}
