package train

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

// HospitalConfig is the configuration of the fictional hospital the
// hospital-style corpus is written for (St. Brigid Regional Health).
const HospitalConfig = `own_domains: [stbrigidhealth.org]
vips:
  - {name: Margaret Okafor, title: Chief Executive Officer, addresses: [mokafor@stbrigidhealth.org]}
  - {name: Daniel Reyes, title: Chief Financial Officer, addresses: [dreyes@stbrigidhealth.org]}
  - {name: Priya Natarajan, title: Chief Medical Officer, addresses: [pnatarajan@stbrigidhealth.org]}
  - {name: Thomas Lindqvist, title: Chief Nursing Officer, addresses: [tlindqvist@stbrigidhealth.org]}
partners:
  - {name: MediTrust Health Plans, kind: payer, domains: [meditrustplans.com]}
  - {name: Cardinal Medical Supply, kind: vendor, domains: [cardinalmedsupply.com]}
  - {name: HealthVault EHR, kind: vendor, domains: [healthvault-ehr.com]}
  - {name: ClaimBridge, kind: clearinghouse, domains: [claimbridge.net]}
`

// Sample is one labelled message of a training or test corpus.
type Sample struct {
	Name   string // file name or family/index
	Set    string // "spamassassin" or "hospital"
	Family string // template family (hospital) or group (spamassassin)
	Label  int    // 1 = phish/spam, 0 = benign/ham
	Raw    []byte
	// FirstTime: the pipeline would not have seen this sender before
	// (hospital set only; SpamAssassin has no history).
	FirstTime bool
}

var (
	firstNames = []string{"Aisha", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kate", "Luis", "Mei", "Noah", "Olga", "Pedro", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe"}
	lastNames  = []string{"Adams", "Baptiste", "Chen", "Duarte", "Evans", "Fischer", "Gupta", "Hansen", "Ito", "Jones", "Kowalski", "Lopez", "Moreau", "Nguyen", "Osei", "Patel", "Quinn", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber", "Young"}
	depts      = []string{"Emergency", "Oncology", "Cardiology", "ICU", "Pediatrics", "Radiology", "Pharmacy", "Billing", "Finance", "HIM"}
	vips       = [][3]string{{"Margaret", "Okafor", "Chief Executive Officer"}, {"Daniel", "Reyes", "Chief Financial Officer"}, {"Priya", "Natarajan", "Chief Medical Officer"}, {"Thomas", "Lindqvist", "Chief Nursing Officer"}}
	freemail   = []string{"gmail.com", "outlook.com", "yahoo.com", "proton.me", "aol.com", "mail.com"}
	badHosts   = []string{"secure-verify-portal.com", "login-update-center.net", "account-review.info", "docs-share-online.xyz", "mailbox-upgrade.top", "sso-validate.site", "hr-benefits-portal.online", "remit-advice-view.com"}
	lookOwn    = []string{"stbrigidhea1th.org", "stbrigid-health.org", "stbrigidhealth.co", "stbrigidhealht.org", "stbirgidhealth.org", "stbrigidheallth.org", "stbrigidhealth.org.secure-mail.net", "xn--stbrigdhealth-9sb.org"}
	lookVendor = []string{"cardinalmedsupp1y.com", "cardinal-medsupply.com", "cardinalmedsuply.com", "cardinalmedsupply.co", "cardlnalmedsupply.com"}
	lookPayer  = []string{"meditrustplan.com", "meditrust-plans.com", "xn--mditrustplans-hkb.com", "meditrustplans.net", "medtirustplans.com"}
	amounts    = []string{"$48,250.00", "$12,980.40", "$96,400.00", "$7,315.75", "$23,600.00", "$150,000.00"}
	greetings  = []string{"Hi", "Hello", "Good morning", "Dear", "Hey"}
)

// gen builds messages with a deterministic random source.
type gen struct{ r *rand.Rand }

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) person() (first, last, user string) {
	first, last = g.pick(firstNames), g.pick(lastNames)
	user = strings.ToLower(first[:1]+last) + fmt.Sprint(g.r.IntN(90)+10)
	return
}

type mail struct {
	from, replyTo, returnPath, to, subject string
	auth                                   string // Authentication-Results value, "" for none
	text, html                             string
	attach                                 []att
	// fromOutside: an own-domain sender whose message still came in
	// through the border MTA (spoofs, mailing lists, cloud senders). Other
	// own-domain mail is relayed inside the hospital only.
	fromOutside bool
	headers     []string // further header lines ("List-Id: …")
}

type att struct{ name, ctype, b64 string }

func (g *gen) date() string {
	d := g.r.IntN(27) + 1
	return fmt.Sprintf("Mon, %02d Oct 2026 %02d:%02d:%02d +0000", d, g.r.IntN(10)+8, g.r.IntN(60), g.r.IntN(60))
}

func authRes(spf, dkim, dmarc, dom string) string {
	return fmt.Sprintf("mx.stbrigidhealth.org; spf=%s smtp.mailfrom=%s; dkim=%s header.d=%s; dmarc=%s header.from=%s", spf, dom, dkim, dom, dmarc, dom)
}

func (m mail) render(g *gen) []byte {
	var b strings.Builder
	b.WriteString(m.received(g))
	if m.auth != "" {
		fmt.Fprintf(&b, "Authentication-Results: %s\r\n", m.auth)
	}
	rp := m.returnPath
	if rp == "" {
		rp = addrOf(m.from)
	}
	fmt.Fprintf(&b, "Return-Path: <%s>\r\nFrom: %s\r\nTo: %s\r\n", rp, m.from, m.to)
	for _, h := range m.headers {
		b.WriteString(h + "\r\n")
	}
	if m.replyTo != "" {
		fmt.Fprintf(&b, "Reply-To: %s\r\n", m.replyTo)
	}
	fmt.Fprintf(&b, "Subject: %s\r\nDate: %s\r\nMessage-ID: <%x@%s>\r\nMIME-Version: 1.0\r\n", m.subject, g.date(), g.r.Uint64(), domainOf(rp))
	const bd = "==vigil-boundary-7f3a=="
	if m.html == "" && len(m.attach) == 0 {
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", m.text)
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", bd)
	if m.html != "" {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>%s</body></html>\r\n", bd, m.html)
	} else {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", bd, m.text)
	}
	for _, a := range m.attach {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", bd, a.ctype, a.name, a.name, a.b64)
	}
	fmt.Fprintf(&b, "--%s--\r\n", bd)
	return []byte(b.String())
}

// received is the topmost Received header: the border MTA's hop from an
// outside host, or, for own-domain mail that never left the hospital, the
// internal relay's hop from a workstation or application server.
func (m mail) received(g *gen) string {
	a, b, c := g.r.IntN(9), g.r.IntN(9), g.r.IntN(250)+1
	if d := domainOf(addrOf(m.from)); (d == own || strings.HasSuffix(d, "."+own)) && !m.fromOutside {
		return fmt.Sprintf("Received: from app%d.%s (app%d.%s [10.20.%d.%d]) by exch01.%s\r\n", a, own, a, own, b, c, own)
	}
	return fmt.Sprintf("Received: from mta%d.example.net (mta%d.example.net [203.0.113.%d]) by mx.%s\r\n", a, b, c, own)
}

func addrOf(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		return strings.TrimSuffix(s[i+1:], ">")
	}
	return s
}

func domainOf(a string) string {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		return a[i+1:]
	}
	return "example.net"
}

// family is a template: it writes one message per call.
type family struct {
	name      string
	label     int
	firstTime bool
	make      func(g *gen) mail
}

// HospitalCorpus returns the hospital-style corpus: perFamily messages of
// each template family, deterministic for a given perFamily.
func HospitalCorpus(perFamily int) []Sample {
	var out []Sample
	for _, f := range families() {
		h := fnv.New64a()
		h.Write([]byte(f.name))
		g := &gen{r: rand.New(rand.NewPCG(h.Sum64(), 2026))}
		for i := 0; i < perFamily; i++ {
			m := f.make(g)
			out = append(out, Sample{Name: fmt.Sprintf("%s-%03d.eml", f.name, i), Set: "hospital", Family: f.name,
				Label: f.label, Raw: m.render(g), FirstTime: f.firstTime && g.r.IntN(10) < 8})
		}
	}
	return out
}
