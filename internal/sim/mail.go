package sim

import (
	"bytes"
	"math/rand/v2"
	"mime"
	"strconv"
	"strings"
	"time"
)

// message is one RFC 5322 e-mail.
type message struct {
	fromName, from string
	replyTo        string
	to             []string
	subject        string
	text           string
	html           string // non-empty: multipart/alternative
	inReplyTo      string
}

// mail renders m with CRLF line ends, MIME headers and a Message-ID, and
// queues it for the day's email/ directory. It returns the Message-ID.
func (g *dayGen) mail(t time.Time, m message) string {
	g.ids.mails++
	id := "<" + g.ids.prefix + "-m" + strconv.FormatUint(g.ids.mails, 10) + "@" + domainOf(m.from) + ">"
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("Date", t.UTC().Format(time.RFC1123Z))
	h("From", mime.QEncoding.Encode("utf-8", m.fromName)+" <"+m.from+">")
	if m.replyTo != "" {
		h("Reply-To", m.replyTo)
	}
	h("To", strings.Join(m.to, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	h("Message-ID", id)
	if m.inReplyTo != "" {
		h("In-Reply-To", m.inReplyTo)
		h("References", m.inReplyTo)
	}
	h("MIME-Version", "1.0")
	if m.html == "" {
		h("Content-Type", `text/plain; charset="utf-8"`)
		h("Content-Transfer-Encoding", "8bit")
		b.WriteString("\r\n" + crlf(m.text) + "\r\n")
	} else {
		bd := "b-" + strconv.FormatUint(g.ids.mails, 36) + "-alt"
		h("Content-Type", `multipart/alternative; boundary="`+bd+`"`)
		b.WriteString("\r\n--" + bd + "\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\n" + crlf(m.text) + "\r\n")
		b.WriteString("--" + bd + "\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n" + crlf(m.html) + "\r\n")
		b.WriteString("--" + bd + "--\r\n")
	}
	g.mails = append(g.mails, queuedMail{t: t, raw: b.Bytes(), msgID: id})
	return id
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

// address is a staff member's mailbox: <user_id>@<hospital domain>.
func (w *World) address(i int) string { return w.staff[i].UserID + "@" + w.domain }

// benignMail: internal memos and newsletters, vendor invoices to finance,
// patient-portal notifications, journal newsletters, and replies.
func (g *dayGen) benignMail(r *rand.Rand) {
	w := g.w
	n := max(3, len(w.staff)/25)
	for k := range n {
		t := g.at(7*3600 + r.IntN(11*3600))
		to := r.IntN(len(w.staff))
		if w.staff[to].Role == "service_account" || !w.staff[to].active(g.date) {
			continue
		}
		switch k % 5 {
		case 0:
			from := r.IntN(len(w.staff))
			s := &w.staff[from]
			if s.Role == "service_account" || !s.active(g.date) {
				continue
			}
			id := g.mail(t, message{fromName: s.First + " " + s.Last, from: w.address(from), to: []string{w.address(to)},
				subject: pick(r, []string{"Shift swap next week", "Huddle notes", "Updated sepsis order set", "Parking during the construction"}),
				text:    "Hi " + w.staff[to].First + ",\n\nPlease see the notes from this morning and let me know if anything is missing.\n\nThanks,\n" + s.First})
			g.mail(t.Add(time.Duration(600+r.IntN(7200))*time.Second), message{fromName: w.staff[to].First + " " + w.staff[to].Last,
				from: w.address(to), to: []string{w.address(from)}, subject: "Re: notes", inReplyTo: id,
				text: "Thanks, looks good.\n\n" + w.staff[to].First})
		case 1:
			g.mail(t, message{fromName: "Mercy Health Communications", from: "news@" + w.domain, to: []string{w.address(to)},
				subject: "This week at Mercy Health", text: "Flu clinics, the new parking garage, and our nurses of the month.\nhttps://intranet." + w.domain + "/news",
				html: `<html><body><h1>This week at Mercy Health</h1><p>Flu clinics, the new parking garage, and our nurses of the month.</p><a href="https://intranet.` + w.domain + `/news">Read more</a></body></html>`})
		case 2:
			p := pick(r, payees)
			g.mail(t, message{fromName: p.name + " Accounts Receivable", from: "ar@" + vendorDomain(p.name), to: []string{w.address(to)},
				subject: "Invoice INV-" + itoa(100000+r.IntN(900000)), text: "Please find our invoice attached for services rendered. Payment terms net 30.\nPortal: https://billing." + vendorDomain(p.name) + "/invoices"})
		case 3:
			g.mail(t, message{fromName: "MyChart", from: "noreply@mychart." + w.domain, to: []string{w.address(to)},
				subject: "You have a new message in MyChart", text: "A new message is waiting for you in MyChart.\nSign in: https://mychart." + w.domain + "/MyChart/"})
		default:
			g.mail(t, message{fromName: "NEJM Journal Watch", from: "alerts@nejm.org", to: []string{w.address(to)},
				subject: "Today's summaries", text: "Top stories in hospital medicine.\nhttps://www.jwatch.org/today",
				html: `<html><body><p>Top stories in hospital medicine.</p><a href="https://www.jwatch.org/today">Read</a></body></html>`})
		}
	}
}

func vendorDomain(name string) string {
	f := strings.Fields(strings.ToLower(name))
	return strings.Trim(f[0], ".,&()") + ".com"
}
