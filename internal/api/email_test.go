package api

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
)

const testEmail = "From: Ana <ana@example.org>\r\nTo: b@example.org\r\nSubject: two\r\n\r\nline one\r\nline two\r\n{\"not\":\"a record\"}\r\n"

// TestIngestEMLIsOneRecord: format=eml (text body) and message/rfc822 take the
// whole body as one email event, whatever its lines.
func TestIngestEMLIsOneRecord(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.srv.deps.Decoder = decode.NewSet()
	for _, c := range []struct{ path, ctype string }{
		{"/api/v1/events?format=eml", "text/plain"},
		{"/api/v1/events?format=eml", ""},
		{"/api/v1/events", "message/rfc822"},
	} {
		hdr := []string{}
		if c.ctype != "" {
			hdr = []string{"Content-Type", c.ctype}
		}
		resp, b := a.do("POST", c.path, a.tokens[auth.RoleIngest], strings.NewReader(testEmail), hdr...)
		var res ingestResult
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", c.path, c.ctype, resp.StatusCode, b)
		}
		mustJSON(t, b, &res)
		if res.Accepted != 1 || res.RejectedTotal != 0 {
			t.Errorf("%s %s: %+v", c.path, c.ctype, res)
		}
	}
	last := a.pub.batches[len(a.pub.batches)-1][0]
	if last.Format != event.FormatEML || last.Entities.Email != "ana@example.org" || string(last.Raw) != testEmail {
		t.Errorf("event %+v", last.Entities)
	}
}

func TestAnalyzeEmailRoute(t *testing.T) {
	a := newTestAPI(t, Config{})
	tok := a.tokens[auth.RoleViewer]
	if resp, _ := a.do("POST", "/api/v1/email/analyze", tok, strings.NewReader(testEmail)); resp.StatusCode != 501 {
		t.Errorf("unconfigured: %d", resp.StatusCode)
	}
	var got []byte
	a.srv.deps.AnalyzeEmail = func(_ context.Context, raw []byte) any {
		got = raw
		return map[string]any{"verdict": "clean", "score": 3}
	}
	resp, b := a.do("POST", "/api/v1/email/analyze", tok, strings.NewReader(testEmail), "Content-Type", "message/rfc822")
	if resp.StatusCode != 200 || string(got) != testEmail || !strings.Contains(string(b), `"verdict":"clean"`) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
	if resp, _ := a.do("POST", "/api/v1/email/analyze", tok, bytes.NewReader(make([]byte, maxEmailBody+1))); resp.StatusCode != 413 {
		t.Errorf("oversize: %d", resp.StatusCode)
	}
	if resp, _ := a.do("POST", "/api/v1/email/analyze", a.tokens[auth.RoleIngest], strings.NewReader(testEmail)); resp.StatusCode != 403 {
		t.Errorf("ingest role: %d", resp.StatusCode)
	}
}
