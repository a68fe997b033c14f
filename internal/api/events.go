package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/store"
)

// eventPage is the answer of GET /api/v1/events.
type eventPage struct {
	Events []event.View `json:"events"`
	Next   string       `json:"next"`
}

// eventWithRaw is the answer of GET /api/v1/events/{id}.
type eventWithRaw struct {
	event.View
	Raw string `json:"raw,omitempty"`
}

// eventQuery builds a store query from q, from, to, limit and cursor.
func (s *server) eventQuery(v url.Values) (store.EventQuery, error) {
	var eq store.EventQuery
	if q := strings.TrimSpace(v.Get("q")); q != "" {
		parsed, err := s.deps.ParseQuery(q)
		if err != nil {
			return eq, errorf(http.StatusBadRequest, "q: %v", err)
		}
		eq.Filter = parsed
	}
	var err error
	now := s.deps.Now()
	if eq.From, err = parseTime(v.Get("from"), now); err != nil {
		return eq, errorf(http.StatusBadRequest, "from: %v", err)
	}
	if eq.To, err = parseTime(v.Get("to"), now); err != nil {
		return eq, errorf(http.StatusBadRequest, "to: %v", err)
	}
	if !eq.From.IsZero() && !eq.To.IsZero() && !eq.From.Before(eq.To) {
		return eq, errorf(http.StatusBadRequest, "from must be before to")
	}
	if eq.Limit, err = parseLimit(v.Get("limit")); err != nil {
		return eq, err
	}
	eq.Cursor = v.Get("cursor")
	return eq, nil
}

// parseTime parses RFC 3339, "now" or "now-<duration>" (h, m, s, and d for
// days, e.g. now-24h, now-7d). Empty means unbounded (zero time).
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if rest, ok := strings.CutPrefix(s, "now"); ok {
		if rest == "" {
			return now.UTC(), nil
		}
		sign := rest[0]
		if sign != '-' && sign != '+' {
			return time.Time{}, fmt.Errorf("%q: want now, now-24h or RFC 3339", s)
		}
		d, err := parseDuration(rest[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: %v", s, err)
		}
		if sign == '-' {
			d = -d
		}
		return now.Add(d).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not RFC 3339 (2006-01-02T15:04:05Z) nor relative (now-24h)", s)
	}
	return t.UTC(), nil
}

// parseDuration is time.ParseDuration plus a whole-days form ("7d").
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("bad day count %q", days)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// parseLimit parses a page size: empty = the default, else 1..MaxLimit.
func parseLimit(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > store.MaxLimit {
		return 0, errorf(http.StatusBadRequest, "limit: %q is not a number from 1 to %d", s, store.MaxLimit)
	}
	return n, nil
}

// handleSearchEvents is GET /api/v1/events.
func (s *server) handleSearchEvents(w http.ResponseWriter, r *http.Request) error {
	eq, err := s.eventQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.deps.Store.SearchEvents(r.Context(), eq)
	if err != nil {
		return storeError(err)
	}
	phi := principalOf(r).Can(auth.PHIRead)
	out := eventPage{Events: make([]event.View, 0, len(page.Events)), Next: page.Next}
	for _, ev := range page.Events {
		v := ev.View()
		if !phi {
			maskPHI(&v)
		}
		out.Events = append(out.Events, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleCountEvents is GET /api/v1/events/count.
func (s *server) handleCountEvents(w http.ResponseWriter, r *http.Request) error {
	eq, err := s.eventQuery(r.URL.Query())
	if err != nil {
		return err
	}
	n, err := s.deps.Store.CountEvents(r.Context(), eq)
	if err != nil {
		return storeError(err)
	}
	writeJSON(w, http.StatusOK, map[string]int64{"count": n})
	return nil
}

// handleGetEvent is GET /api/v1/events/{id}.
func (s *server) handleGetEvent(w http.ResponseWriter, r *http.Request) error {
	ev, err := s.deps.Store.GetEvent(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return storeError(err)
	}
	out := eventWithRaw{View: ev.View()}
	if principalOf(r).Can(auth.PHIRead) {
		out.Raw = string(ev.Raw)
	} else {
		maskPHI(&out.View)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// storeError maps store.ErrNotFound to 404 and anything else to 500.
func storeError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "not found")
	}
	return internal(err)
}
