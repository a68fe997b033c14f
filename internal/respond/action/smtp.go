package action

import (
	"context"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// SMTP sends a plain-text email (RFC 5322) through an SMTP server, with
// STARTTLS when the server offers it and PLAIN auth when a user is set.
type SMTP struct {
	addr, from, user string
	to               string // default recipients when the step names none
	pass             Secret
}

// NewSMTP returns an SMTP connector.
func NewSMTP(addr, from, to, user string, pass Secret) *SMTP {
	return &SMTP{addr: addr, from: from, to: to, user: user, pass: pass}
}

// Kinds implements Connector.
func (s *SMTP) Kinds() []string { return []string{"email"} }

// Execute implements Connector: params to (comma-separated; default the
// connector's to), subject, body.
func (s *SMTP) Execute(ctx context.Context, r Request) (string, error) {
	list := r.Params["to"]
	if list == "" {
		list = s.to
	}
	to, err := mail.ParseAddressList(list)
	if err != nil || len(to) == 0 {
		return "", fmt.Errorf("smtp: bad recipient list %q: %v", list, err)
	}
	msg := buildMessage(s.from, to, r.Params["subject"], r.Params["body"], r.ID)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return "", fmt.Errorf("smtp: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(s.addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return "", fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if err := s.send(c, host, to, msg); err != nil {
		return "", fmt.Errorf("smtp: %w", err)
	}
	return fmt.Sprintf("mailed %d recipient(s)", len(to)), nil
}

func (s *SMTP) send(c *smtp.Client, host string, to []*mail.Address, msg []byte) error {
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(tlsConfig(host)); err != nil {
			return err
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass.Value(), host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from); err != nil {
		return err
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// buildMessage renders the email. Header values are single-line and
// RFC 2047-encoded so that template output (which may quote event content)
// cannot inject headers.
func buildMessage(from string, to []*mail.Address, subject, body, id string) []byte {
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", (&mail.Address{Address: from}).String())
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(rcpts, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@vigil>\r\n", oneLine(id))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}
