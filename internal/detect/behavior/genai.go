package behavior

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/vigil-soc/vigil/internal/finding"
)

// phiScanLimit bounds how much of a sampled body is scanned.
const phiScanLimit = 64 << 10

// PHI-likeness patterns: a medical record number, a US social security
// number, a date of birth. The explanation names the kinds, never the text.
var phiPatterns = []struct {
	name string
	re   *regexp.Regexp
}{
	{"MRN", regexp.MustCompile(`(?i)\b(?:MRN|medical record(?: number| no\.?)?|patient id)\s*[:#]?\s*[A-Z0-9-]{5,}|\bpat-\d{4,}\b`)},
	{"SSN", regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`)},
	{"DOB", regexp.MustCompile(`(?i)\b(?:DOB|D\.O\.B\.|date of birth|born(?: on)?)\s*[:]?\s*(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})`)},
}

// phiKinds lists the PHI patterns body matches.
func phiKinds(body string) []string {
	if len(body) > phiScanLimit {
		body = body[:phiScanLimit]
	}
	var out []string
	for _, p := range phiPatterns {
		if p.re.MatchString(body) {
			out = append(out, p.name)
		}
	}
	return out
}

// genAIDomain returns the listed GenAI domain host belongs to, or "".
func (d *Detector) genAIDomain(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, g := range d.cfg.GenAIDomains {
		if host == g || strings.HasSuffix(host, "."+g) {
			return g
		}
	}
	return ""
}

// onProxy reports uploads to public GenAI services: any request with a
// PHI-like sampled body (high), else a request body of UploadMinB bytes or
// more (medium). Browsing (GET) is not an upload.
func (d *Detector) onProxy(x *evctx) {
	host := x.get("url.domain")
	if host == "" {
		if u, err := url.Parse(x.get("url.full")); err == nil {
			host = u.Hostname()
		}
	}
	svc := d.genAIDomain(host)
	if svc == "" {
		return
	}
	switch strings.ToUpper(x.get("http.request.method")) {
	case "POST", "PUT", "PATCH":
	default:
		return
	}
	size, _ := x.num("http.request.bytes")
	kinds := phiKinds(x.get("http.request.body.content"))
	if len(kinds) == 0 && int64(size) < d.cfg.UploadMinB {
		return
	}
	sev, conf, what := finding.SeverityMedium, 0.6, "no PHI pattern in the sampled content"
	tags := []string{"service:" + svc, "bytes:" + strconv.FormatInt(int64(size), 10)}
	if len(kinds) > 0 {
		sev, conf = finding.SeverityHigh, 0.8
		what = "sampled content looks like PHI (" + strings.Join(kinds, ", ") + ")"
		for _, k := range kinds {
			tags = append(tags, "phi:"+strings.ToLower(k))
		}
	}
	user := x.ev.Entities.User
	if user == "" {
		user = x.ev.Entities.SrcIP
	}
	x.report(report{rule: "genai-upload", title: "Upload to a public generative-AI service",
		sev: sev, conf: conf, score: size / 1024, techniques: []string{"T1567"}, tags: tags,
		baseline: fmt.Sprintf("policy: no PHI to public GenAI; uploads of %d bytes or more are reported", d.cfg.UploadMinB),
		explanation: fmt.Sprintf("%s sent %.0f bytes to %s (%s); %s.",
			d.who(user), size, svc, host, what)})
}
