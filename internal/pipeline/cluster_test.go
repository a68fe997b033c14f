package pipeline

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/vigil-soc/vigil/internal/event"
)

// freePorts reserves n loopback ports by listening on :0, then frees them.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	ls := make([]net.Listener, n)
	for i := range ls {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls[i] = l
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		_ = l.Close()
	}
	return ports
}

// startCluster starts three clustered JetStream servers on loopback.
func startCluster(t *testing.T) []*server.Server {
	t.Helper()
	routePorts := freePorts(t, 3)
	servers := make([]*server.Server, 3)
	for i := range servers {
		var routes []string
		for j, p := range routePorts {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
			}
		}
		o := &server.Options{
			ServerName: fmt.Sprintf("s%d", i), Host: "127.0.0.1", Port: server.RANDOM_PORT,
			JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
			Cluster: server.ClusterOpts{Name: "vigil-test", Host: "127.0.0.1", Port: routePorts[i]},
			Routes:  server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := server.NewServer(o)
		if err != nil {
			t.Fatal(err)
		}
		s.Start()
		t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatalf("server %d not ready", i)
		}
		servers[i] = s
	}
	waitFor(t, 20*time.Second, "JetStream meta leader", func() bool {
		for _, s := range servers {
			if s.JetStreamIsLeader() {
				return true
			}
		}
		return false
	})
	return servers
}

func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test skipped in -short")
	}
	servers := startCluster(t)
	urls := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = s.ClientURL()
	}
	ctx := context.Background()
	var b *Bus
	waitFor(t, 15*time.Second, "Open on the cluster", func() bool {
		var err error
		b, err = Open(ctx, Config{URL: strings.Join(urls, ","), Replicas: 3, Partitions: 4})
		return err == nil
	})
	t.Cleanup(func() { _ = b.Close() })

	if _, err := b.Publish(ctx, testEvents("c", 10, 50)); err != nil {
		t.Fatal(err)
	}
	var c collector
	runConsume(t, b, "cl", 10, func(_ context.Context, evs []*event.Event) error { c.add(evs); return nil })
	// A new three-replica stream elects its leaders before it delivers: on a
	// loaded two-core machine under -race that has taken more than 10 s.
	waitFor(t, 30*time.Second, "10 events", func() bool { return len(c.snapshot()) >= 10 })

	// Lose one server (the one we are connected to, to exercise reconnect).
	connected, down := b.nc.ConnectedUrl(), 0
	for _, s := range servers {
		if s.ClientURL() == connected {
			s.Shutdown()
			s.WaitForShutdown()
			down++
		}
	}
	if down != 1 {
		t.Fatalf("connected to %q, matching %d servers", connected, down)
	}
	waitFor(t, 20*time.Second, "publish with two of three servers", func() bool {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, err := b.Publish(pctx, testEvents("after", 10, 50))
		return err == nil
	})
	waitFor(t, 15*time.Second, "20 distinct events", func() bool { return countDistinct(c.snapshot()) >= 20 })
}
