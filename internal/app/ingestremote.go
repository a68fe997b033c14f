package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// remoteSink posts batches to a running server's POST /api/v1/events.
// Retries (overload, network errors) are safe: events carry stable ids and
// the pipeline drops duplicates.
type remoteSink struct {
	endpoint string
	token    string
	client   *http.Client
	retries  int
}

func newRemoteSink(server, token, format string) (*remoteSink, error) {
	u, err := url.Parse(strings.TrimRight(server, "/") + "/api/v1/events")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("--server %q: want http(s)://host:port", server)
	}
	if format != "" {
		q := u.Query()
		q.Set("format", format)
		u.RawQuery = q.Encode()
	}
	return &remoteSink{endpoint: u.String(), token: token,
		client: &http.Client{Timeout: 5 * time.Minute}, retries: 8}, nil
}

type ingestAnswer struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	Rejected   []struct {
		Line  int    `json:"line"`
		Error string `json:"error"`
	} `json:"rejected"`
	Error string `json:"error"`
}

func (s *remoteSink) send(ctx context.Context, file string, firstLine int, lines [][]byte) (IngestResult, []Rejection, error) {
	body := bytes.Join(lines, []byte{'\n'})
	var lastErr error
	for attempt := 0; attempt <= s.retries; attempt++ {
		ans, wait, err := s.post(ctx, body)
		if err == nil {
			res := IngestResult{Accepted: ans.Accepted, Duplicates: ans.Duplicates, Rejected: len(ans.Rejected)}
			rej := make([]Rejection, 0, len(ans.Rejected))
			for _, r := range ans.Rejected {
				rej = append(rej, Rejection{File: file, Line: firstLine + r.Line - 1, Error: r.Error})
			}
			return res, rej, nil
		}
		lastErr = err
		if wait < 0 { // not retryable
			break
		}
		select {
		case <-ctx.Done():
			return IngestResult{}, nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	return IngestResult{}, nil, fmt.Errorf("lines %d-%d: %w", firstLine, firstLine+len(lines)-1, lastErr)
}

// post sends one batch. wait < 0 means the error is final; otherwise retry
// after wait.
func (s *remoteSink) post(ctx context.Context, body []byte) (ingestAnswer, time.Duration, error) {
	var ans ingestAnswer
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return ans, -1, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ans, -1, ctx.Err()
		}
		return ans, time.Second, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	_ = json.Unmarshal(data, &ans)
	switch {
	case resp.StatusCode == http.StatusOK:
		return ans, 0, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		return ans, retryAfter(resp.Header.Get("Retry-After")), fmt.Errorf("server busy (%s)", resp.Status)
	default:
		msg := ans.Error
		if msg == "" {
			msg = strings.TrimSpace(string(data))
		}
		return ans, -1, fmt.Errorf("server answered %s: %s", resp.Status, msg)
	}
}

func retryAfter(h string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 && n < 300 {
		return time.Duration(n) * time.Second
	}
	return 2 * time.Second
}
