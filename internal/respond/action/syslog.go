package action

import (
	"context"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"time"
)

// Syslog forwards the action as a CEF record in an RFC 5424 syslog message,
// over UDP (one datagram) or TCP (RFC 6587 octet-counting framing).
type Syslog struct {
	network, addr string
	now           func() time.Time
}

// NewSyslog returns a syslog/CEF connector.
func NewSyslog(network, addr string) *Syslog {
	return &Syslog{network: network, addr: addr, now: time.Now}
}

// Kinds implements Connector.
func (s *Syslog) Kinds() []string { return []string{"syslog"} }

// Execute implements Connector: params message, severity (0-10, default 5).
func (s *Syslog) Execute(ctx context.Context, r Request) (string, error) {
	msg := s.format(r)
	var d net.Dialer
	conn, err := d.DialContext(ctx, s.network, s.addr)
	if err != nil {
		return "", fmt.Errorf("syslog: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if s.network == "tcp" {
		msg = fmt.Sprintf("%d %s", len(msg), msg)
	}
	if _, err := conn.Write([]byte(msg)); err != nil {
		return "", fmt.Errorf("syslog: %w", err)
	}
	return "forwarded to " + s.addr, nil
}

// format renders <PRI>1 TIMESTAMP HOST vigil - vigil-action - CEF:0|…
// Facility 13 (log audit), severity notice: PRI 13*8+5 = 109.
func (s *Syslog) format(r Request) string {
	host, _ := os.Hostname()
	if host == "" {
		host = "-"
	}
	sev := r.Params["severity"]
	if sev == "" {
		sev = "5"
	}
	ext := map[string]string{"act": r.Kind, "externalId": r.ID, "cs1Label": "incident", "cs1": r.IncidentID,
		"cs2Label": "playbook", "cs2": r.Playbook, "msg": r.Params["message"]}
	if k, v, ok := strings.Cut(r.Target, ":"); ok {
		ext["cs3Label"], ext["cs3"] = "target_"+k, v
	}
	keys := make([]string, 0, len(ext))
	for k := range ext {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if ext[k] != "" {
			parts = append(parts, k+"="+cefExt(ext[k]))
		}
	}
	return fmt.Sprintf("<109>1 %s %s vigil - vigil-action - CEF:0|Vigil|Vigil|1|%s|%s|%s|%s",
		s.now().UTC().Format(time.RFC3339Nano), host, cefHeader(r.Kind), cefHeader("Vigil response action "+r.Kind),
		cefHeader(sev), strings.Join(parts, " "))
}

// cefHeader escapes a CEF header field (\ and |), on one line.
func cefHeader(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\r", " ", "\n", " ").Replace(s)
	return s
}

// cefExt escapes a CEF extension value (\ and =, newlines as \n).
func cefExt(s string) string {
	return strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\r\n", `\n`, "\n", `\n`, "\r", `\r`).Replace(s)
}
