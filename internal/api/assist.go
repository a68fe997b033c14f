package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// AskRequest is the body of POST /api/v1/assist/ask: a question about an
// incident or an entity ("kind:value").
type AskRequest struct {
	IncidentID string `json:"incident_id,omitempty"`
	Entity     string `json:"entity,omitempty"`
	Question   string `json:"question"`
}

// Assistant is the AI analyst (internal/assist, adapted in internal/app).
// Answers are JSON documents in the shape of docs/assist.md. Errors map like
// IncidentService errors.
type Assistant interface {
	Summarize(ctx context.Context, incidentID, actor string) (any, error)
	Ask(ctx context.Context, req AskRequest, actor string) (any, error)
}

// maxQuestion bounds a question's length.
const maxQuestion = 4 << 10

func (s *server) assistant() (Assistant, error) {
	if s.deps.Assistant == nil {
		return nil, errorf(http.StatusNotImplemented, "the AI analyst is not enabled on this server")
	}
	return s.deps.Assistant, nil
}

// handleIncidentSummary is POST /api/v1/incidents/{id}/summary.
func (s *server) handleIncidentSummary(w http.ResponseWriter, r *http.Request) error {
	as, err := s.assistant()
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	infoOf(r).target = "incident:" + id
	ans, err := as.Summarize(r.Context(), id, actorOf(r))
	if err != nil {
		return incidentError(err)
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// handleAssistAsk is POST /api/v1/assist/ask.
func (s *server) handleAssistAsk(w http.ResponseWriter, r *http.Request) error {
	as, err := s.assistant()
	if err != nil {
		return err
	}
	var req AskRequest
	if err := decodeJSONBody(w, r, &req); err != nil {
		return err
	}
	req.Question = strings.TrimSpace(req.Question)
	switch {
	case req.Question == "" || len(req.Question) > maxQuestion:
		return errorf(http.StatusUnprocessableEntity, "question must have 1..%d bytes", maxQuestion)
	case (req.IncidentID == "") == (req.Entity == ""):
		return errorf(http.StatusUnprocessableEntity, "give exactly one of incident_id and entity")
	case req.Entity != "" && !strings.Contains(req.Entity, ":"):
		return errorf(http.StatusUnprocessableEntity, "entity must be kind:value (user, host, ip, patient, device, email)")
	}
	if req.IncidentID != "" {
		infoOf(r).target = "incident:" + req.IncidentID
	} else {
		infoOf(r).target = "entity"
	}
	ans, err := as.Ask(r.Context(), req, actorOf(r))
	if err != nil {
		return incidentError(err)
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}
