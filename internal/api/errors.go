package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// httpError is an error with the status and the user-facing message to
// answer with. The cause is only logged, never sent.
type httpError struct {
	status     int
	msg        string
	cause      error
	retryAfter string // Retry-After header value, if any
}

func (e *httpError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%d %s: %v", e.status, e.msg, e.cause)
	}
	return fmt.Sprintf("%d %s", e.status, e.msg)
}

func (e *httpError) Unwrap() error { return e.cause }

// errorf returns an httpError whose message is shown to the client.
func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// internal returns a 500 whose cause is logged but not shown.
func internal(cause error) *httpError {
	return &httpError{status: http.StatusInternalServerError, msg: "internal error", cause: cause}
}

// apiFunc is a handler that returns its error to the one error writer.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// errorBody is the single JSON error shape.
type errorBody struct {
	Error     string `json:"error"`
	RequestID string `json:"request_id"`
}

// writeError answers err as JSON with the request id and logs 5xx causes.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		he = internal(err)
	}
	info := infoOf(r)
	if he.status >= 500 {
		s.log.Error("request failed", "request_id", info.id, "status", he.status, "err", err)
	}
	info.errMsg = he.msg
	if he.retryAfter != "" {
		w.Header().Set("Retry-After", he.retryAfter)
	}
	writeJSON(w, he.status, errorBody{Error: he.msg, RequestID: info.id})
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(v) // the client may have gone; nothing to do
}

// decodeJSONBody decodes a small JSON request body strictly into v.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "request body over %d bytes", mbe.Limit)
		}
		return errorf(http.StatusBadRequest, "request body: %v", err)
	}
	return nil
}
