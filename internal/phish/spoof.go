package phish

import (
	"net"
	"strings"
)

// entryHop finds where a message entered the hospital's mail. Received
// headers are prepended by each MTA, so reading them from the top walks
// back from the mailbox towards the sender: hops whose client address is
// internal (private, loopback or link-local, or in cfg.InternalNetworks) are
// relays inside the hospital; the first hop from any other address is where
// the message came in from outside. Only the client address that the
// receiving MTA recorded (in brackets) is used, never the host names the
// client claims. found is false when no Received header names an address.
func entryHop(received []string, cfg *Config) (hop string, ip net.IP, outside, found bool) {
	for _, h := range received {
		ip := bracketedIP(h)
		if ip == nil {
			return "", nil, false, found
		}
		found = true
		if !cfg.internalIP(ip) {
			return h, ip, true, true
		}
	}
	return "", nil, false, found
}

// bracketedIP is the first bracketed address of one Received header.
func bracketedIP(h string) net.IP {
	for _, m := range bracketIP.FindAllStringSubmatch(h, 4) {
		if ip := net.ParseIP(strings.TrimPrefix(m[1], "IPv6:")); ip != nil {
			return ip
		}
	}
	return nil
}

// ownDomainSpoof: the From address is in an own domain, but the message was
// not sent by the hospital's own mail system: DMARC fails for the own domain,
// SPF fails for an own-domain envelope sender, or it arrived from an outside
// host without DMARC pass (legitimate cloud senders of the own domain pass
// DMARC). This is what border gateways call a spoofed internal sender.
func (s *scan) ownDomainSpoof() {
	m, au := s.msg, s.res.Auth
	dom := m.From.Domain()
	const what = "From is the hospital's own domain "
	switch {
	case au.DMARC == "fail":
		s.fire("sender_own_domain_spoof", 1, what+dom+" but DMARC fails for it: the message was not sent by the hospital's mail system", "header:From", m.From.Addr)
	case (au.SPF == "fail" || au.SPF == "softfail") && s.cfg.isOwn(domainOf(m.ReturnPath)):
		s.fire("sender_own_domain_spoof", 1, what+dom+" but SPF "+au.SPF+"s for the own-domain envelope sender", "header:Return-Path", m.ReturnPath)
	case au.DMARC != "pass":
		hop, ip, outside, _ := entryHop(m.Header.Values("Received"), s.cfg)
		if outside {
			s.fire("sender_own_domain_spoof", 1, what+dom+" but the message came in from outside ("+ip.String()+") without DMARC pass", "header:Received", hop)
		}
	}
}
