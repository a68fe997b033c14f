package api

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// maxRejectedListed caps the rejected list of one ingest response; the
// total is always in rejected_total.
const maxRejectedListed = 1000

// maxDeadRaw caps the raw bytes kept for a dead letter of an over-long line.
const maxDeadRaw = 64 << 10

// rejection is one record the ingest API could not decode.
type rejection struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// ingestResult is the answer of POST /api/v1/events.
type ingestResult struct {
	Accepted      int         `json:"accepted"`
	Duplicates    int         `json:"duplicates"`
	Rejected      []rejection `json:"rejected"`
	RejectedTotal int         `json:"rejected_total"`
}

// errBodyTooLarge is returned by limitedReader past its limit.
var errBodyTooLarge = errors.New("body too large")

// limitedReader fails with errBodyTooLarge once more than n bytes are read.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

// handleIngest is POST /api/v1/events.
func (s *server) handleIngest(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	defer func() { s.met.ingestSeconds.Observe(time.Since(start).Seconds()) }()
	kind, err := bodyKindOf(r.Header.Get("Content-Type"))
	if err != nil {
		return errorf(http.StatusUnsupportedMediaType, "%v", err)
	}
	format, err := s.parseFormat(r.URL.Query().Get("format"))
	if err != nil {
		return errorf(http.StatusBadRequest, "format: %v", err)
	}
	kind, format = emlBody(r.Header.Get("Content-Type"), kind, format)
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if enc != "" && enc != "identity" && enc != "gzip" {
		return errorf(http.StatusUnsupportedMediaType, "unsupported Content-Encoding %q (use gzip)", enc)
	}
	if r.ContentLength > s.cfg.MaxBody {
		return errorf(http.StatusRequestEntityTooLarge, "request body over %d bytes", s.cfg.MaxBody)
	}
	weight := s.cfg.MaxBody
	if r.ContentLength >= 0 && enc != "gzip" {
		weight = r.ContentLength
	}
	held, ok := s.lim.acquire(r.Context(), weight, s.cfg.AcquireWait)
	if !ok {
		s.met.overload.WithLabelValues("429").Inc()
		return &httpError{status: http.StatusTooManyRequests, msg: "ingest is at capacity; retry shortly", retryAfter: "1"}
	}
	defer s.lim.release(held)

	var body io.Reader = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	if enc == "gzip" {
		gz, err := gzip.NewReader(body)
		if err != nil {
			return s.ingestReadError(err, 0)
		}
		defer gz.Close()
		body = &limitedReader{r: gz, n: s.cfg.MaxBody}
	}
	run := &ingestRun{s: s, r: r, format: format, source: principalOf(r).Name,
		res: ingestResult{Rejected: []rejection{}}}
	err = splitBody(body, kind, s.cfg.MaxLine, run.record)
	if err == nil {
		err = run.flush()
	}
	res := run.res
	infoOf(r).detail = fmt.Sprintf(`{"accepted":%d,"rejected":%d}`, res.Accepted, res.RejectedTotal)
	if err != nil {
		return s.ingestReadError(err, res.Accepted)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// emlBody: an email is one record whatever its lines (format=eml with a
// text body, or Content-Type message/rfc822 which implies format=eml).
// A JSON or NDJSON body (by Content-Type) with format=eml holds envelopes
// ({"vigil.format":"eml","raw_base64":…}) and is split as usual.
func emlBody(contentType string, kind bodyKind, format event.Format) (bodyKind, event.Format) {
	switch {
	case kind == kindWhole:
		return kindWhole, event.FormatEML
	case format == event.FormatEML && kind == kindLines && !strings.Contains(contentType, "json"):
		return kindWhole, format
	}
	return kind, format
}

// ingestReadError maps an error met while reading, decoding or publishing a
// body to the answer. accepted events are durable already; saying so lets
// the client know a retry is safe (ids make it idempotent).
func (s *server) ingestReadError(err error, accepted int) error {
	note := ""
	if accepted > 0 {
		note = fmt.Sprintf(" (%d events before this point were accepted; resending is safe)", accepted)
	}
	var mbe *http.MaxBytesError
	var he *httpError
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &mbe), errors.Is(err, errBodyTooLarge):
		return errorf(http.StatusRequestEntityTooLarge, "request body over %d bytes (after decompression)%s", s.cfg.MaxBody, note)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, "bad gzip body: %v%s", err, note)
	}
	return &httpError{status: http.StatusBadRequest, msg: "reading request body failed" + note, cause: err}
}

// ingestRun is the state of one ingest request.
type ingestRun struct {
	s      *server
	r      *http.Request
	format event.Format
	source string
	batch  []*event.Event
	res    ingestResult
}

// record decodes one record into the batch or rejects it.
func (run *ingestRun) record(rec record) error {
	if rec.Err != nil {
		raw := rec.Raw
		if len(raw) > maxDeadRaw {
			raw = raw[:maxDeadRaw]
		}
		return run.reject(rec.N, rec.Err.Error(), bytes.Clone(raw))
	}
	raw := bytes.Clone(rec.Raw)
	ev := &event.Event{}
	if err := run.s.deps.Decoder.Decode(run.format, raw, ev); err != nil {
		return run.reject(rec.N, err.Error(), raw)
	}
	run.s.finishEvent(ev, raw, time.Time{})
	run.batch = append(run.batch, ev)
	if len(run.batch) >= run.s.cfg.PublishChunk {
		return run.flush()
	}
	return nil
}

// finishEvent fills what the decoder may leave empty: raw, ingest time,
// event time (fallback, else now) and a content id.
func (s *server) finishEvent(ev *event.Event, raw []byte, fallback time.Time) {
	now := s.deps.Now().UTC()
	if ev.Raw == nil {
		ev.Raw = raw
	}
	ev.Ingested = now
	if ev.Time.IsZero() {
		ev.Time = fallback
		if ev.Time.IsZero() {
			ev.Time = now
		}
	}
	if ev.ID == "" {
		ev.ID = event.ContentID([]byte(ev.Format), raw)
	}
}

// reject records a failed record and sends it to the dead-letter queue.
func (run *ingestRun) reject(n int, reason string, raw []byte) error {
	run.res.RejectedTotal++
	if len(run.res.Rejected) < maxRejectedListed {
		run.res.Rejected = append(run.res.Rejected, rejection{Line: n, Error: reason})
	}
	run.s.met.ingestRejected.Inc()
	dl := DeadLetter{Time: run.s.deps.Now().UTC(), Format: string(run.format), Source: run.source,
		Reason: fmt.Sprintf("line %d: %s", n, reason), Raw: raw}
	if err := run.s.deps.DeadLetters.PublishDLQ(run.r.Context(), dl); err != nil {
		return run.s.pipelineError("dead-letter queue", err)
	}
	return nil
}

// flush publishes the batch; it returns once the events are durable.
func (run *ingestRun) flush() error {
	if len(run.batch) == 0 {
		return nil
	}
	dups, err := run.s.deps.Publisher.Publish(run.r.Context(), run.batch)
	if err != nil {
		return run.s.pipelineError("publish", err)
	}
	for _, ev := range run.batch {
		run.s.met.ingestEvents.WithLabelValues(string(ev.Format)).Inc()
	}
	run.res.Accepted += len(run.batch)
	run.res.Duplicates += dups
	run.batch = make([]*event.Event, 0, len(run.batch))
	return nil
}

// pipelineError maps a Publisher/DeadLetters error: overload → 503 with
// Retry-After: 5, anything else → 500.
func (s *server) pipelineError(what string, err error) error {
	if errors.Is(err, ErrOverloaded) {
		s.met.overload.WithLabelValues("503").Inc()
		return &httpError{status: http.StatusServiceUnavailable, msg: "pipeline overloaded; retry in a few seconds",
			cause: err, retryAfter: "5"}
	}
	return internal(fmt.Errorf("%s: %w", what, err))
}

// parseFormat parses ?format= with Deps.ParseFormat or the built-in list.
func (s *server) parseFormat(name string) (event.Format, error) {
	if s.deps.ParseFormat != nil {
		return s.deps.ParseFormat(name)
	}
	known := []event.Format{event.FormatECS, event.FormatWinFlat, event.FormatEvtxJSON, event.FormatFHIR,
		event.FormatCEF, event.FormatSyslog, event.FormatJSON, event.FormatEML}
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" || n == "auto" {
		return event.FormatAuto, nil
	}
	names := make([]string, len(known))
	for i, f := range known {
		if string(f) == n {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (valid: auto, %s)", name, strings.Join(names, ", "))
}
