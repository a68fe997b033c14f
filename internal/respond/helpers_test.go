package respond

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/respond/action"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/sqlite"
)

// fakeExec records executions; fail makes every call fail.
type fakeExec struct {
	mu    sync.Mutex
	calls []action.Request
	fail  error
}

func (f *fakeExec) Check(connector, kind string) error {
	if connector == "missing" {
		return errors.New("no connector \"missing\"")
	}
	return nil
}

func (f *fakeExec) Execute(_ context.Context, _ string, r action.Request) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r)
	if f.fail != nil {
		return "", f.fail
	}
	return "ok " + r.Kind, nil
}

func (f *fakeExec) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// fakeSafety: assets by key → tier; users on shift.
type fakeSafety struct {
	tiers   map[string]int
	onShift map[string]string
}

func (f fakeSafety) AssetCriticality(key string) (int, bool) { t, ok := f.tiers[key]; return t, ok }
func (f fakeSafety) ActiveClinicalShift(u string, _ time.Time) (string, bool) {
	d, ok := f.onShift[u]
	return d, ok
}

type fakeLog struct {
	mu      sync.Mutex
	entries []string
}

func (f *fakeLog) Record(_ context.Context, inc, kind, actor, text, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, fmt.Sprintf("%s|%s|%s|%s|%s", inc, kind, actor, text, ref))
	return nil
}

func (f *fakeLog) joined() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.entries, "\n")
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	st    *sqlite.Store
	exec  *fakeExec
	log   *fakeLog
	clk   *clock
	eng   *Engine
	rejec []error
}

var safety = fakeSafety{
	tiers:   map[string]int{"vent-01": 1, "10.1.2.3": 1, "mon-02": 2, "ws-office-9": 4},
	onShift: map[string]string{"nurse7": "encounter enc-55 in ICU in progress"},
}

func newHarness(t testing.TB, dry bool, yamls ...string) *harness {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var pbs []*Playbook
	for i, y := range yamls {
		pb, err := ParsePlaybook(fmt.Sprintf("pb%d.yaml", i), []byte(y))
		if err != nil {
			t.Fatalf("playbook %d: %v", i, err)
		}
		pbs = append(pbs, pb)
	}
	h := &harness{st: st, exec: &fakeExec{}, log: &fakeLog{}, clk: &clock{t: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}}
	h.eng, h.rejec = New(Config{Store: st, Audit: audit.NewLog(st), Exec: h.exec, Log: h.log, Safety: safety,
		Playbooks: pbs, DryRun: dry, Now: h.clk.now, PollInterval: 20 * time.Millisecond})
	return h
}

// runWorker runs the worker until the test ends.
func (h *harness) runWorker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

func (h *harness) actions(t *testing.T) []store.Action {
	t.Helper()
	p, err := h.st.ListActions(t.Context(), store.ResponseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Actions
}

func (h *harness) waitStatus(t *testing.T, id, status string) store.Action {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, err := h.st.GetAction(t.Context(), id)
		if err == nil && a.Status == status {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("action %s: status %q (err %v), want %q", id, a.Status, err, status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *harness) auditActions(t *testing.T) []string {
	t.Helper()
	recs, err := h.st.ListAudit(t.Context(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.Action)
	}
	return out
}

func incident(id string, sev finding.Severity, rules []string, ents ...string) Subject {
	return Subject{ID: id, IncidentID: id, Title: "test incident", Detectors: []string{"behavior"}, RuleIDs: rules,
		Severity: sev, Entities: ents, FindingIDs: []string{"f-1"}, FirstEvent: time.Date(2026, 11, 28, 11, 0, 0, 0, time.UTC)}
}
