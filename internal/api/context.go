package api

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/hospital"
)

// contextImportTimeout bounds one context file upload and import.
const contextImportTimeout = 30 * time.Minute

// ContextImporter imports hospital context files and shows the current
// snapshot; *hospital.Holder satisfies it.
type ContextImporter interface {
	Import(ctx context.Context, name string, k hospital.Kind, r io.Reader) (hospital.Result, error)
	Current() *hospital.Context
}

// handleImportContext is POST /api/v1/context?file=<basename>[&kind=<kind>].
// The body is the file (NDJSON or CSV, gzip accepted by Content-Encoding or
// by its magic bytes), bounded by Config.MaxContextBody after decompression.
func (s *server) handleImportContext(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Context == nil {
		return errorf(http.StatusNotImplemented, "hospital context is not available")
	}
	file := path.Base(strings.ReplaceAll(r.URL.Query().Get("file"), "\\", "/"))
	if file == "" || file == "." || file == "/" {
		return errorf(http.StatusBadRequest, "file: missing (the file's base name decides its kind, e.g. Patient.ndjson)")
	}
	k, err := contextKind(file, r.URL.Query().Get("kind"))
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	infoOf(r).target = file
	// A whole Patient.ndjson of a large hospital takes longer than the
	// server's 2-minute read/write timeouts; this route gets 30 minutes.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(contextImportTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(contextImportTimeout))
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if enc != "" && enc != "identity" && enc != "gzip" {
		return errorf(http.StatusUnsupportedMediaType, "unsupported Content-Encoding %q (use gzip)", enc)
	}
	max := s.cfg.MaxContextBody
	if r.ContentLength > max {
		return errorf(http.StatusRequestEntityTooLarge, "request body over %d bytes", max)
	}
	body := bufio.NewReaderSize(http.MaxBytesReader(w, r.Body, max), 64<<10)
	var in io.Reader = body
	if magic, _ := body.Peek(2); enc == "gzip" || (len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		gz, err := gzip.NewReader(body)
		if err != nil {
			return errorf(http.StatusBadRequest, "gzip: %v", err)
		}
		defer gz.Close()
		in = &limitedReader{r: gz, n: max}
	}
	res, err := s.deps.Context.Import(r.Context(), file, k, in)
	infoOf(r).detail = fmt.Sprintf(`{"kind":%q,"loaded":%d,"rejected":%d,"version":%q}`, k, res.Loaded,
		res.RejectedTotal, res.Version)
	if err != nil {
		return contextImportError(err)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func contextKind(file, kind string) (hospital.Kind, error) {
	if kind != "" {
		return hospital.ParseKind(kind)
	}
	return hospital.KindOf(file)
}

func contextImportError(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, errBodyTooLarge):
		return errorf(http.StatusRequestEntityTooLarge, "context file too large: nothing was loaded")
	case errors.Is(err, hospital.ErrUnreadable):
		return errorf(http.StatusBadRequest, "%v", err)
	}
	return fmt.Errorf("context import: %w", err)
}

// contextSummary is the answer of GET /api/v1/context.
type contextSummary struct {
	Version string         `json:"version"`
	Counts  map[string]int `json:"counts"`
}

// handleGetContext is GET /api/v1/context: the version and record counts.
func (s *server) handleGetContext(w http.ResponseWriter, _ *http.Request) error {
	if s.deps.Context == nil {
		return errorf(http.StatusNotImplemented, "hospital context is not available")
	}
	c := s.deps.Context.Current()
	sum := contextSummary{Version: c.Version(), Counts: map[string]int{}}
	for k, n := range c.Counts() {
		sum.Counts[string(k)] = n
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}
