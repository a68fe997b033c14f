package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/incident"
	"github.com/vigil-soc/vigil/internal/store"
)

// IncidentService changes incidents (internal/incident.Manager satisfies
// it). Errors with a Conflict() or Invalid() method answer 409 / 422 with
// their message; errors wrapping store.ErrNotFound answer 404.
type IncidentService interface {
	Update(ctx context.Context, id string, u incident.Update, actor string) (store.Incident, error)
	AddNote(ctx context.Context, id, actor, text string) (store.Incident, error)
	Merge(ctx context.Context, id string, others []string, actor string) (store.Incident, error)
	Split(ctx context.Context, id string, findingIDs []string, actor string) (store.Incident, error)
}

// maxIncidentFindings bounds the findings GET /api/v1/incidents/{id} embeds.
const maxIncidentFindings = 500

// incidentDetail is the answer of GET /api/v1/incidents/{id}.
type incidentDetail struct {
	store.Incident
	Details  incident.Doc      `json:"details"`
	Findings []finding.Finding `json:"findings"`
}

// handleGetIncident is GET /api/v1/incidents/{id}: the incident with its
// details (timeline, risk, SLA) and its findings.
func (s *server) handleGetIncident(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.deps.Store.GetIncident(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return storeError(err)
	}
	doc, err := incident.ParseDoc(inc.Data)
	if err != nil {
		return internal(err)
	}
	out := incidentDetail{Incident: inc, Details: doc, Findings: []finding.Finding{}}
	for i, id := range inc.FindingIDs {
		if i == maxIncidentFindings {
			break
		}
		f, err := s.deps.Store.GetFinding(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return storeError(err)
		}
		out.Findings = append(out.Findings, f)
	}
	if !principalOf(r).Can(auth.PHIRead) {
		maskDetail(&out)
	}
	if out.Details.Timeline == nil {
		out.Details.Timeline = []incident.TimelineEntry{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// maskDetail masks patient ids in the incident, its timeline and findings.
func maskDetail(d *incidentDetail) {
	var ids []string
	for _, e := range d.Entities {
		if id, ok := strings.CutPrefix(e, "patient:"); ok {
			ids = append(ids, id)
		}
	}
	maskIncident(&d.Incident)
	tl := make([]incident.TimelineEntry, len(d.Details.Timeline))
	for i, e := range d.Details.Timeline {
		e.Text, e.Ref = maskText(e.Text, ids...), maskText(e.Ref, ids...)
		tl[i] = e
	}
	d.Details.Timeline = tl
	for i := range d.Findings {
		maskFinding(&d.Findings[i])
	}
}

func (s *server) incidents() (IncidentService, error) {
	if s.deps.Incidents == nil {
		return nil, errorf(http.StatusNotImplemented, "incident management is not enabled on this server")
	}
	return s.deps.Incidents, nil
}

// incidentError maps IncidentService errors to HTTP answers.
func incidentError(err error) error {
	var conflict interface{ Conflict() bool }
	var invalid interface{ Invalid() bool }
	switch {
	case err == nil:
		return nil
	case errors.As(err, &conflict):
		return errorf(http.StatusConflict, "%s", err.Error())
	case errors.As(err, &invalid):
		return errorf(http.StatusUnprocessableEntity, "%s", err.Error())
	}
	return storeError(err)
}

func actorOf(r *http.Request) string {
	p := principalOf(r)
	return p.Name
}

// handlePatchIncident is PATCH /api/v1/incidents/{id}.
func (s *server) handlePatchIncident(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	var u incident.Update
	if err := decodeJSONBody(w, r, &u); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	info := infoOf(r)
	info.target = "incident:" + id
	var parts []string
	if u.Status != nil {
		parts = append(parts, "status="+*u.Status)
	}
	if u.Severity != nil {
		parts = append(parts, "severity="+*u.Severity)
	}
	if u.Assignee != nil {
		parts = append(parts, "assignee="+*u.Assignee)
	}
	info.detail = strings.Join(parts, " ")
	inc, err := svc.Update(r.Context(), id, u, actorOf(r))
	if err != nil {
		return incidentError(err)
	}
	writeJSON(w, http.StatusOK, inc)
	return nil
}

// handleIncidentNote is POST /api/v1/incidents/{id}/notes.
func (s *server) handleIncidentNote(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	var body struct {
		Text string `json:"text"`
	}
	if err := decodeJSONBody(w, r, &body); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	infoOf(r).target = "incident:" + id
	infoOf(r).detail = fmt.Sprintf("note of %d bytes", len(body.Text)) // the text may hold PHI
	inc, err := svc.AddNote(r.Context(), id, actorOf(r), body.Text)
	if err != nil {
		return incidentError(err)
	}
	writeJSON(w, http.StatusCreated, inc)
	return nil
}

// handleMergeIncidents is POST /api/v1/incidents/{id}/merge.
func (s *server) handleMergeIncidents(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	var body struct {
		Incidents []string `json:"incidents"`
	}
	if err := decodeJSONBody(w, r, &body); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	infoOf(r).target = "incident:" + id
	infoOf(r).detail = "merge " + strings.Join(body.Incidents, ",")
	inc, err := svc.Merge(r.Context(), id, body.Incidents, actorOf(r))
	if err != nil {
		return incidentError(err)
	}
	writeJSON(w, http.StatusOK, inc)
	return nil
}

// handleSplitIncident is POST /api/v1/incidents/{id}/split.
func (s *server) handleSplitIncident(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	var body struct {
		Findings []string `json:"findings"`
	}
	if err := decodeJSONBody(w, r, &body); err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	infoOf(r).target = "incident:" + id
	infoOf(r).detail = "split " + strings.Join(body.Findings, ",")
	inc, err := svc.Split(r.Context(), id, body.Findings, actorOf(r))
	if err != nil {
		return incidentError(err)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"incident": inc})
	return nil
}
