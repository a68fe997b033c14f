package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// runApprover is the simulated approver of `vigil simulate
// --approve-token`: it polls GET /api/v1/approvals every second and
// approves each pending approval delay after it first saw it. A server
// without the approvals route (404) ends it quietly with one note.
func runApprover(ctx context.Context, c *Client, delay time.Duration, out io.Writer) {
	seen := map[string]time.Time{}
	done := map[string]bool{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var page struct {
			Approvals []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"approvals"`
		}
		err := c.Do(ctx, "GET", "/api/v1/approvals?status=pending", nil, &page)
		if err != nil && strings.Contains(err.Error(), "404") {
			fmt.Fprintf(out, "simulate: approver: the server has no /api/v1/approvals; approver stopped\n")
			return
		}
		now := time.Now()
		for _, a := range page.Approvals {
			if done[a.ID] || (a.Status != "" && a.Status != "pending") {
				continue
			}
			first, ok := seen[a.ID]
			if !ok {
				seen[a.ID] = now
				first = now
			}
			if now.Sub(first) >= delay {
				body := map[string]string{"decision": "approve", "reason": "simulated approver"}
				if err := c.Do(ctx, "POST", "/api/v1/approvals/"+a.ID, body, nil); err == nil {
					done[a.ID] = true
					fmt.Fprintf(out, "simulate: approver: approved %s\n", a.ID)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
