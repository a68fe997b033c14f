package phish

import (
	"bytes"
	"context"
	"errors"
	"net"
	"regexp"
	"strings"

	"blitiri.com.ar/go/spf"
	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-msgauth/dmarc"
)

// Resolver is the DNS the authentication checks use; *net.Resolver fits.
// Tests and offline use pass a StaticResolver (or none: then only the
// message's own Authentication-Results headers are read).
type Resolver = spf.DNSResolver

// StaticResolver answers from fixture records (offline tests). Names are
// lower-case without a trailing dot; a missing name is "no such host".
type StaticResolver struct {
	TXT map[string][]string
	IP  map[string][]net.IPAddr
	MX  map[string][]*net.MX
}

var errNoHost = &net.DNSError{Err: "no such host", IsNotFound: true}

func key(n string) string { return strings.TrimSuffix(strings.ToLower(n), ".") }

// LookupTXT implements Resolver.
func (r StaticResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := r.TXT[key(name)]; ok {
		return v, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// LookupMX implements Resolver.
func (r StaticResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	if v, ok := r.MX[key(name)]; ok {
		return v, nil
	}
	return nil, errNoHost
}

// LookupIPAddr implements Resolver.
func (r StaticResolver) LookupIPAddr(_ context.Context, name string) ([]net.IPAddr, error) {
	if v, ok := r.IP[key(name)]; ok {
		return v, nil
	}
	return nil, errNoHost
}

// LookupAddr implements Resolver.
func (StaticResolver) LookupAddr(context.Context, string) ([]string, error) { return nil, errNoHost }

// authenticate verifies SPF, DKIM and DMARC when a resolver and the client
// IP (from the topmost Received header) are known; otherwise it reads the
// Authentication-Results header (the one from cfg.AuthservID, else the
// topmost), then ARC-Authentication-Results.
func authenticate(ctx context.Context, m *Message, cfg *Config, res Resolver) Auth {
	if res != nil {
		if ip := clientIP(m.Header.Values("Received")); ip != nil && m.From.Domain() != "" {
			return verify(ctx, m, ip, res)
		}
	}
	for _, h := range m.Header.Values("Authentication-Results") {
		if a, ok := fromAuthResults(h, cfg.AuthservID); ok {
			a.Source = "header"
			return a
		}
	}
	for _, h := range m.Header.Values("Arc-Authentication-Results") {
		if i := strings.IndexByte(h, ';'); i >= 0 && strings.HasPrefix(strings.TrimSpace(h), "i=") {
			h = h[i+1:]
		}
		if a, ok := fromAuthResults(h, ""); ok {
			a.Source = "arc"
			return a
		}
	}
	return Auth{Source: "none"}
}

func fromAuthResults(h, authserv string) (Auth, bool) {
	id, results, err := authres.Parse(h)
	if err != nil && len(results) == 0 {
		return Auth{}, false
	}
	if authserv != "" && !strings.EqualFold(id, authserv) {
		return Auth{}, false
	}
	var a Auth
	for _, r := range results {
		switch r := r.(type) {
		case *authres.SPFResult:
			a.SPF = string(r.Value)
		case *authres.DKIMResult:
			if a.DKIM != "pass" {
				a.DKIM = string(r.Value)
			}
		case *authres.DMARCResult:
			a.DMARC = string(r.Value)
		}
	}
	return a, a.SPF != "" || a.DKIM != "" || a.DMARC != ""
}

var bracketIP = regexp.MustCompile(`\[([0-9a-fA-F:.]+)\]`)

// clientIP is the first bracketed address of the topmost Received header
// (added by the receiving MTA).
func clientIP(received []string) net.IP {
	if len(received) == 0 {
		return nil
	}
	return bracketedIP(received[0])
}

func verify(ctx context.Context, m *Message, ip net.IP, res Resolver) Auth {
	a := Auth{Source: "verified"}
	from := m.From.Domain()
	mailFrom := m.ReturnPath
	if mailFrom == "" {
		mailFrom = m.From.Addr
	}
	r, _ := spf.CheckHostWithSender(ip, "", mailFrom, spf.WithResolver(res), spf.WithContext(ctx))
	a.SPF = string(r)
	spfDomain := domainOf(mailFrom)
	var dkimDomains []string
	a.DKIM = "none"
	if m.Header.Get("Dkim-Signature") != "" {
		a.DKIM = "fail"
		vs, _ := dkim.VerifyWithOptions(bytes.NewReader(m.raw), &dkim.VerifyOptions{MaxVerifications: 4,
			LookupTXT: func(d string) ([]string, error) { return res.LookupTXT(ctx, d) }})
		for _, v := range vs {
			if v.Err == nil {
				a.DKIM = "pass"
				dkimDomains = append(dkimDomains, strings.ToLower(v.Domain))
			}
		}
	}
	a.DMARC = dmarcResult(ctx, res, from, a.SPF == "pass", spfDomain, dkimDomains)
	return a
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(addr[i+1:])
	}
	return ""
}

func dmarcResult(ctx context.Context, res Resolver, from string, spfPass bool, spfDomain string, dkimDomains []string) string {
	rec, err := lookupDMARC(ctx, res, from)
	if err != nil || rec == nil {
		return "none"
	}
	aligned := func(d string, mode dmarc.AlignmentMode) bool {
		if mode == dmarc.AlignmentStrict {
			return d == from
		}
		return d != "" && registrable(d) == registrable(from)
	}
	if spfPass && aligned(spfDomain, rec.SPFAlignment) {
		return "pass"
	}
	for _, d := range dkimDomains {
		if aligned(d, rec.DKIMAlignment) {
			return "pass"
		}
	}
	return "fail"
}

func lookupDMARC(ctx context.Context, res Resolver, domain string) (*dmarc.Record, error) {
	for _, d := range []string{domain, registrable(domain)} {
		txts, err := res.LookupTXT(ctx, "_dmarc."+d)
		if err != nil {
			var de *net.DNSError
			if errors.As(err, &de) && de.IsNotFound {
				continue
			}
			return nil, err
		}
		for _, t := range txts {
			if strings.HasPrefix(strings.TrimSpace(t), "v=DMARC1") {
				return dmarc.Parse(t)
			}
		}
	}
	return nil, nil
}
