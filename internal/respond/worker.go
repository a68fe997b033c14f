package respond

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/respond/action"
	"github.com/vigil-soc/vigil/internal/store"
)

// Run is the worker: it executes queued actions (at most Concurrency at a
// time, each with its retries, backoff and timeout) and expires approvals,
// until ctx ends; it then cancels the running attempts, puts those actions
// back in the queue and returns. An action left "running" by a crashed
// worker is queued again once it has been running longer than its retries,
// timeouts and backoff allow (at-least-once; receivers get the action id as
// an idempotency key).
func (e *Engine) Run(ctx context.Context) error {
	sem := make(chan struct{}, e.cfg.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(e.cfg.PollInterval)
	defer tick.Stop()
	for {
		if _, err := e.ExpireApprovals(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("expire approvals", "err", err)
		}
		if err := e.requeueStale(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("requeue stale actions", "err", err)
		}
		if err := e.dispatch(ctx, sem, &wg); err != nil && ctx.Err() == nil {
			e.log.Warn("dispatch actions", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-e.wake:
		}
	}
}

// dispatch claims queued actions (queued → running, conditional on the
// version so two workers never both run one) and starts them.
func (e *Engine) dispatch(ctx context.Context, sem chan struct{}, wg *sync.WaitGroup) error {
	page, err := e.cfg.Store.ListActions(ctx, store.ResponseQuery{Status: "queued", Limit: 100})
	if err != nil {
		return err
	}
	acts := page.Actions
	sort.Slice(acts, func(i, j int) bool { return acts[i].RequestedAt.Before(acts[j].RequestedAt) })
	for _, a := range acts {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		a.Status, a.ClaimedAt = "running", e.cfg.Now().UTC()
		if err := e.cfg.Store.UpdateAction(ctx, a); err != nil {
			<-sem
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			return err
		}
		a.Version++
		wg.Add(1)
		go func(a store.Action) {
			defer wg.Done()
			defer func() { <-sem }()
			e.execute(ctx, a)
		}(a)
	}
	return nil
}

// execute runs one claimed action with retries and records the outcome.
func (e *Engine) execute(ctx context.Context, a store.Action) {
	req := action.Request{ID: a.ID, Kind: a.Action, Target: a.Target, Params: a.Params, IncidentID: a.IncidentID,
		Playbook: a.Playbook}
	if a.DryRun {
		a.Status = "dry_run"
		a.ExecutedAt = e.cfg.Now().UTC()
		if err := e.cfg.Store.UpdateAction(ctx, a); err != nil {
			e.log.Error("action result not stored", "action", a.ID, "err", err)
		}
		e.audit(ctx, "respond", "system", "respond.action.dry_run", a.ID, map[string]string{"action": a.Action, "target": a.Target})
		return
	}
	var result string
	var err error
	backoff := a.Backoff
	if a.Timeout <= 0 {
		a.Timeout = defaultTimeout
	}
	for attempt := 0; attempt <= a.Retries; attempt++ {
		if attempt > 0 {
			if !e.sleep(ctx, backoff) {
				err = fmt.Errorf("stopped before retry %d: %w (last error: %v)", attempt, ctx.Err(), err)
				break
			}
			backoff *= 2
		}
		a.Attempts++
		actx, cancel := context.WithTimeout(ctx, a.Timeout)
		result, err = e.cfg.Exec.Execute(actx, a.Connector, req)
		cancel()
		if err == nil || ctx.Err() != nil {
			break
		}
		e.log.Warn("action attempt failed", "action", a.ID, "kind", a.Action, "attempt", a.Attempts, "err", err)
	}
	if ctx.Err() != nil && err != nil {
		// Shutting down: back to the queue for the next start.
		e.log.Info("action interrupted by shutdown, queued again", "action", a.ID)
		a.Status = "queued"
		if uerr := e.cfg.Store.UpdateAction(context.WithoutCancel(ctx), a); uerr != nil {
			e.log.Error("interrupted action not re-queued", "action", a.ID, "err", uerr)
		}
		return
	}
	e.complete(context.WithoutCancel(ctx), a, result, err)
}

// complete stores the outcome, audits it and puts it on the incident.
func (e *Engine) complete(ctx context.Context, a store.Action, result string, err error) {
	a.ExecutedAt = e.cfg.Now().UTC()
	a.Status, a.Result, a.Error = "succeeded", result, ""
	text := fmt.Sprintf("%s %s succeeded after %d attempt(s): %s", a.Action, a.Target, a.Attempts, result)
	if err != nil {
		a.Status, a.Error = "failed", err.Error()
		text = fmt.Sprintf("%s %s FAILED after %d attempt(s): %v", a.Action, a.Target, a.Attempts, err)
	}
	// Audit and timeline first: once the status is final, both exist.
	e.audit(ctx, "respond", "system", "respond.action.execute", a.ID, map[string]any{"incident": a.IncidentID,
		"action": a.Action, "target": a.Target, "status": a.Status, "attempts": a.Attempts, "error": a.Error})
	e.record(ctx, a.IncidentID, "action", "respond", text, a.ID)
	if uerr := e.cfg.Store.UpdateAction(ctx, a); uerr != nil {
		e.log.Error("action result not stored", "action", a.ID, "err", uerr)
	}
}

// requeueStale queues again the running actions whose worker must have
// died: running longer than maxRun allows.
func (e *Engine) requeueStale(ctx context.Context) error {
	page, err := e.cfg.Store.ListActions(ctx, store.ResponseQuery{Status: "running", Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	now := e.cfg.Now()
	for _, a := range page.Actions {
		if now.Sub(a.ClaimedAt) <= maxRun(a) {
			continue
		}
		e.log.Warn("action worker lost, queued again", "action", a.ID, "claimed", a.ClaimedAt)
		if err := e.moveAction(ctx, a.ID, "running", "queued", ""); err != nil {
			return err
		}
	}
	return nil
}

// maxRun is the longest a live worker can spend on a: every attempt's
// timeout, every backoff, and a minute of grace.
func maxRun(a store.Action) time.Duration {
	timeout := a.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	return time.Duration(a.Retries+1)*timeout + a.Backoff*(1<<min(a.Retries+1, 20)) + time.Minute
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
