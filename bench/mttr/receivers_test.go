package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/respond/action"
)

// TestReceiversAnswerEveryConnector: the actions file the driver writes
// loads, and each connector the built-in playbooks use succeeds against
// the local receivers with its real protocol.
func TestReceiversAnswerEveryConnector(t *testing.T) {
	r, err := startReceivers()
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for _, kv := range connectorEnv() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	set, err := action.Parse([]byte(r.actionsYAML()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, c := range []struct {
		conn string
		req  action.Request
	}{
		{"idp", action.Request{Kind: "session.revoke", Target: "user:jdoe", Params: map[string]string{"user": "jdoe"}}},
		{"nac", action.Request{Kind: "isolate.device", Params: map[string]string{"device": "pump-1"}}},
		{"firewall", action.Request{Kind: "block.domain", Params: map[string]string{"domain": "mercyheaith.org"}}},
		{"finance", action.Request{Kind: "webhook", Params: map[string]string{"hold": "true"}}},
		{"scim", action.Request{Kind: "scim.disable", Params: map[string]string{"user": "jdoe"}}},
		{"ticket", action.Request{Kind: "ticket", Params: map[string]string{"title": "call back"}}},
		{"smtp", action.Request{Kind: "email", Params: map[string]string{"subject": "snooping", "body": "see incident"}}},
		{"syslog", action.Request{Kind: "syslog", Params: map[string]string{"message": "isolated"}}},
	} {
		c.req.ID = "act-" + c.conn
		if _, err := set.Execute(ctx, c.conn, c.req); err != nil {
			t.Errorf("%s %s: %v", c.conn, c.req.Kind, err)
		}
	}
	want := "finance=1 firewall=1 idp=1 nac=1 scim=1 smtp=1 syslog=1 ticket=1"
	for deadline := time.Now().Add(10 * time.Second); r.seen.String() != want && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond) // the syslog sink counts when the connection closes
	}
	if got := r.seen.String(); got != want {
		t.Fatalf("receivers saw %q, want %q", got, want)
	}
}
