package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/vigil-soc/vigil/internal/auth"
)

// route is one API route with the permission it needs. perm "" on a
// non-public route means any valid token.
type route struct {
	method, pattern string
	perm            auth.Permission
	public          bool // no token needed
	h               apiFunc
}

// routeTable lists every route; the OpenAPI document must match it (tested).
func (s *server) routeTable() []route {
	return []route{
		{method: "GET", pattern: "/healthz", public: true, h: s.handleHealthz},
		{method: "GET", pattern: "/readyz", public: true, h: s.handleReadyz},
		{method: "GET", pattern: "/metrics", perm: auth.MetricsRead, h: s.handleMetrics},
		{method: "GET", pattern: "/api/openapi.json", h: s.handleOpenAPI},

		{method: "POST", pattern: "/api/v1/events", perm: auth.EventsWrite, h: s.handleIngest},
		{method: "GET", pattern: "/api/v1/events", perm: auth.EventsRead, h: s.handleSearchEvents},
		{method: "GET", pattern: "/api/v1/events/count", perm: auth.EventsRead, h: s.handleCountEvents},
		{method: "GET", pattern: "/api/v1/events/{id}", perm: auth.EventsRead, h: s.handleGetEvent},

		{method: "GET", pattern: "/api/v1/findings", perm: auth.FindingsRead, h: s.handleListFindings},
		{method: "GET", pattern: "/api/v1/incidents", perm: auth.IncidentsRead, h: s.handleListIncidents},
		{method: "GET", pattern: "/api/v1/incidents/{id}", perm: auth.IncidentsRead, h: s.handleGetIncident},
		{method: "PATCH", pattern: "/api/v1/incidents/{id}", perm: auth.IncidentsWrite, h: s.handlePatchIncident},
		{method: "POST", pattern: "/api/v1/incidents/{id}/notes", perm: auth.IncidentsWrite, h: s.handleIncidentNote},
		{method: "POST", pattern: "/api/v1/incidents/{id}/merge", perm: auth.IncidentsWrite, h: s.handleMergeIncidents},
		{method: "POST", pattern: "/api/v1/incidents/{id}/split", perm: auth.IncidentsWrite, h: s.handleSplitIncident},
		{method: "POST", pattern: "/api/v1/incidents/{id}/summary", perm: auth.IncidentsWrite, h: s.handleIncidentSummary},
		{method: "POST", pattern: "/api/v1/assist/ask", perm: auth.IncidentsWrite, h: s.handleAssistAsk},

		{method: "GET", pattern: "/api/v1/dlq", perm: auth.DLQRead, h: s.handleListDLQ},
		{method: "POST", pattern: "/api/v1/dlq/replay", perm: auth.DLQWrite, h: s.handleReplayDLQ},

		{method: "GET", pattern: "/api/v1/audit", perm: auth.AuditRead, h: s.handleListAudit},

		{method: "GET", pattern: "/api/v1/tokens", perm: auth.TokensManage, h: s.handleListTokens},
		{method: "POST", pattern: "/api/v1/tokens", perm: auth.TokensManage, h: s.handleCreateToken},
		{method: "DELETE", pattern: "/api/v1/tokens/{idOrName}", perm: auth.TokensManage, h: s.handleRevokeToken},

		{method: "POST", pattern: "/api/v1/rules/reload", perm: auth.RulesManage, h: s.handleReloadRules},

		{method: "POST", pattern: "/api/v1/context", perm: auth.ContextWrite, h: s.handleImportContext},
		{method: "GET", pattern: "/api/v1/context", perm: auth.EventsRead, h: s.handleGetContext},
		{method: "GET", pattern: "/api/v1/approvals", perm: auth.IncidentsRead, h: s.handleListApprovals},
		{method: "POST", pattern: "/api/v1/approvals/{id}", perm: auth.ActionsApprove, h: s.handleDecideApproval},
		{method: "GET", pattern: "/api/v1/actions", perm: auth.IncidentsRead, h: s.handleListActions},
		{method: "POST", pattern: "/api/v1/email/analyze", perm: auth.EventsRead, h: s.handleAnalyzeEmail},
	}
}

// routes builds the router.
func (s *server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.observe)
	for _, rt := range s.routeTable() {
		r.Method(rt.method, rt.pattern, s.guard(rt))
	}
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, errorf(http.StatusNotFound, "no such route"))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, errorf(http.StatusMethodNotAllowed, "method not allowed"))
	})
	return r
}
