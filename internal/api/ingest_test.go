package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/auth"
)

func TestIngestNDJSONMixed(t *testing.T) {
	a := newTestAPI(t, Config{})
	body := `{"id":"e1","user.name":"alice"}` + "\n" +
		"\n" + // blank: skipped but counted
		`{"fail":"x"}` + "\r\n" +
		`not json` + "\n" +
		`{"id":"e2"}` // no trailing newline
	resp, res := a.ingest(body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if res.Accepted != 2 || res.RejectedTotal != 2 || len(res.Rejected) != 2 {
		t.Fatalf("result %+v", res)
	}
	if res.Rejected[0].Line != 3 || !strings.Contains(res.Rejected[0].Error, "fail") || res.Rejected[1].Line != 4 {
		t.Fatalf("rejected %+v", res.Rejected)
	}
	evs := a.pub.all()
	if len(evs) != 2 || evs[0].ID != "e1" || evs[1].ID != "e2" {
		t.Fatalf("published %v", evs)
	}
	for _, ev := range evs {
		if ev.Ingested.IsZero() || ev.Time.IsZero() || len(ev.Raw) == 0 {
			t.Fatalf("event not finished: %+v", ev)
		}
	}
	dls := a.dlq.list()
	if len(dls) != 2 || string(dls[0].Raw) != `{"fail":"x"}` || dls[0].Source != "tok-ingest" ||
		!strings.Contains(dls[0].Reason, "line 3") || string(dls[1].Raw) != "not json" {
		t.Fatalf("dead letters %+v", dls)
	}
}

func TestIngestJSONArrayAndObject(t *testing.T) {
	a := newTestAPI(t, Config{})
	resp, b := a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest],
		strings.NewReader(`[{"id":"a"}, {"fail":"1"}, {"id":"c"}]`), "Content-Type", "application/json")
	var res ingestResult
	mustJSON(t, b, &res)
	if resp.StatusCode != 200 || res.Accepted != 2 || len(res.Rejected) != 1 || res.Rejected[0].Line != 2 {
		t.Fatalf("%d %+v", resp.StatusCode, res)
	}
	resp, b = a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest],
		strings.NewReader(`{"id":"single"}`), "Content-Type", "application/json")
	mustJSON(t, b, &res)
	if resp.StatusCode != 200 || res.Accepted != 1 {
		t.Fatalf("%d %+v", resp.StatusCode, res)
	}
}

func TestIngestTextAndFormat(t *testing.T) {
	a := newTestAPI(t, Config{})
	resp, b := a.do("POST", "/api/v1/events?format=syslog", a.tokens[auth.RoleIngest],
		strings.NewReader("<34>1 2025-01-01T00:00:00Z host app - - - hi\n"), "Content-Type", "text/plain")
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"accepted":1`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	resp, b = a.do("POST", "/api/v1/events?format=klingon", a.tokens[auth.RoleIngest],
		strings.NewReader("x"), "Content-Type", "text/plain")
	if resp.StatusCode != 400 || !strings.Contains(string(b), "klingon") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	resp, _ = a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest], strings.NewReader("x"),
		"Content-Type", "application/xml")
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("xml: %d", resp.StatusCode)
	}
}

func gz(t *testing.T, s string) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIngestGzip(t *testing.T) {
	a := newTestAPI(t, Config{})
	var lines strings.Builder
	for i := range 100 {
		fmt.Fprintf(&lines, `{"id":"g%d"}`+"\n", i)
	}
	resp, b := a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest], bytes.NewReader(gz(t, lines.String())),
		"Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"accepted":100`) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	resp, _ = a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest], strings.NewReader("not gzip"),
		"Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if resp.StatusCode != 400 {
		t.Fatalf("bad gzip: %d", resp.StatusCode)
	}
}

func TestIngestTooLarge(t *testing.T) {
	a := newTestAPI(t, Config{MaxBody: 1000})
	big := strings.Repeat(`{"id":"x"}`+"\n", 200) // 2200 bytes
	if resp, _ := a.ingest(big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("plain: %d", resp.StatusCode)
	}
	// Small compressed, over the limit once decompressed.
	resp, b := a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest], bytes.NewReader(gz(t, big)),
		"Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "decompression") {
		t.Fatalf("gzip: %d %s", resp.StatusCode, b)
	}
}

func TestIngestLineTooLong(t *testing.T) {
	a := newTestAPI(t, Config{MaxLine: 50})
	body := `{"id":"ok1"}` + "\n" + `{"id":"` + strings.Repeat("x", 100) + `"}` + "\n" + `{"id":"ok2"}` + "\n"
	resp, res := a.ingest(body)
	if resp.StatusCode != 200 || res.Accepted != 2 || len(res.Rejected) != 1 ||
		res.Rejected[0].Line != 2 || res.Rejected[0].Error != "line too long" {
		t.Fatalf("%d %+v", resp.StatusCode, res)
	}
}

func TestIngest429WhenSaturated(t *testing.T) {
	a := newTestAPI(t, Config{MaxConcurrentIngest: 1, AcquireWait: 20 * time.Millisecond})
	held, ok := a.srv.lim.acquire(context.Background(), 0, time.Second)
	if !ok {
		t.Fatal("could not hold the limiter")
	}
	resp, _ := a.ingest(`{"id":"x"}`)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	a.srv.lim.release(held)
	if resp, _ := a.ingest(`{"id":"x"}`); resp.StatusCode != 200 {
		t.Fatalf("after release: %d", resp.StatusCode)
	}
}

func TestIngestLimiterBytes(t *testing.T) {
	l := newLimiter(10, 100)
	w1, ok := l.acquire(context.Background(), 80, time.Millisecond)
	if !ok || w1 != 80 {
		t.Fatal("first acquire failed")
	}
	if _, ok := l.acquire(context.Background(), 30, 10*time.Millisecond); ok {
		t.Fatal("acquired past the byte budget")
	}
	go func() { time.Sleep(5 * time.Millisecond); l.release(w1) }()
	w2, ok := l.acquire(context.Background(), 30, 5*time.Second)
	if !ok {
		t.Fatal("waiter not woken by release")
	}
	l.release(w2)
}

func TestIngest503WhenOverloaded(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.pub.err = fmt.Errorf("stream full: %w", ErrOverloaded)
	resp, b := a.do("POST", "/api/v1/events", a.tokens[auth.RoleIngest], strings.NewReader(`{"id":"x"}`),
		"Content-Type", "application/x-ndjson")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("status %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if strings.Contains(string(b), "stream full") {
		t.Fatal("internal cause leaked to the client")
	}
}

func TestIngestAnswersOnlyAfterPublish(t *testing.T) {
	a := newTestAPI(t, Config{})
	a.pub.block = make(chan struct{})
	a.pub.entered = make(chan struct{}, 1)
	done := make(chan int, 1)
	go func() {
		resp, _ := a.ingest(`{"id":"x"}`)
		done <- resp.StatusCode
	}()
	<-a.pub.entered
	select {
	case code := <-done:
		t.Fatalf("answered %d while Publish was still running", code)
	case <-time.After(100 * time.Millisecond):
	}
	close(a.pub.block)
	if code := <-done; code != 200 {
		t.Fatalf("status %d", code)
	}
}

func TestIngestChunks(t *testing.T) {
	a := newTestAPI(t, Config{PublishChunk: 3})
	var b strings.Builder
	for i := range 7 {
		fmt.Fprintf(&b, `{"id":"c%d"}`+"\n", i)
	}
	resp, res := a.ingest(b.String())
	if resp.StatusCode != 200 || res.Accepted != 7 {
		t.Fatalf("%d %+v", resp.StatusCode, res)
	}
	a.pub.mu.Lock()
	defer a.pub.mu.Unlock()
	if len(a.pub.batches) != 3 || len(a.pub.batches[0]) != 3 || len(a.pub.batches[2]) != 1 {
		t.Fatalf("batches %d", len(a.pub.batches))
	}
}
