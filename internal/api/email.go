package api

import (
	"errors"
	"io"
	"net/http"
)

// maxEmailBody bounds POST /api/v1/email/analyze (phish.MaxMessageBytes).
const maxEmailBody = 8 << 20

// handleAnalyzeEmail is POST /api/v1/email/analyze: one raw message in,
// the analysis out. Nothing is stored; the audit records the call, never the
// message.
func (s *server) handleAnalyzeEmail(w http.ResponseWriter, r *http.Request) error {
	if s.deps.AnalyzeEmail == nil {
		return errorf(http.StatusNotImplemented, "email analysis is not configured")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEmailBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "message over %d bytes", maxEmailBody)
		}
		return &httpError{status: http.StatusBadRequest, msg: "reading request body failed", cause: err}
	}
	if len(raw) == 0 {
		return errorf(http.StatusBadRequest, "empty body: send one RFC 5322 message (Content-Type message/rfc822)")
	}
	writeJSON(w, http.StatusOK, s.deps.AnalyzeEmail(r.Context(), raw))
	return nil
}
