package syslog

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// memSink records messages.
type memSink struct {
	mu   sync.Mutex
	msgs []string
}

func (s *memSink) Syslog(_ context.Context, msg []byte, remote string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, string(msg))
}

func (s *memSink) snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// waitMsgs waits until the sink holds n messages.
func (s *memSink) waitMsgs(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.snapshot()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d messages %q, want %d", len(got), got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// selfSigned returns a server config and a client config trusting it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vigil-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

func listen(t *testing.T, cfg Config) (*Listener, *memSink) {
	t.Helper()
	sink := &memSink{}
	l, err := Listen(context.Background(), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l, sink
}

func TestUDP(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	l, sink := listen(t, Config{UDP: "127.0.0.1:0", MaxMessage: 100})
	udp, tcp, tl := l.Addrs()
	if udp == nil || tcp != nil || tl != nil {
		t.Fatalf("Addrs = %v %v %v", udp, tcp, tl)
	}
	c, err := net.Dial("udp", udp.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range []string{"<13>one\n", "<13>two\nstill two", string(make([]byte, 200)) + "x", "<13>three"} {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	got := sink.waitMsgs(t, 3)
	if want := []string{"<13>one", "<13>two\nstill two", "<13>three"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q (oversized datagram dropped)", got, want)
	}
	_ = l.Close()
}

func TestTCPMixedFramingAndSplits(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	l, sink := listen(t, Config{TCP: "127.0.0.1:0", MaxMessage: 32})
	_, addr, _ := l.Addrs()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Octet-counted frame split across writes, a newline frame, an oversized
	// frame, a NUL-delimited frame.
	parts := []string{"9 <1>ab", "cdef<2>line", "\n<3>" + strings.Repeat("y", 40) + "\n", "<4>nul\x00", "11 <5>", "12345678"}
	for _, p := range parts {
		if _, err := c.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	got := sink.waitMsgs(t, 4)
	if want := []string{"<1>abcdef", "<2>line", "<4>nul", "<5>12345678"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	_ = l.Close()
}

func TestTLS(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv, cli := selfSigned(t)
	l, sink := listen(t, Config{TLSAddr: "127.0.0.1:0", TLS: srv})
	_, _, addr := l.Addrs()
	c, err := tls.Dial("tcp", addr.String(), cli)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("<1>a\n5 <2>b\n<3>c\n")); err != nil {
		t.Fatal(err)
	}
	got := sink.waitMsgs(t, 3)
	if want := []string{"<1>a", "<2>b\n", "<3>c"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// A plain-text client on the TLS port delivers nothing.
	p, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = p.Write([]byte("<9>plain\n"))
	_ = p.Close()
	_ = l.Close()
	if got := sink.snapshot(); len(got) != 3 {
		t.Fatalf("plain text on TLS port accepted: %q", got)
	}
}

func TestMaxConnsAndCloseWithOpenConns(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	l, sink := listen(t, Config{TCP: "127.0.0.1:0", MaxConns: 1})
	_, addr, _ := l.Addrs()
	c1, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	if _, err := c1.Write([]byte("<1>first\n")); err != nil {
		t.Fatal(err)
	}
	sink.waitMsgs(t, 1)
	c2, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	_ = c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c2.Read(make([]byte, 1)); err == nil {
		t.Fatal("second connection over MaxConns=1 was not closed")
	}
	done := make(chan struct{})
	go func() { _ = l.Close(); close(done) }() // c1 is still open
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on an open connection")
	}
}

func TestListenErrors(t *testing.T) {
	if _, err := Listen(context.Background(), Config{}, &memSink{}); err == nil {
		t.Error("no address accepted")
	}
	if _, err := Listen(context.Background(), Config{TLSAddr: "127.0.0.1:0"}, &memSink{}); err == nil {
		t.Error("TLS without config accepted")
	}
	if _, err := Listen(context.Background(), Config{TCP: "256.0.0.1:0"}, &memSink{}); err == nil {
		t.Error("bad address accepted")
	}
}

func TestContextCancelStops(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	l, err := Listen(ctx, Config{TCP: "127.0.0.1:0", UDP: "127.0.0.1:0"}, &memSink{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	_, addr, _ := l.Addrs()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			break
		}
		_ = c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting after the context was cancelled")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = l.Close()
}
