package phish

import (
	"bytes"
	"fmt"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// Address is a parsed mailbox.
type Address struct {
	Name string `json:"name,omitempty"`
	Addr string `json:"address"` // lower-cased
}

// Domain is the part of the address after the last "@" ("" if none).
func (a Address) Domain() string {
	if i := strings.LastIndexByte(a.Addr, '@'); i >= 0 {
		return a.Addr[i+1:]
	}
	return ""
}

// Attachment is a non-body MIME part.
type Attachment struct {
	Name        string
	ContentType string
	Content     []byte
}

// Message is the parsed form of one email, within the limits of limits.go.
type Message struct {
	Header      textproto.MIMEHeader
	From        Address
	ReplyTo     []Address
	ReturnPath  string
	To          []Address // To and Cc
	Subject     string
	Text        string // plain text body, else the HTML rendered to text
	HTML        string
	Attachments []Attachment
	Malformed   []string // why parts of the message could not be read
	raw         []byte   // the message as read (mbox line removed)
}

// Parse reads one RFC 5322 message. It never fails: what cannot be read is
// listed in Malformed (texts without message content) and the rest is kept.
// A leading mbox "From " envelope line is skipped.
func Parse(raw []byte) *Message {
	m := &Message{Header: textproto.MIMEHeader{}}
	if len(raw) > MaxMessageBytes {
		m.bad("message is %d bytes; only the first %d are read", len(raw), MaxMessageBytes)
		raw = raw[:MaxMessageBytes]
	}
	raw = skipMboxLine(raw)
	m.raw = raw
	hdrEnd := headerEnd(raw)
	if hdrEnd > MaxHeaderBytes {
		m.bad("header section is %d bytes; the limit is %d", hdrEnd, MaxHeaderBytes)
		m.readHeaderOnly(raw[:MaxHeaderBytes], nil)
		return m
	}
	if d := mimeDepth(raw[hdrEnd:], topBoundary(raw[:hdrEnd])); d > MaxDepth {
		m.bad("MIME nesting is more than %d levels deep; the body is read as text", MaxDepth)
		m.readHeaderOnly(raw[:hdrEnd], raw[hdrEnd:])
		return m
	}
	if n := countBoundaries(raw); n > MaxMultiparts {
		m.bad("%d multipart boundaries; only %d are parsed, the body is read as text", n, MaxMultiparts)
		m.readHeaderOnly(raw[:hdrEnd], raw[hdrEnd:])
		return m
	}
	env, err := parser.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		m.bad("MIME: %s", firstLine(err.Error()))
		m.readHeaderOnly(raw[:hdrEnd], raw[hdrEnd:])
		return m
	}
	m.fromEnvelope(env)
	return m
}

// parser: no charset guessing from content (declared charsets are honoured),
// corrupt base64 in text parts is kept as far as it decodes.
var parser = enmime.NewParser(enmime.DisableCharacterDetection(true),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy), enmime.MaxStoredPartErrors(8))

func (m *Message) bad(format string, args ...any) {
	if len(m.Malformed) < 16 {
		m.Malformed = append(m.Malformed, fmt.Sprintf(format, args...))
	}
}

func (m *Message) fromEnvelope(env *enmime.Envelope) {
	m.Header = env.Root.Header
	m.readAddresses()
	m.Text = capString(env.Text, MaxTextBytes)
	m.HTML = capString(env.HTML, MaxHTMLBytes)
	seen := map[string]bool{}
	for _, e := range env.Errors {
		// informational: HTML-only mail, parts without a Content-Type
		if e.Name == enmime.ErrorPlainTextFromHTML || e.Name == enmime.ErrorMissingContentType || seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		m.bad("MIME: %s", strings.ToLower(e.Name))
	}
	all := append(append(append([]*enmime.Part{}, env.Attachments...), env.Inlines...), env.OtherParts...)
	for i, p := range all {
		if i >= MaxParts {
			m.bad("more than %d attachments; the rest are not inspected", MaxParts)
			break
		}
		if p.ContentType == "" || strings.HasPrefix(p.ContentType, "multipart/") {
			continue
		}
		m.Attachments = append(m.Attachments, Attachment{Name: p.FileName, ContentType: strings.ToLower(p.ContentType),
			Content: p.Content})
	}
}

// readHeaderOnly parses the header with net/textproto and keeps body (if
// any) as text, capped.
func (m *Message) readHeaderOnly(hdr, body []byte) {
	tr := textproto.NewReader(bufioReader(append(bytes.Clone(hdr), "\r\n\r\n"...)))
	h, err := tr.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		m.bad("header: %s", firstLine(err.Error()))
	}
	if h != nil {
		m.Header = h
	}
	m.readAddresses()
	m.Text = capString(string(body), MaxTextBytes)
}

func (m *Message) readAddresses() {
	h := m.Header
	subj := h.Get("Subject")
	m.Subject = capString(decodeWord(subj), 1024)
	if strings.Contains(subj, "=?") && m.Subject == subj {
		m.bad("header Subject: encoded word in an unknown charset or a broken encoding")
	}
	if f := parseAddrs(h.Get("From")); len(f) > 0 {
		m.From = f[0]
	} else if v := h.Get("From"); v != "" {
		m.From = looseAddress(v)
	}
	m.ReplyTo = parseAddrs(h.Get("Reply-To"))
	if rp := parseAddrs(h.Get("Return-Path")); len(rp) > 0 {
		m.ReturnPath = rp[0].Addr
	}
	for _, k := range []string{"To", "Cc"} {
		for _, v := range h.Values(k) {
			m.To = append(m.To, parseAddrs(v)...)
		}
	}
	if len(m.To) > 500 {
		m.To = m.To[:500]
	}
}

var addrParser = mail.AddressParser{WordDecoder: wordDecoder}

func parseAddrs(v string) []Address {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	list, err := addrParser.ParseList(v)
	if err != nil {
		if a := looseAddress(v); a.Addr != "" {
			return []Address{a}
		}
		return nil
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: a.Name, Addr: strings.ToLower(a.Address)})
	}
	return out
}

// looseAddress extracts "Name <addr>" or a bare addr from a header that
// net/mail rejects (common in spam).
func looseAddress(v string) Address {
	v = decodeWord(v)
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			name := strings.Trim(strings.TrimSpace(v[:i]), `"' `)
			return Address{Name: name, Addr: strings.ToLower(strings.TrimSpace(v[i+1 : i+j]))}
		}
	}
	for f := range strings.FieldsSeq(v) {
		if strings.Contains(f, "@") {
			return Address{Addr: strings.ToLower(strings.Trim(f, `<>"'(),;`))}
		}
	}
	return Address{}
}

var wordDecoder = newWordDecoder()

func decodeWord(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

func skipMboxLine(raw []byte) []byte {
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			return raw[i+1:]
		}
	}
	return raw
}

// headerEnd is the offset of the blank line ending the header (len(raw) if none).
func headerEnd(raw []byte) int {
	i := bytes.Index(raw, []byte("\n\n"))
	j := bytes.Index(raw, []byte("\n\r\n"))
	switch {
	case i < 0 && j < 0:
		return len(raw)
	case i < 0 || (j >= 0 && j < i):
		return j + 1
	}
	return i + 1
}

// countBoundaries counts boundary= parameters (case-insensitive), stopping
// past the cap.
func countBoundaries(raw []byte) int {
	n := 0
	for off := 0; off < len(raw) && n <= MaxMultiparts; {
		i := indexFold(raw[off:], "boundary")
		if i < 0 {
			break
		}
		n++
		off += i + 8
	}
	return n
}

func indexFold(b []byte, lowerNeedle string) int {
	for i := 0; i+len(lowerNeedle) <= len(b); i++ {
		j := bytes.IndexAny(b[i:], "bB")
		if j < 0 {
			return -1
		}
		i += j
		if i+len(lowerNeedle) <= len(b) && strings.EqualFold(string(b[i:i+len(lowerNeedle)]), lowerNeedle) {
			return i
		}
	}
	return -1
}

func capString(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return capString(s, 200)
}

// topBoundary is the boundary parameter of a header section ("" if none).
func topBoundary(hdr []byte) string {
	return boundaryParam(hdr)
}

// boundaryParam returns the value of the first boundary= in b.
func boundaryParam(b []byte) string {
	i := indexFold(b, "boundary")
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(b[i+len("boundary"):], " \t")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t")
	if len(rest) > 0 && rest[0] == '"' {
		if j := bytes.IndexByte(rest[1:], '"'); j >= 0 {
			return string(rest[1 : 1+j])
		}
		return ""
	}
	j := bytes.IndexAny(rest, "; \t\r\n")
	if j < 0 {
		j = len(rest)
	}
	return string(rest[:j])
}

// mimeDepth measures multipart nesting with a linear line scan: a boundary
// declared in a part opens a level; a delimiter line of an enclosing
// boundary closes the levels inside it. Stops counting past MaxDepth+1.
func mimeDepth(body []byte, top string) int {
	if top == "" {
		return 0
	}
	stack := []string{top}
	depth := 1
	for len(body) > 0 && depth <= MaxDepth {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimRight(line, "\r")
		if bytes.HasPrefix(line, []byte("--")) {
			for k := len(stack) - 1; k >= 0; k-- {
				if b := stack[k]; bytes.HasPrefix(line[2:], []byte(b)) {
					stack = stack[:k+1]
					if bytes.HasPrefix(line[2+len(b):], []byte("--")) {
						stack = stack[:k]
					}
					break
				}
			}
			continue
		}
		if b := boundaryParam(line); b != "" && len(stack) > 0 {
			stack = append(stack, b)
			depth = max(depth, len(stack))
		}
	}
	return depth
}
