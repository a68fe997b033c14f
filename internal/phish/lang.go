package phish

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextDim is the number of hashed token buckets of the text model.
const TextDim = 1 << 16

// maxTokens bounds the tokens read from one message.
const maxTokens = 4000

// textFeatures hashes the lower-cased word unigrams and bigrams of text into
// buckets (FNV-1a mod TextDim), each counted once. Words are runs of letters
// or digits of 2–24 runes; words without a letter collapse to "#"; a bigram
// is "<prev> <word>". At most maxTokens words are read.
func textFeatures(text string, dst []uint32) []uint32 {
	dst = dst[:0]
	var seen [TextDim / 64]uint64
	tokenize(text, func(h uint32, _, _ []byte) {
		b := h % TextDim
		if seen[b/64]&(1<<(b%64)) == 0 {
			seen[b/64] |= 1 << (b % 64)
			dst = append(dst, b)
		}
	})
	return dst
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnvBytes(h uint32, b []byte) uint32 {
	for _, c := range b {
		h ^= uint32(c)
		h *= fnvPrime
	}
	return h
}

// tokenize calls fn with the hash of every unigram (prev == nil) and bigram.
// word and prev are only valid during the call.
func tokenize(text string, fn func(h uint32, word, prev []byte)) {
	var cur, prev [96]byte
	var w, p []byte
	n, runes := 0, 0
	flush := func() {
		if runes >= 2 && runes <= 24 {
			if !hasLetter(w) {
				w = append(w[:0], '#')
			}
			hw := fnvBytes(fnvOffset, w)
			fn(hw, w, nil)
			if p != nil {
				h := fnvBytes(fnvOffset, p)
				h = fnvBytes(h, []byte{' '})
				fn(fnvBytes(h, w), w, p)
			}
			p = append(prev[:0], w...)
			n++
		}
		w, runes = cur[:0], 0
	}
	w = cur[:0]
	for _, r := range text {
		if n >= maxTokens {
			return
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			runes++
			if len(w)+utf8.UTFMax <= len(cur) {
				w = utf8.AppendRune(w, unicode.ToLower(r))
			}
			continue
		}
		if runes > 0 {
			flush()
		}
	}
	if runes > 0 {
		flush()
	}
}

func hasLetter(b []byte) bool {
	for _, r := range string(b) {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// tokensOf returns the text of the tokens hashing to the wanted buckets
// (evidence for the strongest buckets; a second pass, only when asked).
func tokensOf(text string, want map[uint32]bool) map[uint32]string {
	out := map[uint32]string{}
	tokenize(text, func(h uint32, w, p []byte) {
		b := h % TextDim
		if want[b] && out[b] == "" {
			if p != nil {
				out[b] = string(p) + " " + string(w)
			} else {
				out[b] = string(w)
			}
		}
	})
	return out
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

// cueRef is one phrase of one cue family.
type cueRef struct {
	family int
	phrase string
}

// cueIndex maps the first word of every phrase to the phrases starting with
// it, so the text is scanned once (a map lookup per word) instead of once
// per phrase.
var cueIndex = func() map[string][]cueRef {
	m := map[string][]cueRef{}
	for i, c := range cues {
		for _, p := range c.phrases {
			w := p[:firstWordEnd(p, 0)]
			m[w] = append(m[w], cueRef{i, p})
		}
	}
	return m
}()

// firstWordEnd is the end of the word starting at i: letters, digits,
// non-ASCII bytes, apostrophes and hyphens.
func firstWordEnd(s string, i int) int {
	for i < len(s) && (!wordEdge(s, i) || s[i] == '\'' || s[i] == '-') {
		i++
	}
	return i
}

// findCues returns per-family match counts (at most 8 counted per family)
// with the earliest span as evidence.
func findCues(orig string) []cueHit {
	orig = capString(orig, maxCueText)
	text := strings.ToLower(orig)
	shown := text // evidence in the original case when offsets agree
	if len(orig) == len(text) {
		shown = orig
	}
	n := make([]int, len(cues))
	first := make([][2]int, len(cues))
	for i := 0; i < len(text); {
		if wordEdge(text, i) {
			i++
			continue
		}
		end := firstWordEnd(text, i)
		if wordEdge(text, i-1) {
			for _, r := range cueIndex[text[i:end]] {
				e := i + len(r.phrase)
				if n[r.family] < 8 && strings.HasPrefix(text[i:], r.phrase) && wordEdge(text, e) {
					if n[r.family] == 0 {
						first[r.family] = [2]int{i, e}
					}
					n[r.family]++
				}
			}
		}
		i = max(end, i+1)
	}
	var out []cueHit
	for f, c := range n {
		if c > 0 {
			out = append(out, cueHit{cue: &cues[f], span: spanAround(shown, first[f][0], first[f][1]), n: c})
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
