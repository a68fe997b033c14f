package phish

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// Link is a URL found in the message.
type Link struct {
	Href   string
	Anchor string // visible text of an HTML anchor ("" for text URLs)
	Form   bool   // a form action
}

// htmlScan is what the HTML part shows besides links.
type htmlScan struct {
	links     []Link
	forms     int
	scripts   int
	smuggling string // evidence of HTML smuggling ("" if none)
	text      []byte
}

// scanHTML walks HTML with a tokenizer (no tree; bounded by MaxHTMLBytes).
func scanHTML(doc string) htmlScan {
	var s htmlScan
	z := html.NewTokenizer(strings.NewReader(capString(doc, MaxHTMLBytes)))
	var cur *Link
	inScript := false
	var script strings.Builder
	hasDownload := false
	for n := 0; n < 200000; n++ {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			s.smuggling = smugglingEvidence(script.String(), hasDownload)
			return s
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if len(attrs) < 32 {
					attrs[string(k)] = string(v)
				}
			}
			switch string(name) {
			case "a":
				if _, ok := attrs["download"]; ok {
					hasDownload = true
				}
				if h := strings.TrimSpace(attrs["href"]); h != "" && len(s.links) < MaxURLs {
					s.links = append(s.links, Link{Href: h})
					cur = &s.links[len(s.links)-1]
				}
			case "form":
				s.forms++
				if act := strings.TrimSpace(attrs["action"]); act != "" && len(s.links) < MaxURLs {
					s.links = append(s.links, Link{Href: act, Form: true})
				}
			case "iframe", "embed", "object":
				if src := strings.TrimSpace(attrs["src"] + attrs["data"]); src != "" && len(s.links) < MaxURLs {
					s.links = append(s.links, Link{Href: src})
				}
			case "script":
				s.scripts++
				inScript = tt == html.StartTagToken
			case "meta":
				if strings.EqualFold(attrs["http-equiv"], "refresh") {
					if i := strings.Index(strings.ToLower(attrs["content"]), "url="); i >= 0 && len(s.links) < MaxURLs {
						s.links = append(s.links, Link{Href: strings.TrimSpace(attrs["content"][i+4:])})
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "a":
				cur = nil
			case "script":
				inScript = false
			}
		case html.TextToken:
			t := z.Text()
			if inScript {
				if script.Len() < 256<<10 {
					script.Write(t)
				}
				continue
			}
			if cur != nil && len(cur.Anchor) < 256 {
				cur.Anchor += strings.TrimSpace(string(t))
			}
			if len(s.text) < MaxTextBytes {
				s.text = append(s.text, t...)
				s.text = append(s.text, ' ')
			}
		}
	}
	return s
}

// smugglingEvidence: script that builds a file in the browser (atob / Blob /
// createObjectURL / msSaveOrOpenBlob) — the HTML smuggling pattern.
func smugglingEvidence(script string, download bool) string {
	if script == "" {
		return ""
	}
	low := strings.ToLower(script)
	hits := []string{}
	for _, k := range []string{"atob(", "new blob", "createobjecturl", "mssaveoropenblob", "uint8array", ".download", "fromcharcode"} {
		if strings.Contains(low, k) {
			hits = append(hits, k)
		}
	}
	if (len(hits) >= 2 && (strings.Contains(low, "blob") || download)) || (len(hits) >= 1 && download) {
		return strings.Join(hits, ", ")
	}
	return ""
}

// textLinks finds URLs in plain text: runs starting at "http://",
// "https://" or "www." (any case) up to a space or delimiter.
func textLinks(text string, dst []Link) []Link {
	low := strings.ToLower(capString(text, MaxTextBytes))
	for off := 0; off < len(low) && len(dst) < MaxURLs; {
		k := indexURLStart(low[off:])
		if k < 0 {
			break
		}
		k += off
		end := k
		for end < len(text) && !strings.ContainsRune(" \t\r\n<>\"'()[]{}", rune(text[end])) {
			end++
		}
		if u := strings.TrimRight(text[k:end], ".,;:!?"); len(u) > 8 {
			dst = append(dst, Link{Href: u})
		}
		off = max(end, k+1)
	}
	return dst
}

func indexURLStart(s string) int {
	best := -1
	for _, p := range [...]string{"http://", "https://", "www."} {
		if i := strings.Index(s, p); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// parsedURL is a link with its host.
type parsedURL struct {
	Link
	scheme string
	host   string // lower-case, no port
	path   string // path + query, lower-case
}

func parseLink(l Link) (parsedURL, bool) {
	h := strings.TrimSpace(l.Href)
	low := strings.ToLower(h)
	p := parsedURL{Link: l}
	switch {
	case strings.HasPrefix(low, "data:"), strings.HasPrefix(low, "javascript:"), strings.HasPrefix(low, "vbscript:"):
		p.scheme = low[:strings.IndexByte(low, ':')]
		return p, true
	case strings.HasPrefix(low, "mailto:"), strings.HasPrefix(low, "tel:"), strings.HasPrefix(low, "cid:"), strings.HasPrefix(low, "#"):
		return p, false
	case strings.HasPrefix(low, "www."):
		h = "http://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return p, false
	}
	p.scheme = strings.ToLower(u.Scheme)
	p.host = strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	p.path = strings.ToLower(u.EscapedPath() + "?" + u.RawQuery)
	return p, true
}

func isIPHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	// decimal / hex encodings of an IPv4 address (http://3232235777/)
	if h != "" && strings.Trim(h, "0123456789") == "" {
		return true
	}
	return strings.HasPrefix(h, "0x") && strings.Trim(h[2:], "0123456789abcdef") == ""
}

var shorteners = []string{"bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
	"cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "s.id", "lnkd.in", "bl.ink", "short.io", "v.gd", "qrco.de",
	"tr.im", "x.co", "snip.ly"}

func isShortener(host string, extra []string) bool {
	return underAny(host, shorteners) || underAny(host, extra)
}

var credPath = regexp.MustCompile(`(login|log-in|signin|sign-in|logon|verify|verification|validate|account|password|passwd|credential|secure|update|auth|sso|owa|webmail|mfa|2fa|unlock|suspend|billing|wp-admin|confirm)`)

// anchorDomain: the domain an anchor text shows, if it looks like one.
var anchorHost = regexp.MustCompile(`(?i)^(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:?#].*)?$`)

func shownDomain(anchor string) string {
	m := anchorHost.FindStringSubmatch(strings.TrimSpace(anchor))
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// URLDomain is the registrable domain of a URL's host ("" if none).
func URLDomain(u string) string {
	p, ok := parseLink(Link{Href: u})
	if !ok || p.host == "" {
		return ""
	}
	return registrable(p.host)
}
