// Package syslog receives syslog messages over UDP, TCP and TCP+TLS and
// hands each raw message to a Sink; decoding (RFC 5424 / 3164) happens in
// the decoders, not here.
//
// UDP: one datagram is one message (a trailing LF, CR or NUL is dropped).
// TCP and TLS: RFC 6587 framing, octet-counted and newline/NUL-delimited
// frames mixed freely on one connection (see Framer). Bad frames are logged
// with their byte offset and skipped; the connection stays open. Message
// content is never logged.
package syslog

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Sink receives each message. msg is owned by the sink. Syslog is called
// from many goroutines at once and must not block long (batch and publish
// elsewhere): a slow sink stalls the sender's connection.
type Sink interface {
	Syslog(ctx context.Context, msg []byte, remote string)
}

// Config selects the listeners; an empty address disables that one.
type Config struct {
	UDP, TCP, TLSAddr string      // e.g. ":514", ":601", ":6514"; ":0" picks a port
	TLS               *tls.Config // required when TLSAddr is set
	MaxMessage        int         // bytes per message [64 KiB]
	MaxConns          int         // concurrent TCP+TLS connections [1024]
	Logger            *slog.Logger
}

// handshakeTimeout bounds a TLS handshake.
const handshakeTimeout = 10 * time.Second

// Listener runs the configured listeners until Close or until the context
// given to Listen is done.
type Listener struct {
	cfg    Config
	log    *slog.Logger
	sink   Sink
	ctx    context.Context
	cancel context.CancelFunc
	udp    net.PacketConn
	tcp    net.Listener
	tls    net.Listener
	sem    chan struct{}

	wg        sync.WaitGroup
	mu        sync.Mutex
	conns     map[net.Conn]struct{}
	closeOnce sync.Once
}

// Listen binds the configured addresses and starts serving.
func Listen(ctx context.Context, cfg Config, sink Sink) (*Listener, error) {
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = DefaultMaxMessage
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 1024
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.TLSAddr != "" && cfg.TLS == nil {
		return nil, errors.New("syslog: TLS address given without a TLS config")
	}
	if cfg.UDP == "" && cfg.TCP == "" && cfg.TLSAddr == "" {
		return nil, errors.New("syslog: no listen address")
	}
	l := &Listener{cfg: cfg, log: cfg.Logger.With("component", "syslog"), sink: sink,
		sem: make(chan struct{}, cfg.MaxConns), conns: map[net.Conn]struct{}{}}
	l.ctx, l.cancel = context.WithCancel(ctx)
	var err error
	if cfg.UDP != "" {
		if l.udp, err = net.ListenPacket("udp", cfg.UDP); err != nil {
			l.Close()
			return nil, fmt.Errorf("syslog: udp %s: %w", cfg.UDP, err)
		}
	}
	if cfg.TCP != "" {
		if l.tcp, err = net.Listen("tcp", cfg.TCP); err != nil {
			l.Close()
			return nil, fmt.Errorf("syslog: tcp %s: %w", cfg.TCP, err)
		}
	}
	if cfg.TLSAddr != "" {
		inner, err := net.Listen("tcp", cfg.TLSAddr)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("syslog: tls %s: %w", cfg.TLSAddr, err)
		}
		l.tls = tls.NewListener(inner, cfg.TLS)
	}
	if l.udp != nil {
		l.wg.Go(l.serveUDP)
	}
	for _, ln := range []net.Listener{l.tcp, l.tls} {
		if ln != nil {
			l.wg.Go(func() { l.accept(ln) })
		}
	}
	l.wg.Go(func() { <-l.ctx.Done(); l.closeSockets() })
	return l, nil
}

// Addrs reports the bound addresses (nil for a disabled listener).
func (l *Listener) Addrs() (udp, tcp, tls net.Addr) {
	if l.udp != nil {
		udp = l.udp.LocalAddr()
	}
	if l.tcp != nil {
		tcp = l.tcp.Addr()
	}
	if l.tls != nil {
		tls = l.tls.Addr()
	}
	return udp, tcp, tls
}

// Close stops accepting, closes open connections and waits for every
// goroutine. Messages already handed to the sink stay there.
func (l *Listener) Close() error {
	l.cancel()
	l.closeSockets()
	l.wg.Wait()
	return nil
}

// closeSockets closes the listeners and every connection (once).
func (l *Listener) closeSockets() {
	l.closeOnce.Do(func() {
		for _, c := range []interface{ Close() error }{l.udp, l.tcp, l.tls} {
			if c != nil {
				_ = c.Close()
			}
		}
		l.mu.Lock()
		for c := range l.conns {
			_ = c.Close()
		}
		l.mu.Unlock()
	})
}

func (l *Listener) serveUDP() {
	buf := make([]byte, 65536)
	for {
		n, addr, err := l.udp.ReadFrom(buf)
		if err != nil {
			if l.ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				l.log.Warn("udp read failed", "err", err)
				continue
			}
			return
		}
		msg := bytes.TrimRight(buf[:n], "\r\n\x00")
		if len(msg) == 0 {
			continue
		}
		if len(msg) > l.cfg.MaxMessage {
			l.log.Warn("udp message dropped", "remote", addr.String(), "bytes", len(msg), "limit", l.cfg.MaxMessage)
			continue
		}
		l.sink.Syslog(l.ctx, bytes.Clone(msg), addr.String())
	}
}
