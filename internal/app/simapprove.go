package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// approverOptions tune the simulated approver of `vigil simulate
// --approve-token`.
type approverOptions struct {
	Delay time.Duration // approve this long after first seeing a request
	// Linger: once StreamDone is closed, keep going until no request has
	// been pending for this long (the server is still detecting and
	// correlating what was just streamed). A nil StreamDone means "until
	// ctx is done".
	Linger     time.Duration
	StreamDone <-chan struct{}
}

// runApprover polls GET /api/v1/approvals every second and approves each
// pending approval Delay after it first saw it, until ctx is done or, after
// the stream, nothing was pending for Linger. A server without the
// approvals route (404) ends it quietly with one note; a request it may not
// decide (403, 409) is noted once and left alone.
func runApprover(ctx context.Context, c *Client, o approverOptions, out io.Writer) {
	seen := map[string]time.Time{}
	done := map[string]bool{}
	var idleSince time.Time
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var page struct {
			Approvals []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"approvals"`
		}
		err := c.Do(ctx, "GET", "/api/v1/approvals?status=pending&limit=1000", nil, &page)
		if err != nil && strings.Contains(err.Error(), "404") {
			fmt.Fprintf(out, "simulate: approver: the server has no /api/v1/approvals; approver stopped\n")
			return
		}
		now := time.Now()
		pending := 0
		for _, a := range page.Approvals {
			if done[a.ID] || (a.Status != "" && a.Status != "pending") {
				continue
			}
			pending++
			first, ok := seen[a.ID]
			if !ok {
				seen[a.ID] = now
				first = now
			}
			if now.Sub(first) >= o.Delay {
				done[a.ID] = approve(ctx, c, a.ID, out)
			}
		}
		if streamEnded(o.StreamDone) {
			if pending > 0 || err != nil || idleSince.IsZero() {
				idleSince = now
			} else if now.Sub(idleSince) >= o.Linger {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// approve posts an approval; it reports whether the request is finished
// with (approved, or refused for good: 403 forbidden, 409 already decided).
func approve(ctx context.Context, c *Client, id string, out io.Writer) bool {
	body := map[string]string{"decision": "approve", "reason": "simulated approver"}
	err := c.Do(ctx, "POST", "/api/v1/approvals/"+id, body, nil)
	switch {
	case err == nil:
		fmt.Fprintf(out, "simulate: approver: approved %s\n", id)
		return true
	case strings.Contains(err.Error(), ": 403 ") || strings.Contains(err.Error(), ": 409 "):
		fmt.Fprintf(out, "simulate: approver: %s left alone: %v\n", id, err)
		return true
	}
	return false
}

func streamEnded(done <-chan struct{}) bool {
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}
