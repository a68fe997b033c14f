package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vigil-soc/vigil/internal/auth"
)

func ndjson(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"id":"e%d","user.name":"alice","host.name":"WS-%d","event.action":"logon"}`+"\n", i, i%50)
	}
	return b.Bytes()
}

// BenchmarkSplitLines measures the NDJSON splitter alone.
func BenchmarkSplitLines(b *testing.B) {
	body := ndjson(10000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		n := 0
		_ = splitBody(bytes.NewReader(body), kindLines, 1<<20, func(record) error { n++; return nil })
		if n != 10000 {
			b.Fatal(n)
		}
	}
}

// BenchmarkIngestNDJSON measures POST /api/v1/events end to end (auth,
// split, fake decode, publish to a discarding fake) for 5,000 events.
func BenchmarkIngestNDJSON(b *testing.B) {
	a := newTestAPI(b, Config{})
	h := a.srv.routes()
	body := ndjson(5000)
	tok := "Bearer " + a.tokens[auth.RoleIngest]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		a.pub.mu.Lock()
		a.pub.batches = nil
		a.pub.mu.Unlock()
		req := httptest.NewRequest("POST", "/api/v1/events", bytes.NewReader(body))
		req.Header.Set("Authorization", tok)
		req.Header.Set("Content-Type", "application/x-ndjson")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
	b.ReportMetric(float64(5000*b.N)/b.Elapsed().Seconds(), "events/s")
}
