package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/vigil-soc/vigil/internal/event"
)

// deadLetterView is a dead letter as the API shows it (raw as text).
type deadLetterView struct {
	DeadLetter
	Raw string `json:"raw"`
}

// handleListDLQ is GET /api/v1/dlq.
func (s *server) handleListDLQ(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	var after uint64
	if a := v.Get("after"); a != "" {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			return errorf(http.StatusBadRequest, "after: %q is not a sequence number", a)
		}
		after = n
	}
	lim, err := parseLimit(v.Get("limit"))
	if err != nil {
		return err
	}
	if lim == 0 {
		lim = 100
	}
	dls, err := s.deps.DeadLetters.ListDLQ(r.Context(), after, lim)
	if err != nil {
		return s.pipelineError("list dead letters", err)
	}
	out := make([]deadLetterView, len(dls))
	for i, dl := range dls {
		out[i] = deadLetterView{DeadLetter: dl, Raw: string(dl.Raw)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead_letters": out})
	return nil
}

// replayRequest is the body of POST /api/v1/dlq/replay.
type replayRequest struct {
	Seqs   []uint64 `json:"seqs"`
	All    bool     `json:"all"`
	Format string   `json:"format"` // override of each letter's format
}

// replayFailure is one letter that still does not decode.
type replayFailure struct {
	Seq   uint64 `json:"seq"`
	Error string `json:"error"`
}

// replayBatch is how many letters are read per page during a replay.
const replayBatch = 500

// handleReplayDLQ is POST /api/v1/dlq/replay: re-decode the chosen letters,
// publish those that decode now, then delete them from the queue.
func (s *server) handleReplayDLQ(w http.ResponseWriter, r *http.Request) error {
	var req replayRequest
	if err := decodeJSONBody(w, r, &req); err != nil {
		return err
	}
	if req.All == (len(req.Seqs) > 0) {
		return errorf(http.StatusBadRequest, `give either "seqs" or "all": true`)
	}
	var override event.Format
	if req.Format != "" {
		f, err := s.parseFormat(req.Format)
		if err != nil {
			return errorf(http.StatusBadRequest, "format: %v", err)
		}
		override = f
	}
	replayed, failed := 0, []replayFailure{}
	process := func(dls []DeadLetter) error {
		var evs []*event.Event
		var seqs []uint64
		for _, dl := range dls {
			format := override
			if format == "" && req.Format == "" {
				f, err := s.parseFormat(dl.Format)
				if err != nil {
					failed = append(failed, replayFailure{Seq: dl.Seq, Error: err.Error()})
					continue
				}
				format = f
			}
			ev := &event.Event{}
			if err := s.deps.Decoder.Decode(format, dl.Raw, ev); err != nil {
				failed = append(failed, replayFailure{Seq: dl.Seq, Error: err.Error()})
				continue
			}
			s.finishEvent(ev, dl.Raw, dl.Time)
			evs, seqs = append(evs, ev), append(seqs, dl.Seq)
		}
		if len(evs) > 0 {
			if _, err := s.deps.Publisher.Publish(r.Context(), evs); err != nil {
				return s.pipelineError("publish replay", err)
			}
		}
		for _, seq := range seqs { // only after they are durable
			if err := s.deps.DeadLetters.DeleteDLQ(r.Context(), seq); err != nil {
				return s.pipelineError("delete dead letter", err)
			}
			replayed++
		}
		return nil
	}
	var err error
	if req.All {
		err = s.replayAll(r, process)
	} else {
		err = s.replaySeqs(r, req.Seqs, process, &failed)
	}
	infoOf(r).detail = fmt.Sprintf(`{"replayed":%d,"failed":%d}`, replayed, len(failed))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"replayed": replayed, "failed": failed})
	return nil
}

// replayAll pages through the whole queue once.
func (s *server) replayAll(r *http.Request, process func([]DeadLetter) error) error {
	var after uint64
	for {
		dls, err := s.deps.DeadLetters.ListDLQ(r.Context(), after, replayBatch)
		if err != nil {
			return s.pipelineError("list dead letters", err)
		}
		if len(dls) == 0 {
			return nil
		}
		after = dls[len(dls)-1].Seq
		if err := process(dls); err != nil {
			return err
		}
	}
}

// replaySeqs looks the given letters up one by one.
func (s *server) replaySeqs(r *http.Request, seqs []uint64, process func([]DeadLetter) error, failed *[]replayFailure) error {
	if len(seqs) > replayBatch {
		return errorf(http.StatusBadRequest, "seqs: at most %d per request", replayBatch)
	}
	var dls []DeadLetter
	for _, seq := range seqs {
		if seq == 0 {
			*failed = append(*failed, replayFailure{Seq: seq, Error: "not found"})
			continue
		}
		got, err := s.deps.DeadLetters.ListDLQ(r.Context(), seq-1, 1)
		if err != nil {
			return s.pipelineError("list dead letters", err)
		}
		if len(got) == 0 || got[0].Seq != seq {
			*failed = append(*failed, replayFailure{Seq: seq, Error: "not found"})
			continue
		}
		dls = append(dls, got[0])
	}
	return process(dls)
}
