package api

import (
	"net/http"
	"strconv"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// findingPage is the answer of GET /api/v1/findings.
type findingPage struct {
	Findings []finding.Finding `json:"findings"`
	Next     string            `json:"next"`
}

// handleListFindings is GET /api/v1/findings.
func (s *server) handleListFindings(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	fq := store.FindingQuery{Detector: v.Get("detector"), RuleID: v.Get("rule_id"),
		Entity: v.Get("entity"), Cursor: v.Get("cursor")}
	var err error
	if sev := v.Get("severity"); sev != "" {
		if fq.MinSeverity, err = finding.ParseSeverity(sev); err != nil {
			return errorf(http.StatusBadRequest, "severity: %v", err)
		}
	}
	now := s.deps.Now()
	if fq.From, err = parseTime(v.Get("from"), now); err != nil {
		return errorf(http.StatusBadRequest, "from: %v", err)
	}
	if fq.To, err = parseTime(v.Get("to"), now); err != nil {
		return errorf(http.StatusBadRequest, "to: %v", err)
	}
	if fq.Limit, err = parseLimit(v.Get("limit")); err != nil {
		return err
	}
	page, err := s.deps.Store.ListFindings(r.Context(), fq)
	if err != nil {
		return storeError(err)
	}
	out := findingPage{Findings: page.Findings, Next: page.Next}
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	if !principalOf(r).Can(auth.PHIRead) {
		for i := range out.Findings {
			maskFinding(&out.Findings[i])
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// incidentPage is the answer of GET /api/v1/incidents.
type incidentPage struct {
	Incidents []store.Incident `json:"incidents"`
	Next      string           `json:"next"`
}

// handleListIncidents is GET /api/v1/incidents.
func (s *server) handleListIncidents(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	lim, err := parseLimit(v.Get("limit"))
	if err != nil {
		return err
	}
	iq := store.IncidentQuery{Status: v.Get("status"), Assignee: v.Get("assignee"), Entity: v.Get("entity"),
		Limit: lim, Cursor: v.Get("cursor")}
	if sev := v.Get("severity"); sev != "" {
		parsed, err := finding.ParseSeverity(sev)
		if err != nil {
			return errorf(http.StatusBadRequest, "severity: %v", err)
		}
		iq.Severity = string(parsed)
	}
	page, err := s.deps.Store.ListIncidents(r.Context(), iq)
	if err != nil {
		return storeError(err)
	}
	out := incidentPage{Incidents: page.Incidents, Next: page.Next}
	if out.Incidents == nil {
		out.Incidents = []store.Incident{}
	}
	if !principalOf(r).Can(auth.PHIRead) {
		for i := range out.Incidents {
			maskIncident(&out.Incidents[i])
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleListAudit is GET /api/v1/audit.
func (s *server) handleListAudit(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	var after int64
	if a := v.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return errorf(http.StatusBadRequest, "after: %q is not a sequence number", a)
		}
		after = n
	}
	lim, err := parseLimit(v.Get("limit"))
	if err != nil {
		return err
	}
	if lim == 0 {
		lim = store.DefaultLimit
	}
	recs, err := s.deps.Store.ListAudit(r.Context(), after, lim)
	if err != nil {
		return storeError(err)
	}
	if recs == nil {
		recs = []store.AuditRecord{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": recs})
	return nil
}
