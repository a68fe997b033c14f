package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/sim"
)

// fakeVigil records what a streaming client sends.
type fakeVigil struct {
	mu        sync.Mutex
	lines     map[string]int
	last      map[string]time.Time
	outOfOrd  int
	context   []string
	mails     int
	approved  []string
	noContext bool
}

func (f *fakeVigil) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer tok" {
		http.Error(w, `{"error":"unauthenticated"}`, http.StatusUnauthorized)
		return
	}
	switch {
	case r.URL.Path == "/api/v1/context":
		if f.noContext {
			http.NotFound(w, r)
			return
		}
		f.context = append(f.context, r.URL.Query().Get("file"))
		_, _ = io.WriteString(w, `{"loaded":1}`)
	case r.URL.Path == "/api/v1/events" && r.URL.Query().Get("format") == "eml":
		f.mails++
		_, _ = io.WriteString(w, `{"accepted":1}`)
	case r.URL.Path == "/api/v1/events":
		format := r.URL.Query().Get("format")
		sc := bufio.NewScanner(r.Body)
		sc.Buffer(nil, 1<<20)
		n := 0
		for sc.Scan() {
			t := lineTime(sc.Bytes())
			key := format + datasetOf(sc.Text()) // each file is in time order
			if t.Before(f.last[key]) {
				f.outOfOrd++
			}
			f.last[key] = t
			n++
		}
		f.lines[format] += n
		_ = json.NewEncoder(w).Encode(map[string]any{"accepted": n, "rejected": []any{}})
	case r.URL.Path == "/api/v1/approvals" && r.Method == "GET":
		_, _ = io.WriteString(w, `{"approvals":[{"id":"ap1","status":"pending"}]}`)
	case strings.HasPrefix(r.URL.Path, "/api/v1/approvals/") && r.Method == "POST":
		f.approved = append(f.approved, strings.TrimPrefix(r.URL.Path, "/api/v1/approvals/"))
		_, _ = io.WriteString(w, `{}`)
	default:
		http.NotFound(w, r)
	}
}

func datasetOf(line string) string {
	const k = `"dataset":"`
	if i := strings.Index(line, k); i >= 0 {
		rest := line[i+len(k):]
		return rest[:strings.IndexByte(rest, '"')]
	}
	return ""
}

var (
	simOnce sync.Once
	simDir  string
	simMan  *sim.Manifest
	simErr  error
)

// simulated is one small day with two mail scenarios, generated once.
func simulated(t *testing.T) (string, *sim.Manifest) {
	t.Helper()
	simOnce.Do(func() {
		simDir, simErr = os.MkdirTemp("", "vigil-simstream-*")
		if simErr == nil {
			simMan, simErr = sim.Generate(sim.Options{Profile: "small", Days: 1, Seed: 2,
				Scenarios: []string{"spear-phishing-bec", "prompt-injection"}}, sim.DirSink(simDir))
		}
	})
	if simErr != nil {
		t.Fatal(simErr)
	}
	return simDir, simMan
}

func TestMain(m *testing.M) {
	code := m.Run()
	if simDir != "" {
		os.RemoveAll(simDir)
	}
	os.Exit(code)
}

func simulateTo(t *testing.T, f *fakeVigil, speed string) (*sim.Manifest, string) {
	t.Helper()
	dir, m := simulated(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var out strings.Builder
	err := Stream(context.Background(), dir, StreamOptions{To: srv.URL, Token: "tok", Speed: speed, ApproveToken: "tok", Out: &out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return m, out.String()
}

func TestStreamSendsEverythingInTimeOrder(t *testing.T) {
	f := &fakeVigil{lines: map[string]int{}, last: map[string]time.Time{}}
	m, out := simulateTo(t, f, "max")
	f.mu.Lock()
	defer f.mu.Unlock()
	want := map[string]int{}
	for _, s := range sim.SourceFiles {
		want[s.Format] += m.Files["events/"+s.Name]
	}
	for format, n := range want {
		if f.lines[format] != n {
			t.Errorf("format %s: server got %d records, generated %d", format, f.lines[format], n)
		}
	}
	if f.outOfOrd > 0 {
		t.Errorf("%d records arrived out of time order", f.outOfOrd)
	}
	if f.mails != m.Files["email"] || f.mails == 0 {
		t.Errorf("%d e-mails sent, %d generated", f.mails, m.Files["email"])
	}
	if strings.Join(f.context, ",") != strings.Join(sim.ContextFiles, ",") {
		t.Errorf("context files sent %v", f.context)
	}
	if !strings.Contains(out, "streamed") {
		t.Errorf("output: %s", out)
	}
}

func TestStreamToleratesMissingRoutes(t *testing.T) {
	f := &fakeVigil{lines: map[string]int{}, last: map[string]time.Time{}, noContext: true}
	_, out := simulateTo(t, f, "max")
	if !strings.Contains(out, "no context import") {
		t.Errorf("no warning for the missing context route:\n%s", out)
	}
}

func TestApproverApprovesAfterDelay(t *testing.T) {
	f := &fakeVigil{lines: map[string]int{}, last: map[string]time.Time{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c, err := NewClient(srv.URL, "tok", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { runApprover(ctx, c, approverOptions{Delay: 1500 * time.Millisecond}, io.Discard); close(done) }()
	time.Sleep(500 * time.Millisecond)
	f.mu.Lock()
	early := len(f.approved)
	f.mu.Unlock()
	if early != 0 {
		t.Fatal("approved before the delay")
	}
	deadline := time.Now().Add(4 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		n := len(f.approved)
		f.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	<-done
	if len(f.approved) != 1 || f.approved[0] != "ap1" {
		t.Fatalf("approved %v, want [ap1] once", f.approved)
	}
}

func TestParseSpeed(t *testing.T) {
	for in, want := range map[string]float64{"max": 0, "": 0, "60x": 60, "2.5x": 2.5, "10": 10} {
		if got, err := parseSpeed(in); err != nil || got != want {
			t.Errorf("parseSpeed(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"fast", "0x", "-3x"} {
		if _, err := parseSpeed(bad); err == nil {
			t.Errorf("parseSpeed(%q) accepted", bad)
		}
	}
}

// TestStreamPacesByEventTime: at 100000x a simulated day (86,400 s of event
// time) must take at least ~0.86 s of wall time; max speed does not wait.
func TestStreamPacesByEventTime(t *testing.T) {
	dir, m := simulated(t)
	f := &fakeVigil{lines: map[string]int{}, last: map[string]time.Time{}, noContext: true}
	srv := httptest.NewServer(f)
	defer srv.Close()
	start := time.Now()
	if err := Stream(context.Background(), dir, StreamOptions{To: srv.URL, Token: "tok", Speed: "100000x"}); err != nil {
		t.Fatal(err)
	}
	span := m.End.Sub(m.Start) // upper bound of the event-time span
	if el := time.Since(start); el < span/100000/2 {
		t.Errorf("streamed a %s event-time span in %s at 100000x; pacing not applied", span, el)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lines["fhir"] != m.Files["events/auditevent.ndjson"] {
		t.Errorf("paced stream lost records: %d of %d", f.lines["fhir"], m.Files["events/auditevent.ndjson"])
	}
}
