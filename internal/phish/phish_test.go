package phish

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func testConfig(t *testing.T) *Config {
	t.Helper()
	c, err := LoadConfig("testdata/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func analyze(t *testing.T, raw string, res Resolver) Result {
	t.Helper()
	an, err := NewAnalyzer(res)
	if err != nil {
		t.Fatal(err)
	}
	return an.Analyze(context.Background(), []byte(raw), testConfig(t), nil)
}

func hasSignal(r Result, sig string) *Reason {
	for i := range r.Reasons {
		if r.Reasons[i].Signal == sig {
			return &r.Reasons[i]
		}
	}
	return nil
}

func TestLookalikeKinds(t *testing.T) {
	prot := []string{"stbrigidhealth.org", "cardinalmedsupply.com"}
	cases := map[string]string{
		"stbrigidhealh.org":                  LookOmission,
		"stbrigidhealthh.org":                LookRepetition,
		"stbrigidhaelth.org":                 LookSwap,
		"stbrigidhealtk.org":                 LookReplacement,
		"stbrigidhealti.org":                 LookBitsquat, // h (0x68) → i (0x69)
		"stbrigidhea1th.org":                 LookHomoglyph,
		"stbrigid-health.org":                LookHyphenation,
		"stbrigidhealthx.org":                LookAddition,
		"stbrigidhealth.com":                 LookTLDSwap,
		"stbrigidhealth.org.secure-mail.net": LookSubdomain,
		"stbrigidhealth.org":                 "",
		"mail.stbrigidhealth.org":            "",
		"example.com":                        "",
	}
	for d, want := range cases {
		if _, got := lookalike(d, prot); got != want {
			t.Errorf("%s: got %q, want %q", d, got, want)
		}
	}
	// Cyrillic "і" (U+0456) for Latin i: TR39 skeletons agree.
	if _, got := lookalike("stbr\u0456gidhealth.org", prot); got != LookHomoglyph {
		t.Errorf("cyrillic i: got %q", got)
	}
}

const vipMail = "From: \"Daniel Reyes\" <daniel.reyes.cfo@gmail.com>\r\nTo: ap@stbrigidhealth.org\r\nSubject: Quick favor\r\n\r\nAre you at your desk? I need gift cards for the staff, keep this between us.\r\n"

func TestVIPImpersonationAndCues(t *testing.T) {
	r := analyze(t, vipMail, nil)
	if hasSignal(r, "sender_vip_impersonation") == nil || hasSignal(r, "cue_giftcard") == nil || hasSignal(r, "cue_availability") == nil {
		t.Fatalf("signals missing: %+v", r.Reasons)
	}
	if r.Verdict == VerdictClean {
		t.Errorf("VIP gift-card lure scored clean (%d)", r.Score)
	}
	// the VIP's real address is not impersonation
	own := strings.Replace(vipMail, "daniel.reyes.cfo@gmail.com", "dreyes@stbrigidhealth.org", 1)
	if hasSignal(analyze(t, own, nil), "sender_vip_impersonation") != nil {
		t.Error("real VIP address flagged")
	}
}

func TestBenignInternalIsClean(t *testing.T) {
	raw := "Authentication-Results: mx.stbrigidhealth.org; spf=pass smtp.mailfrom=stbrigidhealth.org; dkim=pass header.d=stbrigidhealth.org; dmarc=pass header.from=stbrigidhealth.org\r\n" +
		"From: Ana Lopez <alopez12@stbrigidhealth.org>\r\nTo: bchen44@stbrigidhealth.org\r\nSubject: Huddle moved\r\n\r\nThe cardiology huddle moves to 07:15 on Monday. Bring the bed board.\r\n"
	r := analyze(t, raw, nil)
	if r.Verdict != VerdictClean || r.Auth.DMARC != "pass" || r.Auth.Source != "header" {
		t.Fatalf("got %s %d %+v", r.Verdict, r.Score, r.Auth)
	}
}

func TestURLSignals(t *testing.T) {
	raw := "From: x@evil.example\r\nTo: a@stbrigidhealth.org\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n" +
		`<a href="http://192.0.2.7/owa/login.php">https://mail.stbrigidhealth.org/</a>` +
		`<a href="https://bit.ly/abc">x</a><a href="https://xn--stbrgidhealth-qvb.org/">y</a>` +
		`<a href="javascript:alert(1)">z</a><form action="https://evil.example/post"></form>`
	r := analyze(t, raw, nil)
	for _, s := range []string{"url_ip", "url_cred_path", "url_anchor_mismatch", "url_shortener", "url_punycode", "url_data_js", "html_form"} {
		if hasSignal(r, s) == nil {
			t.Errorf("%s missing", s)
		}
	}
	if len(r.URLs) < 4 {
		t.Errorf("urls %v", r.URLs)
	}
}

func zipWith(t *testing.T, name string, encrypted bool) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	if encrypted {
		h.Flags |= 1
	}
	w, _ := zw.CreateHeader(h)
	w.Write(bytes.Repeat([]byte{0}, 1<<20)) // 1 MiB of zeros: compresses ~1000×
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func withAttachment(name, b64 string) string {
	return "From: x@evil.example\r\nTo: a@stbrigidhealth.org\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--B\r\n" +
		"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--B--\r\n"
}

func TestAttachments(t *testing.T) {
	cases := map[string][2]string{
		"invoice.xlsm":   {"att_macro", ""},
		"scan.iso":       {"att_risky_type", ""},
		"invoice.pdf.js": {"att_double_ext", ""},
		"notice.html":    {"att_html_active", base64.StdEncoding.EncodeToString([]byte("<form action=x><input type=password></form>"))},
		"docs.zip":       {"att_encrypted_archive", "enc"},
		"bomb.zip":       {"att_risky_type", "bomb"},
	}
	for name, c := range cases {
		b64 := c[1]
		switch b64 {
		case "", "enc", "bomb":
			if b64 == "enc" {
				b64 = zipWith(t, "a.pdf", true)
			} else if b64 == "bomb" {
				b64 = zipWith(t, "payload.exe", false)
			} else {
				b64 = base64.StdEncoding.EncodeToString([]byte("data"))
			}
		}
		r := analyze(t, withAttachment(name, b64), nil)
		if hasSignal(r, c[0]) == nil {
			t.Errorf("%s: %s missing (%+v)", name, c[0], r.Reasons)
		}
	}
}

func TestHTMLSmuggling(t *testing.T) {
	raw := "From: x@evil.example\r\nSubject: vm\r\nContent-Type: text/html\r\n\r\n<script>var b=new Blob([atob('AAAA')]);var a=document.createElement('a');a.href=URL.createObjectURL(b);a.download='x.iso';</script>"
	if hasSignal(analyze(t, raw, nil), "html_smuggling") == nil {
		t.Error("smuggling not seen")
	}
}

func TestVerifiedAuthWithFixtureDNS(t *testing.T) {
	res := StaticResolver{TXT: map[string][]string{
		"stbrigidhealth.org":        {"v=spf1 ip4:198.51.100.0/24 -all"},
		"_dmarc.stbrigidhealth.org": {"v=DMARC1; p=reject"},
	}}
	mk := func(ip string) string {
		return "Received: from mx.out (mx.out [" + ip + "]) by mx.stbrigidhealth.org\r\nReturn-Path: <alopez@stbrigidhealth.org>\r\n" +
			"From: Ana <alopez@stbrigidhealth.org>\r\nTo: b@stbrigidhealth.org\r\nSubject: hi\r\n\r\nhello\r\n"
	}
	ok := analyze(t, mk("198.51.100.9"), res)
	if ok.Auth.Source != "verified" || ok.Auth.SPF != "pass" || ok.Auth.DMARC != "pass" {
		t.Errorf("authorised IP: %+v", ok.Auth)
	}
	bad := analyze(t, mk("203.0.113.5"), res)
	if bad.Auth.SPF != "fail" || bad.Auth.DMARC != "fail" || hasSignal(bad, "auth_dmarc_fail") == nil {
		t.Errorf("spoofed: %+v", bad.Auth)
	}
}

// nested is a message with n multipart levels.
func nested(n int) string {
	var b strings.Builder
	b.WriteString("From: a@b.example\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 1; i <= n; i++ {
		b.WriteString("--b" + strconv.Itoa(i-1) + "\r\nContent-Type: multipart/mixed; boundary=b" + strconv.Itoa(i) + "\r\n\r\n")
	}
	b.WriteString("--b" + strconv.Itoa(n) + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
	return b.String()
}

func TestMalformedIsBounded(t *testing.T) {
	huge := "From: a@b.example\r\nX-Big: " + strings.Repeat("a", MaxHeaderBytes+10) + "\r\n\r\nbody"
	for name, raw := range map[string]string{"nested 100": nested(100), "nested 30": nested(30), "huge header": huge,
		"bad charset": "From: a@b.example\r\nSubject: =?x-unknown?q?abc?=\r\nContent-Type: text/plain; charset=x-nope\r\n\r\nhi"} {
		start := time.Now()
		r := analyze(t, raw, nil)
		if time.Since(start) > 5*time.Second {
			t.Errorf("%s: took %v", name, time.Since(start))
		}
		if hasSignal(r, "malformed") == nil || !strings.HasPrefix(hasSignal(r, "malformed").Text, "malformed: ") {
			t.Errorf("%s: no malformed reason: %+v", name, r.Malformed)
		}
		if r.From != "a@b.example" {
			t.Errorf("%s: from %q", name, r.From)
		}
	}
}

func TestConfigReload(t *testing.T) {
	p := t.TempDir() + "/c.yaml"
	os.WriteFile(p, []byte("own_domains: [a.org]\n"), 0o644)
	f, err := OpenConfigFile(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Current().OwnDomains[0] != "a.org" {
		t.Fatal("first load")
	}
	time.Sleep(20 * time.Millisecond)
	os.WriteFile(p, []byte("own_domains: [b.org]\n"), 0o644)
	os.Chtimes(p, time.Now().Add(time.Second), time.Now().Add(time.Second))
	if got := f.Current().OwnDomains[0]; got != "b.org" {
		t.Errorf("after change: %s", got)
	}
	os.WriteFile(p, []byte("bogus_key: 1\n"), 0o644)
	os.Chtimes(p, time.Now().Add(2*time.Second), time.Now().Add(2*time.Second))
	if got := f.Current().OwnDomains[0]; got != "b.org" || f.Err() == nil || !strings.Contains(f.Err().Error(), "line 1") {
		t.Errorf("bad file: kept %s, err %v", got, f.Err())
	}
}

func TestModelRoundTrip(t *testing.T) {
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := ParseModel(b)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Text.W[123] != m.Text.W[123] || m2.Phish != m.Phish || m.Phish <= m.Suspicious {
		t.Error("round trip changed the model")
	}
}

// TestAnalyzeConcurrent: one Analyzer serves concurrent API requests (run
// with -race).
func TestAnalyzeConcurrent(t *testing.T) {
	an, err := NewAnalyzer(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	want := an.Analyze(context.Background(), []byte(vipMail), cfg, nil).Score
	done := make(chan int)
	for i := 0; i < 4; i++ {
		go func() {
			s := 0
			for j := 0; j < 20; j++ {
				s = an.Analyze(context.Background(), []byte(vipMail), cfg, nil).Score
			}
			done <- s
		}()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; got != want {
			t.Errorf("score %d, want %d", got, want)
		}
	}
}

// TestDepthWithinLimitIsParsed: 11 nested multiparts are MIME-parsed (the
// body text is found), 31 are not (reported, and fast).
func TestDepthWithinLimitIsParsed(t *testing.T) {
	raw := nested(10)
	if d := mimeDepth([]byte(raw[headerEnd([]byte(raw)):]), "b0"); d != 11 {
		t.Errorf("depth of nested(10) = %d, want 11", d)
	}
	m := Parse([]byte(raw)) // (its boundaries are never closed: enmime says so)
	if strings.Contains(strings.Join(m.Malformed, " "), "nesting") || !strings.Contains(m.Text, "hello") {
		t.Errorf("malformed %v text %q", m.Malformed, m.Text)
	}
	start := time.Now()
	m = Parse([]byte(nested(30)))
	if len(m.Malformed) == 0 || !strings.Contains(m.Malformed[0], "nesting") || time.Since(start) > 2*time.Second {
		t.Errorf("deep: %v after %v", m.Malformed, time.Since(start))
	}
}
