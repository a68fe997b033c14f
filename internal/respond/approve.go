package respond

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-soc/vigil/internal/store"
)

// Errors of Decide, to map onto HTTP statuses.
var (
	ErrForbidden = errors.New("not allowed to decide this approval")
	ErrDecided   = errors.New("approval already decided")
	ErrBadInput  = errors.New("bad input")
)

// Approver is who decides.
type Approver struct {
	Name string // token name
	Role string
}

// Decide records an approve or deny decision on approval id. Only a role the
// approval lists (or admin) may decide; the requester cannot decide its own
// request; an approver counts once. One deny denies; quorum distinct
// approvals approve and queue the gated actions. A request past its expiry
// is expired (its actions are not run) and ErrDecided is returned.
func (e *Engine) Decide(ctx context.Context, id string, who Approver, decision, reason string) (store.Approval, error) {
	if decision != "approve" && decision != "deny" {
		return store.Approval{}, fmt.Errorf("%w: decision %q: want approve or deny", ErrBadInput, decision)
	}
	if len(reason) > 2000 {
		return store.Approval{}, fmt.Errorf("%w: reason longer than 2000 bytes", ErrBadInput)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for range 5 { // retry when another process decided in between
		a, err := e.cfg.Store.GetApproval(ctx, id)
		if err != nil {
			return a, err
		}
		if err := e.checkDecider(a, who); err != nil {
			return a, err
		}
		now := e.cfg.Now().UTC()
		if now.After(a.Expires) {
			if _, err := e.finish(ctx, a, "expired", "system", "system"); err != nil {
				return a, err
			}
			return a, fmt.Errorf("%w: expired at %s", ErrDecided, a.Expires.Format("2006-01-02T15:04:05Z"))
		}
		a.Decisions = append(a.Decisions, store.ApprovalDecision{Actor: who.Name, Role: who.Role, Decision: decision,
			Reason: reason, Time: now})
		status := "pending"
		if decision == "deny" {
			status = "denied"
		} else if approvals(a) >= a.Quorum {
			status = "approved"
		}
		if status == "pending" {
			err = e.cfg.Store.UpdateApproval(ctx, a)
			a.Version++
		} else {
			a, err = e.finish(ctx, a, status, who.Name, who.Role)
		}
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return a, err
		}
		e.audit(ctx, who.Name, who.Role, "respond.approval.decide", a.ID, map[string]string{"decision": decision,
			"reason": reason, "status": status})
		e.record(ctx, a.IncidentID, "approval", who.Name, fmt.Sprintf("%s by %s (%s): %s → %s", decision, who.Name,
			who.Role, reason, status), a.ID)
		e.poke()
		return a, nil
	}
	return store.Approval{}, fmt.Errorf("approval %s: %w (retry)", id, store.ErrConflict)
}

func (e *Engine) checkDecider(a store.Approval, who Approver) error {
	if a.Status != "pending" {
		return fmt.Errorf("%w: status %s", ErrDecided, a.Status)
	}
	if who.Role != "admin" && !contains(a.Roles, who.Role) {
		return fmt.Errorf("%w: role %s is not one of %s", ErrForbidden, who.Role, strings.Join(a.Roles, ", "))
	}
	if who.Name == "" || who.Name == a.Requester {
		return fmt.Errorf("%w: the requester cannot decide its own request", ErrForbidden)
	}
	for _, d := range a.Decisions {
		if d.Actor == who.Name {
			return fmt.Errorf("%w: %s already decided (%s)", ErrForbidden, who.Name, d.Decision)
		}
	}
	return nil
}

// approvals counts distinct approving actors.
func approvals(a store.Approval) int {
	seen := map[string]bool{}
	for _, d := range a.Decisions {
		if d.Decision == "approve" {
			seen[d.Actor] = true
		}
	}
	return len(seen)
}

// finish closes approval a with status and moves its pending actions:
// approved → queued, denied/expired → denied/expired.
func (e *Engine) finish(ctx context.Context, a store.Approval, status, actor, role string) (store.Approval, error) {
	a.Status, a.Decided = status, e.cfg.Now().UTC()
	if err := e.cfg.Store.UpdateApproval(ctx, a); err != nil {
		return a, err
	}
	a.Version++
	next := map[string]string{"approved": "queued", "denied": "denied", "expired": "expired"}[status]
	for _, id := range a.ActionIDs {
		if err := e.moveAction(ctx, id, "pending_approval", next, ""); err != nil {
			e.log.Error("approval: action update failed", "approval", a.ID, "action", id, "err", err)
		}
	}
	if status == "expired" {
		e.audit(ctx, actor, role, "respond.approval.expire", a.ID, map[string]string{"status": status})
		e.record(ctx, a.IncidentID, "approval", actor, "approval expired: default deny, actions not run", a.ID)
	}
	return a, nil
}

// moveAction changes an action's status from → to (retrying on conflict).
func (e *Engine) moveAction(ctx context.Context, id, from, to, errText string) error {
	for range 5 {
		act, err := e.cfg.Store.GetAction(ctx, id)
		if err != nil {
			return err
		}
		if act.Status != from {
			return nil
		}
		act.Status = to
		if errText != "" {
			act.Error = errText
		}
		err = e.cfg.Store.UpdateAction(ctx, act)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return store.ErrConflict
}

// ExpireApprovals expires pending approvals past their expiry (default
// deny) and returns how many.
func (e *Engine) ExpireApprovals(ctx context.Context) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.Now().UTC()
	n := 0
	q := store.ResponseQuery{Status: "pending", Limit: store.MaxLimit}
	for {
		page, err := e.cfg.Store.ListApprovals(ctx, q)
		if err != nil {
			return n, err
		}
		for _, a := range page.Approvals {
			if now.After(a.Expires) {
				if _, err := e.finish(ctx, a, "expired", "system", "system"); err != nil && !errors.Is(err, store.ErrConflict) {
					return n, err
				}
				n++
			}
		}
		if page.Next == "" {
			return n, nil
		}
		q.Cursor = page.Next
	}
}

// Propose turns a proposed action (from the AI analyst or a person) into
// an approval request for a responder. It never executes anything itself;
// the patient-safety context is attached when the guard would hold it.
func (e *Engine) Propose(ctx context.Context, p Proposal) (string, error) {
	spec, ok := actionKinds[p.Action]
	if !ok {
		return "", fmt.Errorf("%w: unknown action %q (known: %s)", ErrBadInput, p.Action, strings.Join(ActionKinds(), ", "))
	}
	for _, req := range spec.required {
		if p.Params[req] == "" {
			return "", fmt.Errorf("%w: action %s needs param %q", ErrBadInput, p.Action, req)
		}
	}
	if p.Connector == "" {
		p.Connector = spec.connector
	}
	if p.Requester == "" {
		p.Requester = "assist"
	}
	now := e.cfg.Now().UTC()
	s := Subject{Kind: "proposal", ID: p.IncidentID, IncidentID: p.IncidentID}
	keyParts := []string{p.Requester, p.IncidentID, p.Action, p.Connector}
	for _, k := range sortedKeys(p.Params) {
		keyParts = append(keyParts, k+"="+p.Params[k])
	}
	stepName := deriveID("", keyParts...)
	pb := &Playbook{Name: "proposal"}
	target := ""
	if spec.targetKind != "" {
		target = spec.targetKind + ":" + p.Params[spec.targetIn]
	}
	verdict := guard(e.safety(), spec, target, s, now)
	reason := "proposed by " + p.Requester + ": " + p.Reason
	if verdict.Reason != "" {
		reason += " (patient-safety guard: " + verdict.Reason + ")"
	}
	ap := e.newApproval(pb, Step{Name: stepName}, s, now, guardRoles, 1, defaultExpiry, reason, verdict.Context)
	ap.Requester = p.Requester
	act := store.Action{ID: deriveID("act-", "proposal", stepName), IncidentID: p.IncidentID, Playbook: "proposal",
		Step: stepName, Action: p.Action, Connector: p.Connector, Target: target, Params: p.Params,
		Status: "pending_approval", ApprovalID: ap.ID, Retries: 2, Backoff: defaultBackoff, Timeout: defaultTimeout,
		RequestedAt: now, DryRun: e.cfg.DryRun}
	ap.ActionIDs = []string{act.ID}
	if err := e.persist(ctx, pb, plan{approvals: []*store.Approval{ap}, actions: []store.Action{act}}); err != nil {
		return "", err
	}
	return ap.ID, nil
}
