package action

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// NATS publishes the action as JSON on a subject (params "subject"
// overrides the configured one below it: "<subject>.<param>").
type NATS struct {
	url, subject string
	token        Secret
}

// NewNATS returns a NATS connector.
func NewNATS(url, subject string, token Secret) *NATS {
	return &NATS{url: url, subject: subject, token: token}
}

// Kinds implements Connector.
func (n *NATS) Kinds() []string { return []string{"nats.publish"} }

// Execute implements Connector: connect, publish, flush (the server has the
// message), close.
func (n *NATS) Execute(ctx context.Context, r Request) (string, error) {
	opts := []nats.Option{nats.Name("vigil-respond"), nats.Timeout(5 * time.Second), nats.NoReconnect()}
	if n.token.Set() {
		opts = append(opts, nats.Token(n.token.Value()))
	}
	nc, err := nats.Connect(n.url, opts...)
	if err != nil {
		return "", fmt.Errorf("nats: %w", err)
	}
	defer nc.Close()
	subj := n.subject
	if s := r.Params["subject"]; s != "" {
		subj += "." + s
	}
	body, _ := json.Marshal(r)
	if err := nc.Publish(subj, body); err != nil {
		return "", fmt.Errorf("nats: publish %s: %w", subj, err)
	}
	if err := nc.FlushWithContext(ctx); err != nil {
		return "", fmt.Errorf("nats: flush: %w", err)
	}
	return "published on " + subj, nil
}
