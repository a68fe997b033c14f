package phish

import (
	"net/mail"
	"time"
)

// Summary is what the event decoder keeps of a message: who, to whom, what,
// which links. Parsing is bounded as for Analyze.
type Summary struct {
	From        Address
	To          []Address
	Subject     string
	MessageID   string
	Date        time.Time // zero if absent or unparsable
	URLs        []string
	Attachments []string // file names
	Malformed   []string
}

// Summarize parses raw and lists its addresses, subject, URLs and
// attachment names.
func Summarize(raw []byte) Summary {
	m := Parse(raw)
	s := Summary{From: m.From, To: m.To, Subject: m.Subject, Malformed: m.Malformed,
		MessageID: capString(m.Header.Get("Message-Id"), 512)}
	if d, err := mail.ParseDate(m.Header.Get("Date")); err == nil {
		s.Date = d.UTC()
	}
	var links []Link
	text := m.Text
	if m.HTML != "" {
		h := scanHTML(m.HTML)
		links = h.links
		if text == "" {
			text = string(h.text)
		}
	}
	seen := map[string]bool{}
	for _, l := range textLinks(text, links) {
		if p, ok := parseLink(l); ok && !seen[l.Href] && len(s.URLs) < MaxURLs {
			seen[l.Href] = true
			s.URLs = append(s.URLs, capString(p.Href, 2048))
		}
	}
	for _, a := range m.Attachments {
		if a.Name != "" {
			s.Attachments = append(s.Attachments, capString(a.Name, 256))
		}
	}
	return s
}
