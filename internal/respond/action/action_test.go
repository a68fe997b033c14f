package action

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

func ctxT(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestWebhookSignedAndReplayProtected(t *testing.T) {
	const key = "s3cr3t-hmac-key"
	type got struct {
		body          []byte
		ts, sig, actn string
	}
	recv := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g := got{b, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), r.Header.Get(HeaderActionID)}
		if err := VerifySignature(key, g.ts, g.sig, b, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		recv <- g
	}))
	defer srv.Close()
	w := NewWebhook(srv.URL, NewSecret(key))
	res, err := w.Execute(ctxT(t), Request{ID: "act-1", Kind: "block.ip", Target: "ip:203.0.113.9",
		Params: map[string]string{"ip": "203.0.113.9"}})
	if err != nil || res != "delivered" {
		t.Fatalf("Execute = %q, %v", res, err)
	}
	g := <-recv
	var body map[string]any
	if err := json.Unmarshal(g.body, &body); err != nil || body["action"] != "block.ip" || g.actn != "act-1" {
		t.Fatalf("body %s, action id %q", g.body, g.actn)
	}
	// Replay an hour later, a tampered body, a wrong key: all refused.
	if err := VerifySignature(key, g.ts, g.sig, g.body, time.Now().Add(time.Hour), 5*time.Minute); err == nil {
		t.Error("replayed request accepted")
	}
	tampered := []byte(strings.Replace(string(g.body), "203.0.113.9", "10.0.0.1", 1))
	if err := VerifySignature(key, g.ts, g.sig, tampered, time.Now(), 5*time.Minute); err == nil {
		t.Error("tampered body accepted")
	}
	// The receiver refusing (wrong key) is an error for the action.
	if _, err := NewWebhook(srv.URL, NewSecret("other")).Execute(ctxT(t), Request{ID: "a", Kind: "webhook"}); err == nil ||
		!strings.Contains(err.Error(), "401") {
		t.Errorf("wrong key: %v, want a 401 error", err)
	}
}

// scimServer is a minimal SCIM 2.0 service provider with one user.
type scimServer struct {
	mu     sync.Mutex
	active bool
	bad    []string
}

func (s *scimServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer scim-token" {
		http.Error(w, "no", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", SCIMContentType)
	switch {
	case r.Method == "GET" && r.URL.Path == "/scim/v2/Users":
		if r.URL.Query().Get("filter") != `userName eq "jdoe42"` {
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`)
			return
		}
		_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":"2819c223","userName":"jdoe42"}]}`)
	case r.Method == "PATCH" && r.URL.Path == "/scim/v2/Users/2819c223":
		if r.Header.Get("Content-Type") != SCIMContentType {
			s.bad = append(s.bad, "content type "+r.Header.Get("Content-Type"))
		}
		var p struct {
			Schemas    []string `json:"schemas"`
			Operations []struct {
				Op, Path string
				Value    bool
			}
		}
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || len(p.Operations) != 1 ||
			p.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:PatchOp" || p.Operations[0].Path != "active" {
			http.Error(w, `{"status":"400"}`, http.StatusBadRequest)
			return
		}
		s.active = p.Operations[0].Value
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func TestSCIMDisableEnable(t *testing.T) {
	ss := &scimServer{active: true}
	srv := httptest.NewServer(ss)
	defer srv.Close()
	c := NewSCIM(srv.URL+"/scim/v2/", NewSecret("scim-token"))
	if _, err := c.Execute(ctxT(t), Request{Kind: "scim.disable", Params: map[string]string{"user": "jdoe42"}}); err != nil {
		t.Fatal(err)
	}
	if ss.active || len(ss.bad) > 0 {
		t.Fatalf("after disable: active=%v problems=%v", ss.active, ss.bad)
	}
	if _, err := c.Execute(ctxT(t), Request{Kind: "scim.enable", Params: map[string]string{"user": "jdoe42"}}); err != nil || !ss.active {
		t.Fatalf("enable: %v, active=%v", err, ss.active)
	}
	if _, err := c.Execute(ctxT(t), Request{Kind: "scim.disable", Params: map[string]string{"user": "nobody"}}); err == nil ||
		!strings.Contains(err.Error(), "matched 0 users") {
		t.Errorf("unknown user: %v", err)
	}
}

func TestTicketReturnsTheID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in["title"] == "" {
			http.Error(w, "title required", http.StatusUnprocessableEntity)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"number": 104711, "title": "x"}`)
	}))
	defer srv.Close()
	id, err := NewTicket(srv.URL, Secret{}, "number").Execute(ctxT(t), Request{Kind: "ticket",
		Params: map[string]string{"title": "Call back the payee"}})
	if err != nil || id != "104711" {
		t.Fatalf("ticket = %q, %v", id, err)
	}
	if _, err := NewTicket(srv.URL, Secret{}, "").Execute(ctxT(t), Request{Kind: "ticket", Params: map[string]string{}}); err == nil ||
		!strings.Contains(err.Error(), "422") {
		t.Errorf("rejected ticket: %v", err)
	}
}

// smtpServer is a tiny SMTP server: it accepts one message per session
// and hands it over on msgs.
func smtpServer(t *testing.T) (addr string, msgs chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	msgs = make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go smtpSession(c, msgs)
		}
	}()
	return ln.Addr().String(), msgs
}

func smtpSession(c net.Conn, msgs chan string) {
	defer c.Close()
	rd := bufio.NewReader(c)
	say := func(s string) { _, _ = io.WriteString(c, s+"\r\n") }
	say("220 test ESMTP")
	var env []string
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"), strings.HasPrefix(cmd, "RCPT TO:"):
			env = append(env, strings.TrimSpace(line))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			msgs <- strings.Join(env, "\n") + "\n\n" + b.String()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 no")
		}
	}
}

func TestSMTPSendsTheMessage(t *testing.T) {
	addr, msgs := smtpServer(t)
	c := NewSMTP(addr, "vigil@hospital.example", "privacy@hospital.example", "", Secret{})
	res, err := c.Execute(ctxT(t), Request{ID: "act-7", Kind: "email", Params: map[string]string{
		"subject": "Snooping\r\nBcc: attacker@evil.example", "body": "Findings: f-1, f-2\n.\nend"}})
	if err != nil || !strings.Contains(res, "1 recipient") {
		t.Fatalf("Execute = %q, %v", res, err)
	}
	m := <-msgs
	for _, want := range []string{"MAIL FROM:<vigil@hospital.example>", "RCPT TO:<privacy@hospital.example>",
		"Subject: Snooping Bcc: attacker@evil.example", "Findings: f-1, f-2", "..\r\nend"} {
		if !strings.Contains(m, want) {
			t.Errorf("message lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "\r\nBcc:") {
		t.Errorf("header injected:\n%s", m)
	}
	if _, err := c.Execute(ctxT(t), Request{Kind: "email", Params: map[string]string{"to": "not an address"}}); err == nil {
		t.Error("bad recipient accepted")
	}
}

func TestNATSPublishes(t *testing.T) {
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		Authorization: "nats-token"})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(5 * time.Second) {
		t.Fatal("nats not ready")
	}
	defer ns.Shutdown()
	sub, err := nats.Connect(ns.ClientURL(), nats.Token("nats-token"))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ch := make(chan *nats.Msg, 1)
	s, _ := sub.ChanSubscribe("vigil.actions.>", ch)
	defer s.Unsubscribe()
	_ = sub.Flush()
	c := NewNATS(ns.ClientURL(), "vigil.actions", NewSecret("nats-token"))
	if _, err := c.Execute(ctxT(t), Request{ID: "act-3", Kind: "nats.publish", Params: map[string]string{"message": "hi", "subject": "soc"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-ch:
		var r Request
		if m.Subject != "vigil.actions.soc" || json.Unmarshal(m.Data, &r) != nil || r.ID != "act-3" || r.Params["message"] != "hi" {
			t.Errorf("got %s %s", m.Subject, m.Data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message")
	}
	if _, err := NewNATS(ns.ClientURL(), "x", NewSecret("wrong")).Execute(ctxT(t), Request{Kind: "nats.publish"}); err == nil {
		t.Error("wrong token accepted")
	}
}

func TestSyslogCEFOverUDPAndTCP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	req := Request{ID: "act-9", Kind: "syslog", Target: "device:vent-01", IncidentID: "inc-1",
		Params: map[string]string{"message": "isolate a=b | c\nnext", "severity": "8"}}
	if _, err := NewSyslog("udp", pc.LocalAddr().String()).Execute(ctxT(t), req); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	udp := string(buf[:n])
	for _, want := range []string{"<109>1 ", "CEF:0|Vigil|Vigil|1|syslog|Vigil response action syslog|8|",
		`msg=isolate a\=b | c\nnext`, "cs3=vent-01", "externalId=act-9"} {
		if !strings.Contains(udp, want) {
			t.Errorf("UDP message lacks %q: %s", want, udp)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	if _, err := NewSyslog("tcp", ln.Addr().String()).Execute(ctxT(t), req); err != nil {
		t.Fatal(err)
	}
	tcp := <-got
	length, msg, _ := strings.Cut(tcp, " ")
	if length != itoa(len(msg)) || !strings.HasPrefix(msg, "<109>1 ") {
		t.Errorf("TCP frame %q: want octet-counting", tcp)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestConfigSecretsAndErrors(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "nac.key")
	if err := os.WriteFile(keyFile, []byte("file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VIGIL_TEST_SCIM", "env-secret")
	set, err := Parse([]byte(`connectors:
  nac: {type: webhook, url: "http://127.0.0.1:1/hook", secret: "file:` + keyFile + `"}
  scim: {type: scim, url: "http://127.0.0.1:1/scim/v2", token: env:VIGIL_TEST_SCIM}
  smtp: {type: smtp, addr: "127.0.0.1:25", from: vigil@h.example}
`))
	if err != nil {
		t.Fatal(err)
	}
	if set.conns["nac"].(*Webhook).key.Value() != "file-secret" || set.conns["scim"].(*SCIM).token.Value() != "env-secret" {
		t.Fatal("secrets not resolved")
	}
	if err := set.Check("nac", "isolate.device"); err != nil {
		t.Error(err)
	}
	if err := set.Check("nac", "scim.disable"); err == nil {
		t.Error("webhook connector accepted scim.disable")
	}
	if s := fmtAll(set); strings.Contains(s, "file-secret") || strings.Contains(s, "env-secret") {
		t.Errorf("secret printed: %s", s)
	}
	bad := []struct{ yaml, want string }{
		{"connectors:\n  a: {type: webhook, url: http://x/, secret: literal}\n", "line 2: connector \"a\": secret: a secret must be env:NAME or file:PATH"},
		{"connectors:\n  a: {type: webhook, url: http://x/, secret: env:VIGIL_NOPE_UNSET}\n", "VIGIL_NOPE_UNSET is not set"},
		{"connectors:\n  a: {type: ftp}\n", `unknown type "ftp"`},
		{"connectors:\n  a: {type: scim, url: ftp://x}\n", "want an http(s) URL"},
		{"connectors:\n  a: {type: webhook, urll: http://x}\n", "field urll not found"},
		{"connectors:\n  a: {type: syslog, addr: x:1, network: sctp}\n", "want udp or tcp"},
	}
	for _, b := range bad {
		if _, err := Parse([]byte(b.yaml)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Parse(%q) = %v, want %q", b.yaml, err, b.want)
		}
	}
}

func fmtAll(s *Set) string {
	var b strings.Builder
	for _, n := range s.Names() {
		b.WriteString(strings.Join([]string{n, sprint(s.conns[n])}, "="))
	}
	return b.String()
}

func TestHTTPErrorsDoNotShowURLCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusBadGateway)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://user:pw-in-url@", 1) + "/t?token=query-secret"
	_, err := NewTicket(u, Secret{}, "").Execute(ctxT(t), Request{Kind: "ticket", Params: map[string]string{"title": "x"}})
	if err == nil || strings.Contains(err.Error(), "query-secret") || strings.Contains(err.Error(), "pw-in-url") {
		t.Fatalf("error = %v", err)
	}
	_, err = NewTicket("http://user:pw-in-url@127.0.0.1:1/t?token=query-secret", Secret{}, "").Execute(ctxT(t),
		Request{Kind: "ticket", Params: map[string]string{"title": "x"}})
	if err == nil || strings.Contains(err.Error(), "query-secret") || strings.Contains(err.Error(), "pw-in-url") {
		t.Fatalf("dial error = %v", err)
	}
}
