package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/respond/action"
)

// hookKey is the HMAC key of every signed-webhook connector of the run.
const hookKey = "mttr-bench-hook-key"

// tally counts the requests each receiver accepted or refused.
type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *tally) add(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = map[string]int{}
	}
	t.n[key]++
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.n))
	for k := range t.n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, t.n[k])
	}
	return strings.Join(parts, " ")
}

// receivers are the local endpoints the built-in playbooks' connectors
// call: signed webhooks (idp, nac, firewall, finance), SCIM 2.0, a REST
// ticket API, an SMTP sink and a syslog TCP sink.
type receivers struct {
	http   *httptest.Server
	smtp   net.Listener
	syslog net.Listener
	seen   tally
}

func startReceivers() (*receivers, error) {
	r := &receivers{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook/{name}", r.hook)
	mux.HandleFunc("GET /scim/v2/Users", r.scimFind)
	mux.HandleFunc("PATCH /scim/v2/Users/{id}", r.scimPatch)
	mux.HandleFunc("POST /tickets", r.ticket)
	r.http = httptest.NewServer(mux)
	var err error
	if r.smtp, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		r.close()
		return nil, err
	}
	go acceptLoop(r.smtp, func(c net.Conn) { serveSMTP(c, &r.seen) })
	if r.syslog, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		r.close()
		return nil, err
	}
	go acceptLoop(r.syslog, func(c net.Conn) {
		n, _ := io.Copy(io.Discard, c)
		if n > 0 {
			r.seen.add("syslog")
		}
	})
	return r, nil
}

func (r *receivers) close() {
	if r.http != nil {
		r.http.Close()
	}
	for _, l := range []net.Listener{r.smtp, r.syslog} {
		if l != nil {
			l.Close()
		}
	}
}

// actionsYAML is the actions file pointing every connector at r; secrets
// come from the environment the driver gives `vigil serve`.
func (r *receivers) actionsYAML() string {
	u := r.http.URL
	var b strings.Builder
	b.WriteString("connectors:\n")
	for _, name := range []string{"idp", "nac", "firewall", "finance"} {
		fmt.Fprintf(&b, "  %s: {type: webhook, url: %q, secret: env:MTTR_HOOK_KEY}\n", name, u+"/hook/"+name)
	}
	fmt.Fprintf(&b, "  scim: {type: scim, url: %q, token: env:MTTR_API_TOKEN}\n", u+"/scim/v2")
	fmt.Fprintf(&b, "  ticket: {type: ticket, url: %q, token: env:MTTR_API_TOKEN}\n", u+"/tickets")
	fmt.Fprintf(&b, "  smtp: {type: smtp, addr: %q, from: vigil@mercyhealth.org, to: privacy-officer@mercyhealth.org}\n",
		r.smtp.Addr().String())
	fmt.Fprintf(&b, "  syslog: {type: syslog, network: tcp, addr: %q}\n", r.syslog.Addr().String())
	return b.String()
}

// connectorEnv is the environment holding the connectors' secrets.
func connectorEnv() []string {
	return []string{"MTTR_HOOK_KEY=" + hookKey, "MTTR_API_TOKEN=mttr-bench-api-token"}
}

func (r *receivers) hook(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	name := req.PathValue("name")
	if err := action.VerifySignature(hookKey, req.Header.Get(action.HeaderTimestamp),
		req.Header.Get(action.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		r.seen.add(name + "-refused")
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.seen.add(name)
	w.WriteHeader(http.StatusNoContent)
}

func (r *receivers) scimFind(w http.ResponseWriter, req *http.Request) {
	var user string
	if _, err := fmt.Sscanf(req.URL.Query().Get("filter"), "userName eq %q", &user); err != nil || user == "" {
		http.Error(w, "bad filter", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/scim+json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"schemas":      []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
		"totalResults": 1,
		"Resources":    []map[string]any{{"id": "u-" + user, "userName": user, "active": true}},
	})
}

func (r *receivers) scimPatch(w http.ResponseWriter, req *http.Request) {
	var op struct {
		Operations []struct {
			Op, Path string
			Value    any
		}
	}
	if err := json.NewDecoder(req.Body).Decode(&op); err != nil || len(op.Operations) != 1 ||
		op.Operations[0].Path != "active" {
		r.seen.add("scim-refused")
		http.Error(w, "want one PatchOp on active", http.StatusBadRequest)
		return
	}
	r.seen.add("scim")
	w.Header().Set("Content-Type", "application/scim+json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id": req.PathValue("id"), "active": op.Operations[0].Value})
}

func (r *receivers) ticket(w http.ResponseWriter, req *http.Request) {
	var t struct{ Title string }
	if err := json.NewDecoder(req.Body).Decode(&t); err != nil || t.Title == "" {
		http.Error(w, "title required", http.StatusBadRequest)
		return
	}
	r.seen.add("ticket")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]string{"id": fmt.Sprintf("T-%d", time.Now().UnixNano())})
}

func acceptLoop(l net.Listener, serve func(net.Conn)) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			serve(c)
		}()
	}
}

// serveSMTP is a minimal RFC 5321 sink: it accepts every message (no
// STARTTLS, no AUTH) and counts it.
func serveSMTP(c net.Conn, seen *tally) {
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	rd := bufio.NewReader(c)
	reply := func(s string) { fmt.Fprintf(c, "%s\r\n", s) }
	reply("220 mttr-bench ESMTP")
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 mttr-bench")
		case cmd == "DATA":
			reply("354 end with .")
			for {
				l, err := rd.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
			}
			seen.add("smtp")
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default: // MAIL, RCPT, RSET, NOOP
			reply("250 ok")
		}
	}
}
