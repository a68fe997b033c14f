package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// requireService skips (or fails under VIGIL_REQUIRE_SERVICES=1) when a
// machine service the scale-out test needs is not there.
func requireService(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("VIGIL_REQUIRE_SERVICES") == "1" {
		t.Fatalf("%s unavailable: %v", what, err)
	}
	t.Skipf("%s unavailable: %v", what, err)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// TestScaleOutExternalNATSAndPostgres runs two `vigil serve` processes
// against the machine's NATS JetStream and PostgreSQL (fresh stream prefix
// and schema): events sent to either node are stored once, and the shared
// durable consumers produce each finding once.
func TestScaleOutExternalNATSAndPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary against external services")
	}
	natsURL := envOr("VIGIL_TEST_NATS", "nats://127.0.0.1:4222")
	pgURL := envOr("VIGIL_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nc, err := nats.Connect(natsURL, nats.Timeout(3*time.Second))
	requireService(t, "NATS", err)
	pg, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		nc.Close()
	}
	requireService(t, "PostgreSQL", err)

	suffix := fmt.Sprintf("%d_%d", os.Getpid(), time.Now().UnixNano()%1_000_000)
	prefix, schema := "e2e_"+suffix, "vigil_e2e_"+suffix
	t.Cleanup(func() {
		js, _ := jetstream.New(nc)
		for _, s := range []string{"EVENTS", "DLQ", "FINDINGS"} {
			if err := js.DeleteStream(context.Background(), strings.ToUpper(prefix)+"_"+s); err != nil {
				t.Errorf("delete stream %s: %v", s, err)
			}
		}
		// The incident correlator's (and stateful detectors') snapshots and its lease.
		if err := js.DeleteObjectStore(context.Background(), strings.ToUpper(prefix)+"_STATE"); err != nil &&
			!errors.Is(err, jetstream.ErrBucketNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("delete state bucket: %v", err)
		}
		if err := js.DeleteKeyValue(context.Background(), strings.ToUpper(prefix)+"_LEASES"); err != nil &&
			!errors.Is(err, jetstream.ErrBucketNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("delete lease bucket: %v", err)
		}
		if _, err := pg.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		pg.Close(context.Background())
		nc.Close()
	})
	// Small stream limits: JetStream reserves MaxBytes on the shared server.
	extra := []string{"--nats", natsURL, "--nats-prefix", prefix, "--db", pgURL, "--db-schema", schema,
		"--stream-max-bytes", "67108864"}
	a := startServer(t, t.TempDir(), freePort(t), extra...)
	b := startServer(t, t.TempDir(), freePort(t), extra...)
	b.token = a.token // one database, one set of tokens

	run := "so" + suffix
	for i, srv := range []*server{a, b, a, b} {
		var sb strings.Builder
		for n := i * 100; n < (i+1)*100; n++ {
			sb.WriteString(winEvent(run, n) + "\n")
		}
		if code, err := srv.do("POST", "/api/v1/events", "application/x-ndjson", []byte(sb.String()), nil); err != nil || code != 200 {
			t.Fatalf("ingest via node %d: %d %v", i%2, code, err)
		}
	}
	q := "/api/v1/events/count?q=" + url.QueryEscape("RunTag:"+run)
	waitFor(t, func() bool { return a.count(t, q) >= 400 }, "400 events in PostgreSQL")
	if got := b.count(t, q); got != 400 {
		t.Fatalf("node b sees %d events, want 400", got)
	}
	var f struct {
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
	}
	waitFor(t, func() bool {
		b.do("GET", "/api/v1/findings?detector=logclear", "", nil, &f)
		return len(f.Findings) >= 8
	}, "8 log-clear findings")
	time.Sleep(time.Second)
	b.do("GET", "/api/v1/findings?detector=logclear", "", nil, &f)
	if len(f.Findings) != 8 {
		t.Fatalf("%d findings, want exactly 8 (one per 1102 event) across both nodes", len(f.Findings))
	}
}
