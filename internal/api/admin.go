package api

import (
	"context"
	_ "embed"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/store"
)

//go:embed openapi.json
var openAPI []byte

// handleOpenAPI is GET /api/openapi.json.
func (s *server) handleOpenAPI(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
	return nil
}

// handleHealthz is GET /healthz: the process serves.
func (s *server) handleHealthz(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// handleReadyz is GET /readyz: Deps.Ready says whether we can do work.
func (s *server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.deps.Ready(ctx); err != nil {
			return errorf(http.StatusServiceUnavailable, "not ready: %v", err)
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// handleMetrics is GET /metrics.
func (s *server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Gatherer == nil {
		return errorf(http.StatusNotImplemented, "metrics are not configured")
	}
	promhttp.HandlerFor(s.deps.Gatherer, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// handleReloadRules is POST /api/v1/rules/reload.
func (s *server) handleReloadRules(w http.ResponseWriter, _ *http.Request) error {
	if s.deps.ReloadRules == nil {
		return errorf(http.StatusNotImplemented, "rule reload is not available")
	}
	if err := s.deps.ReloadRules(); err != nil {
		// The reload error names the bad rule and line; rules are not PHI.
		return errorf(http.StatusUnprocessableEntity, "reload failed, previous rules still active: %v", err)
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reloaded"})
	return nil
}

// handleListTokens is GET /api/v1/tokens (hashes are never shown).
func (s *server) handleListTokens(w http.ResponseWriter, r *http.Request) error {
	toks, err := s.deps.Store.ListTokens(r.Context())
	if err != nil {
		return storeError(err)
	}
	if toks == nil {
		toks = []store.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": toks})
	return nil
}

// createTokenRequest is the body of POST /api/v1/tokens.
type createTokenRequest struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// handleCreateToken is POST /api/v1/tokens: the secret is shown only here.
func (s *server) handleCreateToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decodeJSONBody(w, r, &req); err != nil {
		return err
	}
	infoOf(r).target = strings.TrimSpace(req.Name)
	role, err := auth.ParseRole(req.Role)
	if err != nil {
		return errorf(http.StatusBadRequest, "role: %v", err)
	}
	secret, tok, err := auth.CreateToken(r.Context(), s.deps.Store, req.Name, role)
	switch {
	case errors.Is(err, auth.ErrNameTaken):
		return errorf(http.StatusConflict, "%v", err)
	case err != nil:
		return internal(err)
	}
	infoOf(r).target = tok.Name
	infoOf(r).detail = `{"role":"` + tok.Role + `"}`
	writeJSON(w, http.StatusCreated, map[string]string{"token": secret, "id": tok.ID, "name": tok.Name, "role": tok.Role})
	return nil
}

// handleRevokeToken is DELETE /api/v1/tokens/{idOrName}.
func (s *server) handleRevokeToken(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "idOrName")
	infoOf(r).target = name
	if err := s.deps.Store.RevokeToken(r.Context(), name, s.deps.Now().UTC()); err != nil {
		return storeError(err)
	}
	s.deps.Auth.Invalidate(name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
