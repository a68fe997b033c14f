package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// lateApprovals lists approval "late" from its second GET on (as a server
// still correlating after the stream would) and answers POSTs with status.
type lateApprovals struct {
	mu       sync.Mutex
	gets     int
	status   int // answer to POST; 0 = 200
	decided  bool
	approved []string
}

func (l *lateApprovals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/approvals":
		l.gets++
		if l.gets < 2 || l.decided {
			_, _ = io.WriteString(w, `{"approvals":[]}`)
			return
		}
		_, _ = io.WriteString(w, `{"approvals":[{"id":"late","status":"pending"}]}`)
	case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/api/v1/approvals/"):
		if l.status != 0 {
			http.Error(w, `{"error":"approver lacks the role"}`, l.status)
			return
		}
		l.decided = true
		l.approved = append(l.approved, strings.TrimPrefix(r.URL.Path, "/api/v1/approvals/"))
		_, _ = io.WriteString(w, `{}`)
	default:
		http.NotFound(w, r)
	}
}

// runLate runs the approver as if the stream had already ended and returns
// whether it stopped by itself (before ctx's generous deadline).
func runLate(t *testing.T, l *lateApprovals) bool {
	t.Helper()
	srv := httptest.NewServer(l)
	defer srv.Close()
	c, err := NewClient(srv.URL, "tok", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	streamed := make(chan struct{})
	close(streamed)
	runApprover(ctx, c, approverOptions{Linger: 3 * time.Second, StreamDone: streamed}, io.Discard)
	return ctx.Err() == nil
}

// TestApproverLingersAfterStream: a request that appears after the stream
// ended (the server was still detecting) is approved, then the approver
// stops by itself.
func TestApproverLingersAfterStream(t *testing.T) {
	l := &lateApprovals{}
	if !runLate(t, l) {
		t.Fatal("approver did not stop by itself once nothing was pending")
	}
	if len(l.approved) != 1 || l.approved[0] != "late" {
		t.Fatalf("approved %v, want [late]", l.approved)
	}
}

// TestApproverLeavesForbiddenAlone: a request the approver may not decide
// does not keep it running forever.
func TestApproverLeavesForbiddenAlone(t *testing.T) {
	l := &lateApprovals{status: http.StatusForbidden}
	if !runLate(t, l) {
		t.Fatal("approver kept retrying a forbidden request")
	}
	if len(l.approved) != 0 {
		t.Fatalf("approved %v", l.approved)
	}
}
