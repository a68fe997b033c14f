package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
)

// httpClient is shared by the HTTP connectors; per-request deadlines come
// from the context (the step timeout).
var httpClient = &http.Client{}

// maxAnswer bounds an endpoint's answer that is read.
const maxAnswer = 1 << 20

// doHTTP sends one request and returns the answer body; a non-2xx status
// is an error quoting the start of the answer.
func doHTTP(ctx context.Context, method, url string, body []byte, hdr map[string]string) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	shown := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path // no userinfo, no query: they may hold credentials
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, shown, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		snippet := strings.TrimSpace(string(data))
		if len(snippet) > 200 {
			snippet = snippet[:200]
		}
		return data, fmt.Errorf("%s %s: %s: %s", method, shown, resp.Status, snippet)
	}
	return data, nil
}

// unwrapURLError drops *url.Error's wrapper, whose text repeats the full URL.
func unwrapURLError(err error) error {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
