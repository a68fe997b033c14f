package phish

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// History answers pipeline questions about what the organisation has seen
// before the message: nil in stand-alone use (the signals stay off).
type History interface {
	// SeenSender: mail from this address reached the organisation before.
	SeenSender(addr string) bool
	// SeenDomain: a URL of this registrable domain was seen before.
	SeenDomain(domain string) bool
}

// Analyzer scores messages. Its fields are read-only after construction, so
// one Analyzer is safe for concurrent use.
type Analyzer struct {
	Model    *Model
	Resolver Resolver // nil: authentication from the message's own headers
}

// NewAnalyzer uses the committed model.
func NewAnalyzer(res Resolver) (*Analyzer, error) {
	m, err := DefaultModel()
	if err != nil {
		return nil, err
	}
	return &Analyzer{Model: m, Resolver: res}, nil
}

// Analyze parses and scores raw. cfg may be nil (empty configuration), hist
// may be nil.
func (a *Analyzer) Analyze(ctx context.Context, raw []byte, cfg *Config, hist History) Result {
	if cfg == nil {
		cfg = &Config{}
	}
	m := Parse(raw)
	s := &scan{cfg: cfg, hist: hist, msg: m, x: make([]float64, len(FeatureNames))}
	s.res.From, s.res.Display, s.res.Subject = m.From.Addr, m.From.Name, m.Subject
	for _, t := range m.To {
		s.res.To = append(s.res.To, t.Addr)
	}
	s.res.Malformed = m.Malformed
	s.auth(ctx, a.Resolver)
	s.sender()
	body := s.body()
	s.attachments()
	s.language(a.Model, body)
	if len(m.Malformed) > 0 {
		s.fire("malformed", 1, "malformed: "+strings.Join(m.Malformed, "; "), "message", "")
	}
	return s.finish(a.Model)
}

// scan is the state of one analysis.
type scan struct {
	cfg     *Config
	hist    History
	msg     *Message
	x       []float64
	reasons []Reason
	res     Result
}

// fire sets feature f to v (keeping the max) and records the reason.
func (s *scan) fire(f string, v float64, text, where, evidence string) {
	i, ok := featureIndex[f]
	if !ok {
		panic("phish: unknown feature " + f)
	}
	if v > s.x[i] {
		s.x[i] = v
	}
	if len(s.reasons) < 64 {
		s.reasons = append(s.reasons, Reason{Signal: f, Text: text, Where: where, Evidence: capString(evidence, 300)})
	}
}

func (s *scan) auth(ctx context.Context, res Resolver) {
	au := authenticate(ctx, s.msg, s.cfg, res)
	s.res.Auth = au
	src := map[string]string{"verified": "verified with DNS", "header": "per Authentication-Results", "arc": "per ARC-Authentication-Results"}[au.Source]
	switch au.SPF {
	case "fail", "softfail":
		s.fire("auth_spf_fail", 1, "SPF "+au.SPF+" ("+src+"): the sending server is not authorised for the sender's domain", "header:Authentication-Results", s.msg.ReturnPath)
	}
	switch au.DKIM {
	case "fail", "permerror":
		s.fire("auth_dkim_fail", 1, "DKIM signature did not verify ("+src+")", "header:DKIM-Signature", "")
	}
	switch au.DMARC {
	case "fail":
		s.fire("auth_dmarc_fail", 1, "DMARC fail ("+src+"): neither SPF nor DKIM is aligned with the From domain", "header:From", s.msg.From.Domain())
	case "pass":
		s.fire("auth_dmarc_pass", 1, "DMARC pass ("+src+"): the From domain is authenticated (says nothing about lookalikes)", "header:From", s.msg.From.Domain())
	}
	if au.Source == "none" {
		s.fire("auth_none", 1, "no authentication results (no Authentication-Results header and no DNS verification)", "header", "")
	}
}

func (s *scan) sender() {
	m, cfg := s.msg, s.cfg
	from := m.From
	dom := from.Domain()
	if from.Addr == "" {
		return
	}
	allowed := cfg.allowed(from)
	own := cfg.isOwn(dom)
	if own {
		s.fire("sender_own_domain", 1, "sender address is in the hospital's own domain", "header:From", from.Addr)
	} else if p, ok := cfg.partnerOf(dom); ok {
		s.fire("sender_partner", 1, "sender address is in the domain of known partner "+p.Name, "header:From", from.Addr)
	} else if underAny(dom, freemailDomains) {
		s.fire("sender_freemail", 1, "sender uses a consumer mailbox provider", "header:From", from.Addr)
	}
	if own && !allowed {
		s.ownDomainSpoof()
	}
	if !allowed {
		if v, ok := vipImpersonated(cfg, from); ok && !own {
			s.fire("sender_vip_impersonation", 1, fmt.Sprintf("display name matches %s (%s) but the address is outside the hospital's domains", v.Name, v.Title), "header:From", from.Name+" <"+from.Addr+">")
		}
		if t, k := lookalike(dom, cfg.protectedDomains()); k != "" {
			s.fire("sender_lookalike", 1, fmt.Sprintf("sender domain %s looks like %s (%s)", unicodeDomain(dom), t, k), "header:From", from.Addr)
		}
	}
	for _, r := range m.ReplyTo {
		rd := r.Domain()
		if rd != "" && registrable(rd) != registrable(dom) && !cfg.isOwn(rd) {
			s.fire("sender_replyto_mismatch", 1, "Reply-To goes to another domain than From: replies leave the sender's organisation", "header:Reply-To", r.Addr)
			if t, k := lookalike(rd, cfg.protectedDomains()); k != "" && !allowed {
				s.fire("sender_lookalike", 1, fmt.Sprintf("Reply-To domain %s looks like %s (%s)", unicodeDomain(rd), t, k), "header:Reply-To", r.Addr)
			}
		}
	}
	if rp := domainOf(m.ReturnPath); rp != "" && registrable(rp) != registrable(dom) {
		s.fire("sender_returnpath_mismatch", 1, "Return-Path (envelope sender) domain differs from the From domain", "header:Return-Path", m.ReturnPath)
	}
	if s.hist != nil && !own && !allowed && !s.hist.SeenSender(from.Addr) {
		s.fire("sender_first_time", 1, "first message from this sender to the organisation", "header:From", from.Addr)
	}
}

// freemailDomains are consumer mailbox providers.
var freemailDomains = []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
	"yahoo.com", "ymail.com", "aol.com", "proton.me", "protonmail.com", "icloud.com", "me.com", "mail.com",
	"gmx.com", "gmx.net", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com"}

// vipImpersonated: the display name carries a VIP's name (compared on TR39
// skeletons, punctuation and order insensitive) and the address is not one of
// the VIP's.
func vipImpersonated(cfg *Config, from Address) (VIP, bool) {
	if from.Name == "" {
		return VIP{}, false
	}
	shown := nameTokens(from.Name)
	for _, v := range cfg.VIPs {
		if containsAll(shown, nameTokens(v.Name)) {
			for _, a := range v.Addresses {
				if a == from.Addr {
					return VIP{}, false
				}
			}
			return v, true
		}
	}
	return VIP{}, false
}

func nameTokens(n string) []string {
	f := strings.FieldsFunc(skeleton(n), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '"' || r == '\'' || r == '(' || r == ')' || r == '-'
	})
	out := f[:0]
	for _, t := range f {
		if len(t) > 1 && t != "dr" && t != "md" && t != "rn" && t != "mr" && t != "ms" && t != "mrs" {
			out = append(out, t)
		}
	}
	return out
}

func containsAll(have, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// body scans HTML and text for URLs and returns the text for the language
// signals.
func (s *scan) body() string {
	m := s.msg
	var links []Link
	text := m.Text
	if m.HTML != "" {
		h := scanHTML(m.HTML)
		links = h.links
		if text == "" {
			text = string(h.text)
		}
		if h.forms > 0 {
			s.fire("html_form", 1, "the message body contains an HTML form", "body", "")
		}
		if h.smuggling != "" {
			s.fire("html_smuggling", 1, "script assembles a file in the browser (HTML smuggling)", "body", h.smuggling)
		}
	}
	links = textLinks(text, links)
	seen := map[string]bool{}
	for _, l := range links {
		if len(s.res.URLs) >= MaxURLs {
			break
		}
		if seen[l.Href] {
			continue
		}
		seen[l.Href] = true
		p, ok := parseLink(l)
		if !ok {
			continue
		}
		s.res.URLs = append(s.res.URLs, capString(l.Href, 2048))
		s.url(p)
	}
	return text
}

func (s *scan) url(p parsedURL) {
	ev := capString(p.Href, 300)
	switch p.scheme {
	case "data", "javascript", "vbscript":
		s.fire("url_data_js", 1, p.scheme+": URL (runs code or carries a document inline)", "url", ev)
		return
	}
	h := p.host
	if isIPHost(h) {
		s.fire("url_ip", 1, "link to a bare IP address", "url", ev)
	}
	if strings.Contains(h, "xn--") {
		s.fire("url_punycode", 1, "link host is punycode: shows as "+unicodeDomain(h), "url", ev)
	}
	if isShortener(h, s.cfg.Shorteners) {
		s.fire("url_shortener", 1, "link through a URL shortener hides its destination", "url", ev)
	}
	own := s.cfg.isOwn(h)
	_, partner := s.cfg.partnerOf(h)
	if !own && !partner && credPath.MatchString(p.path) {
		s.fire("url_cred_path", 1, "link path looks like a sign-in / verification page outside the hospital's domains", "url", ev)
	}
	if shown := shownDomain(p.Anchor); shown != "" && h != "" && registrable(shown) != registrable(h) {
		s.fire("url_anchor_mismatch", 1, fmt.Sprintf("link text shows %s but goes to %s", shown, h), "url", ev)
	}
	if t, k := lookalike(h, s.cfg.protectedDomains()); k != "" {
		s.fire("url_lookalike", 1, fmt.Sprintf("link domain %s looks like %s (%s)", unicodeDomain(h), t, k), "url", ev)
	}
	if s.hist != nil && h != "" && !own && !partner && !s.hist.SeenDomain(URLDomain(p.Href)) {
		s.fire("url_new_domain", 1, "link to a domain never seen before in the organisation's mail", "url", ev)
	}
}

func (s *scan) attachments() {
	for _, a := range s.msg.Attachments {
		for _, f := range inspectAttachment(a) {
			s.fire(f.feature, 1, f.text, "attachment", f.name)
		}
	}
}

func (s *scan) language(model *Model, body string) {
	text := s.msg.Subject + "\n" + body
	feats := textFeatures(text, nil)
	z := model.Text.Logit(feats)
	s.res.TextScore = round3(sigmoid(z))
	s.res.textFeats = feats
	s.x[featureIndex["text_logit"]] = math.Max(-10, math.Min(10, z))
	if z > 0 {
		s.reasons = append(s.reasons, Reason{Signal: "text_logit",
			Text:     fmt.Sprintf("language model: the wording reads like phishing/spam (p=%.2f)", sigmoid(z)),
			Where:    "body",
			Evidence: strings.Join(topWords(model, feats, text, 6), ", ")})
	}
	for _, h := range findCues(text) {
		s.fire(h.cue.feature, math.Min(float64(h.n), 3), h.cue.text, "body", h.span)
	}
}

// topWords are the tokens that push the text model hardest towards phish.
func topWords(m *Model, feats []uint32, text string, n int) []string {
	idx := append([]uint32(nil), feats...)
	sort.SliceStable(idx, func(a, b int) bool { return m.Text.W[idx[a]] > m.Text.W[idx[b]] })
	want := map[uint32]bool{}
	var top []uint32
	for _, b := range idx {
		if len(top) >= n || m.Text.W[b] <= 0 {
			break
		}
		want[b] = true
		top = append(top, b)
	}
	words := tokensOf(text, want)
	out := make([]string, 0, len(top))
	for _, b := range top {
		out = append(out, words[b])
	}
	return out
}

func (s *scan) finish(model *Model) Result {
	r := s.res
	p := model.Prob(s.x)
	r.Score = int(math.Round(p * 100))
	switch {
	case p >= model.Phish:
		r.Verdict = VerdictPhish
	case p >= model.Suspicious:
		r.Verdict = VerdictSuspicious
	default:
		r.Verdict = VerdictClean
	}
	for i := range s.reasons {
		j := featureIndex[s.reasons[i].Signal]
		s.reasons[i].Weight = round3(model.Weights[j] * s.x[j])
	}
	sort.SliceStable(s.reasons, func(a, b int) bool { return s.reasons[a].Weight > s.reasons[b].Weight })
	r.Reasons = s.reasons
	if r.Reasons == nil {
		r.Reasons = []Reason{}
	}
	r.Features = s.x
	return r
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
