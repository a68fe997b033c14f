package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Bus is a connection to the pipeline's streams. It is safe for concurrent
// use. Close it once, after every Consume using it has returned.
type Bus struct {
	cfg   Config
	log   *slog.Logger
	n     names
	ns    *server.Server // nil with an external server
	nc    *nats.Conn
	js    jetstream.JetStream
	evs   jetstream.Stream
	dlq   jetstream.Stream
	finds jetstream.Stream
}

// Open starts the embedded server when cfg.URL is "", connects, and
// creates or updates the EVENTS, DLQ and FINDINGS streams.
func Open(ctx context.Context, cfg Config) (*Bus, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg, log: cfg.Logger, n: newNames(cfg.Prefix, cfg.Partitions)}
	opts := []nats.Option{nats.Name("vigil"), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond)}
	url := cfg.URL
	if url == "" {
		if b.ns, err = startEmbedded(cfg); err != nil {
			return nil, err
		}
		url = b.ns.ClientURL()
		opts = append(opts, nats.InProcessServer(b.ns))
	}
	b.nc, err = nats.Connect(url, opts...)
	if err != nil {
		b.shutdownServer()
		return nil, fmt.Errorf("pipeline: connect: %w", err)
	}
	b.js, err = jetstream.New(b.nc,
		jetstream.WithPublishAsyncMaxPending(publishWindow),
		jetstream.WithPublishAsyncTimeout(publishTimeout))
	if err != nil {
		b.nc.Close()
		b.shutdownServer()
		return nil, fmt.Errorf("pipeline: jetstream: %w", err)
	}
	if err := b.ensureStreams(ctx); err != nil {
		b.nc.Close()
		b.shutdownServer()
		return nil, err
	}
	b.log.Info("pipeline open", "embedded", b.ns != nil, "prefix", cfg.Prefix, "partitions", cfg.Partitions)
	return b, nil
}

// startEmbedded starts an in-process NATS server with JetStream.
func startEmbedded(cfg Config) (*server.Server, error) {
	o := &server.Options{
		ServerName: "vigil-embedded",
		JetStream:  true,
		StoreDir:   filepath.Join(cfg.DataDir, "nats"),
		NoSigs:     true,
		NoLog:      true,
		DontListen: cfg.Listen == "",
		SyncAlways: cfg.Sync == "always",
	}
	if cfg.Listen != "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("pipeline: listen %q: %w", cfg.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, fmt.Errorf("pipeline: listen %q: bad port", cfg.Listen)
		}
		if p == 4222 {
			return nil, fmt.Errorf("pipeline: listen %q: port 4222 is reserved for the machine's NATS server", cfg.Listen)
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		o.Host, o.Port = host, p
	}
	ns, err := server.NewServer(o)
	if err != nil {
		return nil, fmt.Errorf("pipeline: embedded server: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, errors.New("pipeline: embedded server not ready after 10s")
	}
	return ns, nil
}

// ensureStreams creates or updates the three streams.
func (b *Bus) ensureStreams(ctx context.Context) error {
	c := b.cfg
	base := func(name string, subjects []string, maxBytes int64, maxAge time.Duration) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name: name, Subjects: subjects, Storage: jetstream.FileStorage,
			Retention: jetstream.LimitsPolicy, MaxBytes: maxBytes, MaxAge: maxAge,
			Replicas: c.Replicas, Duplicates: c.DupWindow, AllowDirect: true,
		}
	}
	evs := base(b.n.events, []string{b.n.eventsWild}, c.MaxBytes, c.MaxAge)
	evs.Discard = jetstream.DiscardNew
	side := min(int64(sideMaxBytes), max(c.MaxBytes/4, 1<<20)) // JetStream reserves MaxBytes up front
	dlq := base(b.n.dlq, []string{b.n.dlqSubj}, side, dlqMaxAge)
	dlq.Discard = jetstream.DiscardOld
	fnd := base(b.n.findings, []string{b.n.findSubj}, side, findingsMaxAge)
	fnd.Discard = jetstream.DiscardOld
	var err error
	if b.evs, err = b.js.CreateOrUpdateStream(ctx, evs); err != nil {
		return fmt.Errorf("pipeline: stream %s: %w", evs.Name, err)
	}
	if b.dlq, err = b.js.CreateOrUpdateStream(ctx, dlq); err != nil {
		return fmt.Errorf("pipeline: stream %s: %w", dlq.Name, err)
	}
	if b.finds, err = b.js.CreateOrUpdateStream(ctx, fnd); err != nil {
		return fmt.Errorf("pipeline: stream %s: %w", fnd.Name, err)
	}
	return nil
}

// Close drains the connection (pending acks and publishes are flushed) and
// shuts the embedded server down. It does not delete any data.
func (b *Bus) Close() error {
	err := b.drain()
	b.shutdownServer()
	return err
}

func (b *Bus) drain() error {
	if b.nc == nil || b.nc.IsClosed() {
		return nil
	}
	closed := make(chan struct{})
	b.nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
	if err := b.nc.Drain(); err != nil {
		b.nc.Close()
		return fmt.Errorf("pipeline: drain: %w", err)
	}
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		b.nc.Close()
		return errors.New("pipeline: drain timed out")
	}
	return nil
}

func (b *Bus) shutdownServer() {
	if b.ns != nil {
		b.ns.Shutdown()
		b.ns.WaitForShutdown()
	}
}

// Streams returns the names of the EVENTS, DLQ and FINDINGS streams.
func (b *Bus) Streams() (events, dlq, findings string) {
	return b.n.events, b.n.dlq, b.n.findings
}

// ClientURL is the embedded server's client URL when it listens (for
// scale-out workers), else "".
func (b *Bus) ClientURL() string {
	if b.ns == nil || b.cfg.Listen == "" {
		return ""
	}
	return b.ns.ClientURL()
}
