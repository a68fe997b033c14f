package respond

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/respond/action"
)

// blockingExec never answers until its context ends.
type blockingExec struct{ started chan struct{} }

func (b blockingExec) Check(string, string) error { return nil }
func (b blockingExec) Execute(ctx context.Context, _ string, _ action.Request) (string, error) {
	b.started <- struct{}{}
	<-ctx.Done()
	return "", ctx.Err()
}

func TestShutdownRequeuesRunningActions(t *testing.T) {
	h := newHarness(t, false, strings.Replace(disableUser, "timeout: 1s", "timeout: 1m", 1))
	ex := blockingExec{started: make(chan struct{}, 1)}
	h.eng.cfg.Exec = ex
	if err := h.eng.HandleIncident(t.Context(), incident("inc-s", finding.SeverityHigh, nil, "user:clerk3")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.eng.Run(ctx) }()
	select {
	case <-ex.started:
	case <-time.After(10 * time.Second):
		t.Fatal("action never started")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	id := h.actions(t)[0].ID
	h.waitStatus(t, id, "queued") // interrupted: back in the queue, not failed
	// The next start runs it.
	h.eng.cfg.Exec = h.exec
	h.runWorker(t)
	h.waitStatus(t, id, "succeeded")
}

func TestPerPlaybookDryRun(t *testing.T) {
	dry := strings.Replace(disableUser, "name: disable-user", "name: disable-user\ndry_run: true", 1)
	h := newHarness(t, false, dry)
	h.runWorker(t)
	if err := h.eng.HandleIncident(t.Context(), incident("inc-p", finding.SeverityHigh, nil, "user:clerk3")); err != nil {
		t.Fatal(err)
	}
	if a := h.actions(t); len(a) != 1 || a[0].Status != "dry_run" {
		t.Fatalf("actions = %+v", a)
	}
	time.Sleep(50 * time.Millisecond)
	if h.exec.count() != 0 {
		t.Error("dry-run playbook executed")
	}
}

func TestStaleRunningActionIsRequeued(t *testing.T) {
	h := newHarness(t, false, disableUser)
	if err := h.eng.HandleIncident(t.Context(), incident("inc-c", finding.SeverityHigh, nil, "user:clerk3")); err != nil {
		t.Fatal(err)
	}
	a := h.actions(t)[0]
	a.Status, a.ClaimedAt = "running", h.clk.now() // as if a worker took it and crashed
	if err := h.st.UpdateAction(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if err := h.eng.requeueStale(t.Context()); err != nil {
		t.Fatal(err)
	}
	h.waitStatus(t, a.ID, "running") // still within its time budget: a live worker may be on it
	h.clk.add(maxRun(a) + time.Second)
	h.runWorker(t)
	h.waitStatus(t, a.ID, "succeeded")
}
