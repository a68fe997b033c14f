package behavior

import (
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

func proxy(t testing.TB, method, full, domain string, size int, body string) *event.Event {
	f := map[string]any{"event.dataset": "proxy", "event.category": "web", "event.action": "request",
		"event.outcome": "success", "user.name": "rn_kim", "source.ip": "10.40.2.50", "url.full": full,
		"http.request.method": method, "http.request.bytes": size, "http.response.status_code": 200}
	if domain != "" {
		f["url.domain"] = domain
	}
	if body != "" {
		f["http.request.body.content"] = body
	}
	return ecsEvent(t, t0, f)
}

func TestGenAIUploadWithPHI(t *testing.T) {
	d := New(Config{})
	body := "Summarise: patient MRN: 00482913, DOB 03/14/1958, SSN 123-45-6789, admitted with chest pain"
	fs := only(run(d, proxy(t, "POST", "https://chatgpt.com/backend-api/conversation", "chatgpt.com", 900, body)), "genai-upload")
	if len(fs) != 1 || fs[0].Severity != finding.SeverityHigh || fs[0].Entities.User != "rn_kim" {
		t.Fatalf("phi upload: %v", fs)
	}
	f := fs[0]
	checkFinding(t, f)
	for _, tag := range []string{"phi:mrn", "phi:ssn", "phi:dob", "service:chatgpt.com"} {
		if !hasTag(f, tag) {
			t.Fatalf("missing tag %s in %v", tag, f.Tags)
		}
	}
	for _, secret := range []string{"00482913", "123-45-6789", "1958", "chest pain"} {
		if strings.Contains(f.Explanation, secret) || strings.Contains(strings.Join(f.Tags, " "), secret) {
			t.Fatalf("finding quotes PHI %q: %s", secret, f.Explanation)
		}
	}
}

func TestGenAIUploadBySizeAndSubdomain(t *testing.T) {
	d := New(Config{})
	fs := only(run(d, proxy(t, "PUT", "https://files.claude.ai/upload", "", 250_000, "")), "genai-upload")
	if len(fs) != 1 || fs[0].Severity != finding.SeverityMedium || !hasTag(fs[0], "service:claude.ai") {
		t.Fatalf("large upload: %v", fs)
	}
}

func TestGenAINearMisses(t *testing.T) {
	d := New(Config{})
	phi := "MRN: 00482913 DOB 1958-03-14"
	fs := run(d,
		proxy(t, "GET", "https://gemini.google.com/app", "gemini.google.com", 0, ""),           // browsing
		proxy(t, "POST", "https://chatgpt.com/c", "chatgpt.com", 400, "what is a normal INR?"), // short prompt, no PHI
		proxy(t, "POST", "https://ehr.example.org/notes", "ehr.example.org", 5000, phi),        // PHI to the EHR itself
		proxy(t, "POST", "https://notclaude.ai/x", "notclaude.ai", 50_000, ""),                 // look-alike, not a sub-domain
	)
	if len(fs) != 0 {
		t.Fatalf("near misses flagged: %s", rules(fs))
	}
}

func TestPHIKinds(t *testing.T) {
	cases := map[string]string{
		"Medical Record Number: A1234567":  "MRN",
		"see pat-000123 chart":             "MRN",
		"date of birth: 1960-02-01":        "DOB",
		"born on 2.3.1971":                 "DOB",
		"ssn 078-05-1120":                  "SSN",
		"phone 555-123-4567, code 12-3456": "",
		"the meeting is on 2024-05-01":     "",
	}
	for in, want := range cases {
		got := strings.Join(phiKinds(in), ",")
		if got != want {
			t.Errorf("phiKinds(%q) = %q, want %q", in, got, want)
		}
	}
}
