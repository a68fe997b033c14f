package phish

import (
	"math/bits"
	"strings"

	"github.com/mtibben/confusables"
	"golang.org/x/net/idna"
)

// Lookalike kinds, after dnstwist's permutation fuzzers.
const (
	LookOmission    = "omission"
	LookRepetition  = "repetition"
	LookSwap        = "transposition"
	LookReplacement = "replacement"
	LookBitsquat    = "bitsquatting"
	LookHomoglyph   = "homoglyph"
	LookHyphenation = "hyphenation"
	LookAddition    = "addition"
	LookTLDSwap     = "tld-swap"
	LookSubdomain   = "subdomain"
)

// lookalike reports whether domain imitates one of protected, and how.
// Exact matches and subdomains of a protected domain are not lookalikes.
func lookalike(domain string, protected []string) (target, kind string) {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	if domain == "" || underAny(domain, protected) {
		return "", ""
	}
	uni := unicodeDomain(domain)
	for _, p := range protected {
		if k := lookalikeOf(domain, uni, p); k != "" {
			return p, k
		}
	}
	return "", ""
}

func lookalikeOf(domain, uni, p string) string {
	if skeleton(uni) == skeleton(p) {
		return LookHomoglyph
	}
	dn, dt := splitTLD(domain)
	pn, pt := splitTLD(p)
	if len(pn) < 4 { // too short to judge: everything is one edit away
		return ""
	}
	if dn == pn && dt != pt {
		return LookTLDSwap
	}
	if k := editKind(lastLabel(dn), lastLabel(pn)); k != "" && dt == pt || k != "" && len(pn) >= 6 {
		return k
	}
	// p's name used as a label of another domain: stmarys.org.login.example.com,
	// stmarys-org.example.com
	for _, l := range strings.Split(domain, ".") {
		if l == lastLabel(pn) || l == strings.ReplaceAll(p, ".", "-") {
			return LookSubdomain
		}
	}
	if strings.Contains(domain, p+".") || strings.Contains(domain, p+"-") {
		return LookSubdomain
	}
	return ""
}

// editKind classifies a one-edit difference between a (candidate) and b.
func editKind(a, b string) string {
	switch {
	case a == b:
		return ""
	case len(a) == len(b)-1:
		if oneDeleted(b, a) {
			return LookOmission
		}
	case len(a) == len(b)+1:
		i := firstDiff(a, b)
		if !oneDeleted(a, b) {
			return ""
		}
		switch {
		case a[i] == '-':
			return LookHyphenation
		case i > 0 && a[i] == a[i-1], i+1 < len(a) && a[i] == a[i+1]:
			return LookRepetition
		}
		return LookAddition
	case len(a) == len(b):
		i := firstDiff(a, b)
		if a[i+1:] == b[i+1:] {
			if bits.OnesCount8(a[i]^b[i]) == 1 {
				return LookBitsquat
			}
			return LookReplacement
		}
		if i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] {
			return LookSwap
		}
	}
	return ""
}

func firstDiff(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// oneDeleted: short is long with one byte removed.
func oneDeleted(long, short string) bool {
	i := firstDiff(long, short)
	return long[:i]+long[i+1:] == short
}

// splitTLD splits "a.b.org" into ("a.b", "org"); two-letter second-level
// labels under a country code (co.uk, or.jp) stay with the suffix.
func splitTLD(d string) (name, tld string) {
	labels := strings.Split(d, ".")
	n := len(labels)
	if n < 2 {
		return d, ""
	}
	if n >= 3 && len(labels[n-1]) == 2 && len(labels[n-2]) <= 3 {
		return strings.Join(labels[:n-2], "."), labels[n-2] + "." + labels[n-1]
	}
	return strings.Join(labels[:n-1], "."), labels[n-1]
}

// registrable is the domain's last name label plus its suffix ("mail.x.org" → "x.org").
func registrable(d string) string {
	name, tld := splitTLD(d)
	if tld == "" {
		return d
	}
	return lastLabel(name) + "." + tld
}

func lastLabel(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// unicodeDomain decodes punycode labels (xn--) for display and skeletons.
func unicodeDomain(d string) string {
	if !strings.Contains(d, "xn--") {
		return d
	}
	u, err := idna.ToUnicode(d)
	if err != nil {
		return d
	}
	return u
}

// skeleton is the TR39 skeleton (Unicode 13.0 confusables.txt, via
// github.com/mtibben/confusables) of the lower-cased string, lower-cased
// again so that "0"→"O" and "o" agree.
func skeleton(s string) string {
	return strings.ToLower(confusables.Skeleton(strings.ToLower(s)))
}
