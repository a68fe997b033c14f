package phish

import (
	"context"
	"strings"
	"testing"
)

func spoofMsg(from string, hdrs ...string) string {
	return strings.Join(hdrs, "\r\n") + "\r\nFrom: IT Service Desk <" + from + ">\r\nTo: b@stbrigidhealth.org\r\nSubject: notice\r\n\r\nplease read\r\n"
}

const (
	hopOutside  = "Received: from mta1.example.net (mta1.example.net [203.0.113.7]) by mx.stbrigidhealth.org"
	hopInternal = "Received: from exch01.stbrigidhealth.org (exch01 [10.20.1.5]) by mail.stbrigidhealth.org"
	arDMARCFail = "Authentication-Results: mx.stbrigidhealth.org; spf=softfail smtp.mailfrom=x@evil.example; dmarc=fail header.from=stbrigidhealth.org"
	arDMARCPass = "Authentication-Results: mx.stbrigidhealth.org; spf=pass smtp.mailfrom=bounce@esp.example; dkim=pass header.d=stbrigidhealth.org; dmarc=pass header.from=stbrigidhealth.org"
)

func TestOwnDomainSpoof(t *testing.T) {
	own := "servicedesk@stbrigidhealth.org"
	cases := []struct {
		name, raw string
		want      bool
		evidence  string
	}{
		{"outside hop, no authentication", spoofMsg(own, hopOutside), true, "203.0.113.7"},
		{"internal relay, then outside hop", spoofMsg(own, hopInternal, hopOutside), true, "203.0.113.7"},
		{"DMARC fail for the own domain", spoofMsg(own, arDMARCFail), true, own},
		{"SPF fail for an own-domain envelope", spoofMsg(own, "Return-Path: <"+own+">",
			"Authentication-Results: mx.stbrigidhealth.org; spf=fail smtp.mailfrom="+own), true, own},
		{"internal hops only", spoofMsg(own, hopInternal, "Received: from ws12 (ws12 [192.168.4.12]) by exch01"), false, ""},
		{"outside hop, DMARC pass (cloud sender)", spoofMsg(own, hopOutside, arDMARCPass), false, ""},
		{"no Received header, no authentication", spoofMsg(own), false, ""},
		{"outside domain failing DMARC", spoofMsg("it@evil.example", hopOutside, arDMARCFail), false, ""},
	}
	for _, c := range cases {
		r := analyze(t, c.raw, nil)
		got := hasSignal(r, "sender_own_domain_spoof")
		if (got != nil) != c.want {
			t.Errorf("%s: fired=%v, want %v (%+v)", c.name, got != nil, c.want, r.Reasons)
			continue
		}
		if got != nil && !strings.Contains(got.Evidence, c.evidence) {
			t.Errorf("%s: evidence %q lacks %q", c.name, got.Evidence, c.evidence)
		}
	}
}

func TestOwnDomainSpoofInternalNetworks(t *testing.T) {
	cfg, err := ParseConfig([]byte("own_domains: [stbrigidhealth.org]\ninternal_networks: [203.0.113.0/24]\n"))
	if err != nil {
		t.Fatal(err)
	}
	an, err := NewAnalyzer(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := an.Analyze(context.Background(), []byte(spoofMsg("hr@stbrigidhealth.org", hopOutside)), cfg, nil)
	if hasSignal(r, "sender_own_domain_spoof") != nil {
		t.Errorf("hop from a configured internal network counted as outside: %+v", r.Reasons)
	}
	if _, err := ParseConfig([]byte("internal_networks: [10.0.0.0/33]\n")); err == nil {
		t.Error("bad CIDR accepted")
	}
}
