package respond

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

// plan is what one playbook run requests: approvals first, then actions.
type plan struct {
	approvals []*store.Approval
	actions   []store.Action
}

// run walks the steps of pb for s: conditions stop the run when false, an
// approval step gates every action after it, action steps become actions
// (queued, pending approval, or dry_run) after the patient-safety guard.
func (e *Engine) run(ctx context.Context, pb *Playbook, s Subject) error {
	now := e.cfg.Now().UTC()
	dry := e.cfg.DryRun || pb.DryRun
	var p plan
	var gate *store.Approval
	for i, st := range pb.Steps {
		switch {
		case st.Condition != nil:
			ok, err := evalCondition(st, s)
			if err != nil {
				e.log.Warn("playbook condition failed", "playbook", pb.Name, "step", st.Name, "err", err)
				e.audit(ctx, actorOf(pb.Name), "system", "respond.playbook.error", s.ID,
					map[string]string{"step": st.Name, "error": err.Error()})
			}
			if err != nil || !ok {
				p.actions = append(p.actions, skipped(pb, pb.Steps[i+1:], s, now, st.Name, err)...)
				return e.persist(ctx, pb, p)
			}
		case st.Approval != nil:
			gate = e.newApproval(pb, st, s, now, st.Approval.Roles, st.Approval.Quorum, st.Approval.Expires,
				"playbook approval step "+st.Name, "")
			if !dry {
				p.approvals = append(p.approvals, gate)
			}
		default:
			p.actions = append(p.actions, e.planAction(pb, st, s, now, dry, gate, &p))
		}
	}
	return e.persist(ctx, pb, p)
}

// skipped records the action steps a false (or failing) condition skipped,
// so that what was not done is visible too.
func skipped(pb *Playbook, rest []Step, s Subject, now time.Time, cond string, err error) []store.Action {
	why := "condition " + cond + " was false"
	if err != nil {
		why = "condition " + cond + " failed: " + err.Error()
	}
	var out []store.Action
	for _, st := range rest {
		if st.Action == "" {
			continue
		}
		out = append(out, store.Action{ID: deriveID("act-", pb.Name, st.Name, s.Kind, runKey(pb, s)), IncidentID: s.IncidentID,
			FindingID: findingIDOf(s), Playbook: pb.Name, Step: st.Name, Action: st.Action, Connector: st.Connector,
			Status: "skipped", Error: why, RequestedAt: now, FirstEvent: s.FirstEvent})
	}
	return out
}

func evalCondition(st Step, s Subject) (bool, error) {
	out, err := render(st.Condition, s)
	if err != nil {
		return false, err
	}
	switch strings.TrimSpace(out) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("condition rendered %q, want true or false", strings.TrimSpace(out))
}

func (e *Engine) newApproval(pb *Playbook, st Step, s Subject, now time.Time, roles []string, quorum int,
	expires time.Duration, reason, clinical string) *store.Approval {
	return &store.Approval{ID: deriveID("apr-", pb.Name, st.Name, s.Kind, runKey(pb, s)), IncidentID: s.IncidentID,
		FindingID: findingIDOf(s), Playbook: pb.Name, Step: st.Name, Reason: reason, Context: clinical,
		Roles: roles, Quorum: quorum, Requester: actorOf(pb.Name), Status: "pending", Created: now,
		Expires: now.Add(expires)}
}

// runKey identifies one run of a playbook on a subject: the subject, and,
// when the trigger names entity kinds and the evidence focused on some, those
// values — so a second compromised account joining an incident gets its own
// actions, while a replay of the same findings finds the same ids.
func runKey(pb *Playbook, s Subject) string {
	key := s.ID
	for _, k := range pb.Trigger.EntityKinds {
		if vs := valuesOf(s.Focus, k); len(vs) > 0 {
			key += "\x00" + k + ":" + strings.Join(vs, ",")
		}
	}
	return key
}

func findingIDOf(s Subject) string {
	if s.Kind == "finding" {
		return s.ID
	}
	return ""
}

// planAction renders one action step and decides its status.
func (e *Engine) planAction(pb *Playbook, st Step, s Subject, now time.Time, dry bool, gate *store.Approval, p *plan) store.Action {
	spec := actionKinds[st.Action]
	a := store.Action{ID: deriveID("act-", pb.Name, st.Name, s.Kind, runKey(pb, s)), IncidentID: s.IncidentID,
		FindingID: findingIDOf(s), Playbook: pb.Name, Step: st.Name, Action: st.Action, Connector: st.Connector,
		Params: map[string]string{}, DryRun: dry, Retries: st.Retries, Backoff: st.Backoff, Timeout: st.Timeout,
		RequestedAt: now, FirstEvent: s.FirstEvent}
	for k, t := range st.With {
		v, err := render(t, s)
		if err != nil {
			a.Status, a.Error = "failed", "template: "+err.Error()
			return a
		}
		a.Params[k] = v
	}
	for _, req := range spec.required {
		if strings.TrimSpace(a.Params[req]) == "" {
			a.Status, a.Error = "failed", "input "+req+" rendered empty"
			return a
		}
	}
	target, err := targetOf(st, spec, a.Params, s)
	if err != nil {
		a.Status, a.Error = "failed", "template: "+err.Error()
		return a
	}
	a.Target = target
	verdict := guard(e.safety(), spec, target, s, now)
	switch {
	case dry:
		a.Status = "dry_run"
		if verdict.Reason != "" {
			a.Error = "would need approval (patient-safety guard): " + verdict.Reason
		} else if gate != nil {
			a.Error = "would need approval: step " + gate.Step
		}
	case verdict.Reason != "":
		// The guard's own approval replaces any playbook gate for this
		// action: roles clinical_engineering/responder, the gate's quorum.
		quorum, expires := 1, defaultExpiry
		if gate != nil {
			quorum, expires = gate.Quorum, gate.Expires.Sub(gate.Created)
		}
		g := e.newApproval(pb, Step{Name: st.Name + ".safety"}, s, now, guardRoles, quorum, expires,
			"patient-safety guard: "+verdict.Reason, verdict.Context)
		g.ActionIDs = []string{a.ID}
		p.approvals = append(p.approvals, g)
		a.Status, a.ApprovalID = "pending_approval", g.ID
	case gate != nil:
		gate.ActionIDs = append(gate.ActionIDs, a.ID)
		a.Status, a.ApprovalID = "pending_approval", gate.ID
	case st.RequireApproval:
		g := e.newApproval(pb, Step{Name: st.Name + ".approval"}, s, now, []string{"responder"}, 1, defaultExpiry,
			"step "+st.Name+" requires approval", "")
		g.ActionIDs = []string{a.ID}
		p.approvals = append(p.approvals, g)
		a.Status, a.ApprovalID = "pending_approval", g.ID
	default:
		a.Status = "queued"
	}
	return a
}

// persist stores the plan: approvals, then actions (both idempotent by
// id); only what is new is audited and put on the incident timeline.
func (e *Engine) persist(ctx context.Context, pb *Playbook, p plan) error {
	actor := actorOf(pb.Name)
	for _, ap := range p.approvals {
		if len(ap.ActionIDs) == 0 {
			continue // a gate with no action after it
		}
		isNew, err := e.cfg.Store.InsertApproval(ctx, *ap)
		if err != nil {
			return err
		}
		if isNew {
			e.audit(ctx, actor, "system", "respond.approval.request", ap.ID, map[string]any{
				"incident": ap.IncidentID, "roles": ap.Roles, "quorum": ap.Quorum, "reason": ap.Reason,
				"actions": ap.ActionIDs, "expires": ap.Expires})
			e.record(ctx, ap.IncidentID, "approval", actor, "approval requested ("+strings.Join(ap.Roles, "/")+"): "+
				ap.Reason+contextSuffix(ap.Context), ap.ID)
		}
	}
	for _, a := range p.actions {
		isNew, err := e.cfg.Store.InsertAction(ctx, a)
		if err != nil {
			return err
		}
		if !isNew {
			continue
		}
		e.audit(ctx, actor, "system", "respond.action.request", a.ID, map[string]any{"incident": a.IncidentID,
			"action": a.Action, "target": a.Target, "status": a.Status, "approval": a.ApprovalID, "dry_run": a.DryRun})
		e.record(ctx, a.IncidentID, "action", actor, fmt.Sprintf("%s %s: %s", a.Action, a.Target, a.Status), a.ID)
	}
	return nil
}

func contextSuffix(c string) string {
	if c == "" {
		return ""
	}
	return " — " + c
}
