package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
)

// randomPrefix isolates a test's streams on a shared server.
func randomPrefix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:])
}

// externalURL returns the shared NATS server, skipping when it is down
// (unless VIGIL_REQUIRE_SERVICES=1).
func externalURL(t *testing.T) string {
	u := os.Getenv("VIGIL_TEST_NATS")
	if u == "" {
		u = "nats://127.0.0.1:4222"
	}
	first := strings.Split(u, ",")[0]
	host := first
	if pu, err := url.Parse(first); err == nil && pu.Host != "" {
		host = pu.Host
	}
	c, err := net.DialTimeout("tcp", host, time.Second)
	if err != nil {
		if os.Getenv("VIGIL_REQUIRE_SERVICES") == "1" {
			t.Fatalf("NATS at %s unreachable: %v", u, err)
		}
		t.Skipf("NATS at %s unreachable: %v", u, err)
	}
	_ = c.Close()
	return u
}

// deleteStreams removes the test's streams (registered before Close runs).
func deleteStreams(t *testing.T, b *Bus) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ev, dlq, fnd := b.Streams()
		for _, s := range []string{ev, dlq, fnd} {
			if err := b.js.DeleteStream(ctx, s); err != nil {
				t.Logf("delete stream %s: %v", s, err)
			}
		}
	})
}

func TestExternalServer(t *testing.T) {
	u := externalURL(t)
	ctx := context.Background()
	b, err := Open(ctx, Config{URL: u, Prefix: randomPrefix(), MaxBytes: 64 << 20, Partitions: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	deleteStreams(t, b) // runs before Close (cleanups are LIFO)

	if dups, err := b.Publish(ctx, testEvents("x", 20, 50)); err != nil || dups != 0 {
		t.Fatalf("Publish = %d, %v", dups, err)
	}
	if dups, err := b.Publish(ctx, testEvents("x", 20, 50)); err != nil || dups != 20 {
		t.Fatalf("re-Publish = %d dups, %v; want 20", dups, err)
	}
	var c collector
	runConsume(t, b, "ext", 8, func(_ context.Context, evs []*event.Event) error { c.add(evs); return nil })
	waitFor(t, 10*time.Second, "20 events", func() bool { return len(c.snapshot()) >= 20 })
	if ids := c.snapshot(); len(ids) != 20 || countDistinct(ids) != 20 {
		t.Fatalf("got %d events (%d distinct)", len(ids), countDistinct(ids))
	}
	if err := b.PublishDLQ(ctx, DeadLetter{Reason: "line 9: bad", Raw: []byte("{")}); err != nil {
		t.Fatal(err)
	}
	if dls, err := b.ListDLQ(ctx, 0, 10); err != nil || len(dls) != 1 || dls[0].Reason != "line 9: bad" {
		t.Fatalf("ListDLQ = %+v, %v", dls, err)
	}
}
