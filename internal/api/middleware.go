package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/store"
)

// reqInfo is the per-request state shared between the outer middleware and
// the handlers (it is only touched by the request's goroutine).
type reqInfo struct {
	id        string
	principal *auth.Principal // nil until authenticated
	target    string          // audit target, set by handlers
	detail    string          // audit detail, set by handlers (no PHI, no secrets)
	errMsg    string          // user-facing error message, if any
}

type infoKey struct{}

// infoOf returns the request's reqInfo (a throwaway one outside observe).
func infoOf(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// principalOf returns the authenticated caller (zero if none).
func principalOf(r *http.Request) auth.Principal {
	if p := infoOf(r).principal; p != nil {
		return *p
	}
	return auth.Principal{}
}

// requestID keeps a sane incoming X-Request-Id or makes a new one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && strings.IndexFunc(id, func(c rune) bool {
		return !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
	}) < 0 {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe is the outermost middleware: request id, security headers, panic
// recovery, access log, HTTP metrics and the audit record of mutations.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{id: requestID(r)}
		w.Header().Set("X-Request-Id", info.id)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		func() {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					s.log.Error("panic", "request_id", info.id, "panic", v, "stack", string(debug.Stack()))
					if sw.status == 0 {
						s.writeError(sw, r, internal(errors.New("panic")))
					}
				}
			}()
			next.ServeHTTP(sw, r)
		}()
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		dur := time.Since(start)
		code := strconv.Itoa(sw.status)
		s.met.httpRequests.WithLabelValues(route, code).Inc()
		s.met.httpSeconds.WithLabelValues(route).Observe(dur.Seconds())
		actor, role := "anonymous", ""
		if info.principal != nil {
			actor, role = info.principal.Name, string(info.principal.Role)
		}
		// No query string or path: they may carry patient identifiers.
		s.log.Info("request", "request_id", info.id, "method", r.Method, "route", route,
			"status", sw.status, "duration", dur, "actor", actor)
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			s.audit(r.Context(), store.AuditRecord{Actor: actor, Role: role, Action: r.Method + " " + route,
				Target: info.target, Status: sw.status, Detail: auditDetail(info)})
		}
	})
}

// auditDetail is the handler's detail, else the error message (our own
// wording, which never includes secrets or request bodies).
func auditDetail(info *reqInfo) string {
	if info.detail != "" {
		return info.detail
	}
	return info.errMsg
}

// audit appends rec, even if the client has gone away.
func (s *server) audit(ctx context.Context, rec store.AuditRecord) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.deps.Audit.Append(ctx, rec); err != nil {
		s.log.Error("audit append failed", "action", rec.Action, "status", rec.Status, "err", err)
	}
}

// guard wraps a route's handler with authentication, the permission check
// and the error writer.
func (s *server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(rt.pattern, "/api/") {
			w.Header().Set("Cache-Control", "no-store")
		}
		if err := s.authorize(w, r, rt); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := rt.h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authorize authenticates the bearer token (unless the route is public)
// and checks the route's permission.
func (s *server) authorize(w http.ResponseWriter, r *http.Request, rt route) error {
	if rt.public {
		return nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
		return errorf(http.StatusUnauthorized, "missing bearer token")
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigil", error="invalid_request"`)
		return errorf(http.StatusUnauthorized, "Authorization header is not a bearer token")
	}
	p, err := s.deps.Auth.Authenticate(r.Context(), tok)
	switch {
	case errors.Is(err, auth.ErrRevoked), errors.Is(err, auth.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigil", error="invalid_token"`)
		msg := "invalid API token"
		if errors.Is(err, auth.ErrRevoked) {
			msg = "API token revoked"
		}
		return &httpError{status: http.StatusUnauthorized, msg: msg}
	case err != nil:
		return &httpError{status: http.StatusServiceUnavailable, msg: "cannot check token now", cause: err}
	}
	infoOf(r).principal = &p
	if rt.perm != "" && !p.Can(rt.perm) {
		return errorf(http.StatusForbidden, "role %s lacks permission %s", p.Role, rt.perm)
	}
	return nil
}
