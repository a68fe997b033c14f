package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vigil-soc/vigil/internal/store"
)

// Approver decides approval requests of the automated response
// (internal/respond, adapted in internal/app). Its errors wrap the
// ErrApproval* values below so that the API answers the right status.
type Approver interface {
	Decide(ctx context.Context, id, actor, role, decision, reason string) (store.Approval, error)
}

// Errors an Approver wraps.
var (
	ErrApprovalForbidden = errors.New("approval decision not allowed") // 403: role, requester, second vote
	ErrApprovalClosed    = errors.New("approval closed")               // 409: already decided or expired
	ErrApprovalInvalid   = errors.New("invalid approval decision")     // 400
)

// approvalPage is the answer of GET /api/v1/approvals.
type approvalPage struct {
	Approvals []store.Approval `json:"approvals"`
	Next      string           `json:"next"`
}

// responseQuery reads status, incident, limit and cursor.
func responseQuery(r *http.Request) (store.ResponseQuery, error) {
	v := r.URL.Query()
	lim, err := parseLimit(v.Get("limit"))
	return store.ResponseQuery{Status: v.Get("status"), IncidentID: v.Get("incident"), Limit: lim,
		Cursor: v.Get("cursor")}, err
}

// handleListApprovals is GET /api/v1/approvals.
func (s *server) handleListApprovals(w http.ResponseWriter, r *http.Request) error {
	q, err := responseQuery(r)
	if err != nil {
		return err
	}
	page, err := s.deps.Store.ListApprovals(r.Context(), q)
	if err != nil {
		return storeError(err)
	}
	out := approvalPage{Approvals: page.Approvals, Next: page.Next}
	if out.Approvals == nil {
		out.Approvals = []store.Approval{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// decisionRequest is the body of POST /api/v1/approvals/{id}.
type decisionRequest struct {
	Decision string `json:"decision"` // approve | deny
	Reason   string `json:"reason"`
}

// handleDecideApproval is POST /api/v1/approvals/{id}.
func (s *server) handleDecideApproval(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	infoOf(r).target = id
	if s.deps.Approver == nil {
		return errorf(http.StatusNotImplemented, "automated response is not enabled on this server")
	}
	var req decisionRequest
	if err := decodeJSONBody(w, r, &req); err != nil {
		return err
	}
	p := principalOf(r)
	a, err := s.deps.Approver.Decide(r.Context(), id, p.Name, string(p.Role), req.Decision, req.Reason)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errorf(http.StatusNotFound, "no approval %q", id)
	case errors.Is(err, ErrApprovalForbidden):
		return errorf(http.StatusForbidden, "%v", err)
	case errors.Is(err, ErrApprovalClosed):
		return errorf(http.StatusConflict, "%v", err)
	case errors.Is(err, ErrApprovalInvalid):
		return errorf(http.StatusBadRequest, "%v", err)
	case err != nil:
		return internal(err)
	}
	infoOf(r).detail = `{"decision":"` + req.Decision + `","status":"` + a.Status + `"}`
	writeJSON(w, http.StatusOK, a)
	return nil
}

// actionView is one action as GET /api/v1/actions shows it (parameters
// are left out: they may quote event content or PHI).
type actionView struct {
	ID          string     `json:"id"`
	IncidentID  string     `json:"incident_id"`
	FindingID   string     `json:"finding_id"`
	Playbook    string     `json:"playbook"`
	Step        string     `json:"step"`
	Action      string     `json:"action"`
	Target      string     `json:"target"`
	Status      string     `json:"status"`
	DryRun      bool       `json:"dry_run"`
	RequestedAt time.Time  `json:"requested_at"`
	ExecutedAt  *time.Time `json:"executed_at"`
	Error       string     `json:"error"`
	ApprovalID  string     `json:"approval_id,omitempty"`
	Attempts    int        `json:"attempts"`
	Result      string     `json:"result,omitempty"`
	FirstEvent  *time.Time `json:"first_event_at,omitempty"`
}

func viewAction(a store.Action) actionView {
	v := actionView{ID: a.ID, IncidentID: a.IncidentID, FindingID: a.FindingID, Playbook: a.Playbook, Step: a.Step,
		Action: a.Action, Target: a.Target, Status: a.Status, DryRun: a.DryRun, RequestedAt: a.RequestedAt,
		Error: a.Error, ApprovalID: a.ApprovalID, Attempts: a.Attempts, Result: a.Result}
	if !a.ExecutedAt.IsZero() {
		t := a.ExecutedAt
		v.ExecutedAt = &t
	}
	if !a.FirstEvent.IsZero() {
		t := a.FirstEvent
		v.FirstEvent = &t
	}
	return v
}

// handleListActions is GET /api/v1/actions.
func (s *server) handleListActions(w http.ResponseWriter, r *http.Request) error {
	q, err := responseQuery(r)
	if err != nil {
		return err
	}
	page, err := s.deps.Store.ListActions(r.Context(), q)
	if err != nil {
		return storeError(err)
	}
	out := struct {
		Actions []actionView `json:"actions"`
		Next    string       `json:"next"`
	}{Actions: make([]actionView, 0, len(page.Actions)), Next: page.Next}
	for _, a := range page.Actions {
		out.Actions = append(out.Actions, viewAction(a))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
