package decode

import (
	"strings"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/phish"
)

// maxEMLFieldValues caps the repeated email.to.address / url.full /
// attachment-name fields of one event.
const maxEMLFieldValues = 100

// decodeEML decodes one raw RFC 5322 message (MIME parsed by internal/phish
// with its bounds). Fields:
//
//	event.dataset, event.category  "email"
//	event.action                   "received"
//	email.from.address             sender (also Entities.Email)
//	email.from.name                display name
//	email.to.address               every To and Cc address (repeated)
//	email.subject, email.message_id
//	email.attachments.file.name    (repeated)
//	url.full                       every URL in the body (repeated)
//	email.malformed                why parts could not be read (repeated)
//	user.name                      the first recipient <user>@<own domain>
//	                               (own domains from WithOwnMailDomains)
//
// ID: SourceID(eml, Message-ID) when present, else ContentID(raw). Time:
// the Date header. ev.Raw stays the record as received (the envelope's JSON
// for an envelope; phish.MessageOf extracts the message from either).
// A message with no From address is an error (field "From").
func (s *Set) decodeEML(raw []byte, ev *event.Event) error {
	ev.Format = event.FormatEML
	sum := phish.Summarize(raw)
	if sum.From.Addr == "" {
		return errf(event.FormatEML, "From", "no sender address (not an RFC 5322 message?)")
	}
	add := func(k, v string) { ev.Add(k, v, event.KindString) }
	add(event.FieldDataset, "email")
	add("event.category", "email")
	add(event.FieldAction, "received")
	if sum.From.Name != "" {
		add("email.from.name", sum.From.Name)
	}
	for i, t := range sum.To {
		if i >= maxEMLFieldValues {
			break
		}
		add("email.to.address", t.Addr)
		if ev.Entities.User == "" {
			ev.Entities.User = s.internalUser(t)
		}
	}
	if sum.Subject != "" {
		add("email.subject", sum.Subject)
	}
	if sum.MessageID != "" {
		add("email.message_id", sum.MessageID)
	}
	for i, a := range sum.Attachments {
		if i < maxEMLFieldValues {
			add("email.attachments.file.name", a)
		}
	}
	for i, u := range sum.URLs {
		if i < maxEMLFieldValues {
			add("url.full", u)
		}
	}
	for _, m := range sum.Malformed {
		add("email.malformed", m)
	}
	ev.Entities.Email = sum.From.Addr
	ev.Time = sum.Date
	if sum.MessageID != "" {
		ev.ID = event.SourceID(event.FormatEML, sum.MessageID)
	} else {
		ev.ID = event.ContentID([]byte(event.FormatEML), raw)
	}
	return nil
}

// internalUser is the user id of a recipient at one of the own domains.
func (s *Set) internalUser(a phish.Address) string {
	d := a.Domain()
	for _, own := range s.ownMail {
		if d == own {
			return strings.TrimSuffix(a.Addr, "@"+d)
		}
	}
	return ""
}

// decodeEMLEnvelope decodes {"vigil.format":"eml","raw_base64":"…"}: the
// message, base64 (standard alphabet, padding optional).
func (s *Set) decodeEMLEnvelope(v *fastjson.Value, ev *event.Event) error {
	x := v.Get("raw_base64")
	if x == nil {
		return errf(event.FormatEML, "raw_base64", "missing: the envelope must carry the message base64-encoded")
	}
	b, err := x.StringBytes()
	if err != nil {
		return errf(event.FormatEML, "raw_base64", "not a string")
	}
	raw, err := phish.DecodeBase64(b)
	if err != nil {
		return errf(event.FormatEML, "raw_base64", "not base64")
	}
	return s.decodeEML(raw, ev)
}

// WithOwnMailDomains names the hospital's mail domains: an email event's
// user.name is then its first recipient there (contracts: user_id@domain).
func WithOwnMailDomains(domains ...string) Option {
	return func(s *Set) {
		for _, d := range domains {
			s.ownMail = append(s.ownMail, strings.ToLower(strings.TrimSpace(d)))
		}
	}
}
