// Package injection recognises prompt injection: text in event content,
// email or findings that is written to steer an AI analyst (instructions to
// an AI, chat-role tags, tool-call syntax, requests to close incidents or
// run actions, hidden unicode, base64-wrapped instructions). The AI analyst
// (internal/assist) flags such evidence; the promptinject detector turns it
// into findings. Content is only ever classified, never followed.
package injection

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode/utf8"
)

// injectionPatterns are instructions aimed at an AI, role tags and tool-call
// syntax, matched case-insensitively on text with whitespace folded.
var injectionPatterns = []struct {
	reason string
	re     *regexp.Regexp
}{
	{"override of earlier instructions", regexp.MustCompile(`\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|all|your|system)\b.{0,20}\b(instructions?|prompts?|rules?|guidelines|context)\b`)},
	{"instruction addressed to an AI", regexp.MustCompile(`\b(ai|assistant|analyst|model|copilot|llm|chatbot|gpt)\b[,:]?\s+(you must|you should|please|must|should|now)\b`)},
	{"role reassignment", regexp.MustCompile(`\b(you are now|from now on you|act as|pretend to be|new instructions|system prompt)\b`)},
	{"chat role tag", regexp.MustCompile(`(<\|?(im_start|im_end|system|assistant|user)\|?>|\[/?inst\]|<</?sys>>|^\s*(system|assistant)\s*:|\n\s*(system|assistant)\s*:|###\s*(instruction|system))`)},
	{"delimiter escape", regexp.MustCompile(`</?\s*untrusted-data`)},
	{"tool-call syntax", regexp.MustCompile(`("tool_calls"|"function_call"|"arguments"\s*:|<tool_call>|\bcall the (tool|function)\b)`)},
	{"request to change the incident", regexp.MustCompile(`\b(close|resolve|suppress|dismiss|delete|ignore|mark)\b.{0,25}\b(this|the|all)?\s*(incident|alert|finding|ticket)s?\b.{0,25}\b(false positive|benign|resolved|closed)?`)},
	{"request to run an action", regexp.MustCompile(`\b(run|execute|trigger|approve)\b.{0,20}\b(action|playbook|command|script)\b|\b(disable|unlock|reset|whitelist|allowlist)\b.{0,20}\b(account|user|mfa|firewall|rule)\b`)},
	{"request to hide or exfiltrate", regexp.MustCompile(`\b(do not|don't|never)\b.{0,20}\b(report|mention|flag|alert|tell|log)\b|\b(send|forward|email|post|upload)\b.{0,30}\b(to|at)\b.{0,10}(https?://|\S+@\S+)`)},
}

// hiddenRune reports characters that hide text from a human reader:
// zero-width, bidi controls and the Unicode tag block.
func hiddenRune(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2064,
		r >= 0x2066 && r <= 0x2069, r == 0xFEFF, r >= 0xE0000 && r <= 0xE007F:
		return true
	}
	return false
}

var base64Blob = regexp.MustCompile(`[A-Za-z0-9+/_-]{40,}={0,2}`)

// maxScan bounds the bytes of one text that are scanned.
const maxScan = 64 << 10

// Scan returns the reasons s looks like a prompt injection (nil when
// it does not). It looks for instructions to an AI, role tags, tool-call
// syntax, hidden unicode, and base64 blobs that decode to such text.
func Scan(s string) []string {
	if len(s) > maxScan {
		s = s[:maxScan]
	}
	var reasons []string
	hidden := 0
	for _, r := range s {
		if hiddenRune(r) {
			hidden++
		}
	}
	if hidden > 0 {
		reasons = append(reasons, "hidden unicode characters")
	}
	reasons = append(reasons, scanPlain(s)...)
	for _, blob := range base64Blob.FindAllString(s, 8) {
		if dec, ok := decodeB64(blob); ok {
			for _, r := range scanPlain(dec) {
				reasons = append(reasons, "base64 blob: "+r)
			}
		}
	}
	return dedupe(reasons)
}

func scanPlain(s string) []string {
	low := strings.ToLower(strings.Map(func(r rune) rune {
		if hiddenRune(r) {
			return -1
		}
		return r
	}, s))
	var out []string
	for _, p := range injectionPatterns {
		if p.re.MatchString(low) {
			out = append(out, p.reason)
		}
	}
	return out
}

func decodeB64(s string) (string, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && utf8.Valid(b) {
			return string(b), true
		}
	}
	return "", false
}

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
