package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"
)

// accept serves ln until it is closed, at most MaxConns connections at once.
func (l *Listener) accept(ln net.Listener) {
	backoff := 5 * time.Millisecond
	for {
		c, err := ln.Accept()
		if err != nil {
			if l.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			l.log.Warn("accept failed", "err", err)
			select {
			case <-l.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		select {
		case l.sem <- struct{}{}:
		default:
			l.log.Warn("connection refused: too many connections", "remote", c.RemoteAddr().String(), "limit", l.cfg.MaxConns)
			_ = c.Close()
			continue
		}
		if !l.track(c) {
			<-l.sem
			_ = c.Close()
			return
		}
		l.wg.Go(func() {
			defer func() { l.untrack(c); _ = c.Close(); <-l.sem }()
			l.serveConn(c)
		})
	}
}

// track registers c for Close; false when the listener is already closing.
func (l *Listener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ctx.Err() != nil {
		return false
	}
	l.conns[c] = struct{}{}
	return true
}

func (l *Listener) untrack(c net.Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// serveConn frames one connection until EOF, an I/O error or Close.
func (l *Listener) serveConn(c net.Conn) {
	remote := c.RemoteAddr().String()
	if tc, ok := c.(*tls.Conn); ok {
		ctx, cancel := context.WithTimeout(l.ctx, handshakeTimeout)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil {
			if l.ctx.Err() == nil {
				l.log.Warn("tls handshake failed", "remote", remote, "err", err)
			}
			return
		}
	}
	f := NewFramer(c, l.cfg.MaxMessage)
	for {
		msg, err := f.Next()
		var fe *FrameError
		switch {
		case err == nil:
			l.sink.Syslog(l.ctx, msg, remote)
		case errors.As(err, &fe):
			l.log.Warn("bad syslog frame skipped", "remote", remote, "offset", fe.Offset, "reason", fe.Reason)
		case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), l.ctx.Err() != nil:
			return
		default:
			l.log.Warn("syslog connection ended", "remote", remote, "offset", f.Offset(), "err", err)
			return
		}
	}
}
