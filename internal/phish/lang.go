package phish

import (
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// TextDim is the number of hashed token buckets of the text model.
const TextDim = 1 << 16

// maxTokens bounds the tokens read from one message.
const maxTokens = 4000

// textFeatures hashes the lower-cased word unigrams and bigrams of text into
// buckets (FNV-1a mod TextDim), each counted once. Words are runs of letters
// or digits of 2–24 runes; numbers collapse to "#".
func textFeatures(text string, dst []uint32) []uint32 {
	dst, _ = textFeaturesWords(text, dst, false)
	return dst
}

// textFeaturesWords is textFeatures that also returns the token of each
// bucket (when words is true) for evidence.
func textFeaturesWords(text string, dst []uint32, words bool) ([]uint32, []string) {
	dst = dst[:0]
	var toks []string
	seen := make(map[uint32]struct{}, 256)
	prev := ""
	n := 0
	add := func(s string) {
		h := fnv.New32a()
		h.Write([]byte(s))
		b := h.Sum32() % TextDim
		if _, ok := seen[b]; !ok {
			seen[b] = struct{}{}
			dst = append(dst, b)
			if words {
				toks = append(toks, s)
			}
		}
	}
	word := make([]rune, 0, 32)
	flush := func() {
		if len(word) >= 2 && len(word) <= 24 {
			w := string(word)
			if strings.IndexFunc(w, unicode.IsLetter) < 0 {
				w = "#"
			}
			add(w)
			if prev != "" {
				add(prev + " " + w)
			}
			prev = w
			n++
		}
		word = word[:0]
	}
	for _, r := range text {
		if n >= maxTokens {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			word = append(word, unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
	return dst, toks
}

// TextModel is a logistic regression over hashed tokens.
type TextModel struct {
	Bias float64
	W    []float32 // TextDim weights
}

// Logit of the message text; features are scaled by 1/sqrt(n).
func (m *TextModel) Logit(feats []uint32) float64 {
	if m == nil || len(m.W) != TextDim {
		return 0
	}
	if len(feats) == 0 {
		return m.Bias
	}
	s := 0.0
	for _, f := range feats {
		s += float64(m.W[f])
	}
	return m.Bias + s/math.Sqrt(float64(len(feats)))
}

// cue is a phrase family of BEC or healthcare lures, matched as lower-case
// literal phrases at word boundaries (strings.Index is much faster than
// regular-expression alternations: see docs/phishing.md).
type cue struct {
	feature string
	text    string
	phrases []string
}

// cues: BEC and healthcare-lure phrase families. Each match is reported with
// the matched span; the combiner counts matches per family (capped at 3).
var cues = []cue{
	{"cue_payment", "asks for a payment or a change of bank / direct-deposit details", []string{
		"wire transfer", "bank details", "bank account", "bank information", "banking details", "banking information",
		"change of bank", "new bank details", "new account details", "routing number", "routing no", "account number",
		"remit to", "remittance to", "direct deposit", "direct-deposit", "payroll change", "payroll update", "payroll account",
		"update my payroll", "update the payroll", "update my bank", "update my deposit", "outstanding invoice", "overdue invoice",
		"payment is due", "payment due", "payment overdue", "payment is overdue", "payment pending", "payment is pending",
		"process a payment", "process the payment", "ach transfer", "ach payment", "urgent wire", "process an urgent wire"}},
	{"cue_giftcard", "asks for gift cards", []string{"gift card", "gift cards", "giftcard", "giftcards", "itunes card", "itunes cards", "google play card", "google play cards", "amazon cards", "steam cards",
		"amazon card", "steam card", "scratch the code", "scratch off the", "scratch the back"}},
	{"cue_urgency", "urgency or pressure", []string{"urgent", "immediately", "right away", "asap", "within 24 hours",
		"within 48 hours", "today before", "act now", "final notice", "final warning", "expires today", "expire today",
		"expires soon", "will be suspended", "will be deactivated", "will be locked", "will be disabled", "will be terminated",
		"suspension", "limited time", "time-sensitive", "time sensitive"}},
	{"cue_secrecy", "asks for secrecy or to bypass normal channels", []string{"confidential", "keep this between us",
		"keep this quiet", "keep this private", "don't tell", "dont tell", "don't mention", "do not share", "do not discuss",
		"don't discuss", "do not call", "discreet", "i'm in a meeting", "im in a meeting", "i am in a meeting", "in meetings all day",
		"can't talk", "cant talk", "only reply by email", "reply only by email", "only respond by email"}},
	{"cue_availability", `"are you at your desk" style opener`, []string{"are you at your desk", "are you on your desk",
		"are you available", "do you have a minute", "do you have a moment", "quick favor", "quick favour",
		"need a favor", "need a favour", "need your help with something", "got a sec", "let me know when you are free"}},
	{"cue_credentials", "asks to sign in, verify or reset a password / account", []string{"verify your account",
		"verify your identity", "verify your email", "verify your mailbox", "confirm your account", "confirm your identity",
		"confirm your password", "confirm your credentials", "password will expire", "password expires", "password expired",
		"password expiring", "password reset", "passcode will expire", "revalidate", "re-validate", "reactivate your",
		"re-activate your", "mailbox is full", "mailbox quota", "mailbox full", "log in now", "login now", "sign in now",
		"sign in here", "sign in below", "sign in to avoid", "sign in to keep", "sign in to restore", "unusual sign-in",
		"unusual signin", "unusual activity", "security alert", "re-enroll in mfa", "reenroll in mfa", "enroll in mfa",
		"update your credentials", "validate your mailbox"}},
	{"cue_health_lure", "healthcare lure (EHR/Epic access, HIPAA notice, patient portal, payer remittance, payroll)", []string{
		"epic password", "epic account", "epic access", "epic login", "epic credentials", "ehr password", "ehr access",
		"ehr account", "ehr login", "citrix password", "citrix access", "hipaa compliance", "hipaa violation", "hipaa training",
		"hipaa notice", "hipaa audit", "patient portal message", "patient portal notification", "secure message waiting",
		"secure patient message", "remittance advice", "explanation of benefits", "era file", "era remittance",
		"835 remittance", "claim denial", "claim rejected", "claim payment hold", "payroll portal", "kronos",
		"workday password", "workday account", "open enrollment", "benefits portal", "benefits enrollment"}},
}

type cueHit struct {
	cue  *cue
	span string
	n    int
}

// findCues returns per-family match counts with the first span as evidence.
func findCues(text string) []cueHit {
	var out []cueHit
	text = strings.ToLower(capString(text, maxCueText))
	for i := range cues {
		c := &cues[i]
		n, first := 0, -1
		firstEnd := 0
		for _, ph := range c.phrases {
			for off := 0; off < len(text) && n < 8; {
				k := strings.Index(text[off:], ph)
				if k < 0 {
					break
				}
				k += off
				end := k + len(ph)
				if wordEdge(text, k-1) && wordEdge(text, end) {
					n++
					if first < 0 || k < first {
						first, firstEnd = k, end
					}
				}
				off = end
			}
		}
		if n > 0 {
			out = append(out, cueHit{cue: c, span: spanAround(text, first, firstEnd), n: n})
		}
	}
	return out
}

// wordEdge: position i is outside text or not a letter/digit.
func wordEdge(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80)
}

// maxCueText bounds the text searched for cue phrases.
const maxCueText = 32 << 10

func spanAround(s string, a, b int) string {
	a0, b0 := max(0, a-40), min(len(s), b+40)
	for a0 > 0 && a0 < len(s) && !isRuneStart(s[a0]) {
		a0--
	}
	for b0 < len(s) && !isRuneStart(s[b0]) {
		b0++
	}
	return strings.Join(strings.Fields(s[a0:b0]), " ")
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }
