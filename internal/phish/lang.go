package phish

import (
	"hash/fnv"
	"math"
	"regexp"
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

// cue is a phrase family of BEC or healthcare lures.
type cue struct {
	feature string
	text    string
	re      *regexp.Regexp
}

// cues: BEC and healthcare-lure phrase families. Each match is reported with
// the matched span; the combiner counts matches per family (capped).
var cues = []cue{
	{"cue_payment", "asks for a payment or a change of bank / direct-deposit details",
		regexp.MustCompile(`(?i)\b(wire transfer|bank (details|account|information)|banking (details|information)|change of bank|new (bank|account) details|routing (number|no)|account number|remit(tance)? to|direct[- ]deposit|payroll (change|update|account)|update (my|the) (payroll|bank|deposit)|outstanding invoice|overdue invoice|payment (is )?(due|overdue|pending)|process (a|the) payment|ach (transfer|payment))\b`)},
	{"cue_giftcard", "asks for gift cards",
		regexp.MustCompile(`(?i)\b(gift ?cards?|itunes cards?|google play cards?|amazon cards?|steam cards?|scratch (the|off) (code|back))\b`)},
	{"cue_urgency", "urgency or pressure",
		regexp.MustCompile(`(?i)\b(urgent(ly)?|immediately|right away|asap|within (24|48) hours|today before|act now|final (notice|warning)|expires? (today|soon|in \d+)|will be (suspended|deactivated|locked|disabled|terminated)|suspension|limited time)\b`)},
	{"cue_secrecy", "asks for secrecy or to bypass normal channels",
		regexp.MustCompile(`(?i)\b(confidential(ly)?|keep this (between us|quiet|private)|don'?t (tell|mention|discuss)|do not (share|discuss|call)|discreet|i'?m in a meeting|can'?t talk (now|right now)|only (reply|respond) by email)\b`)},
	{"cue_availability", `"are you at your desk" style opener`,
		regexp.MustCompile(`(?i)\b(are you (at|on) your desk|are you available|do you have a (minute|moment)|quick favou?r|need (a|your) (favou?r|help) (with something|quickly)|got a sec|let me know when you are free)\b`)},
	{"cue_credentials", "asks to sign in, verify or reset a password / account",
		regexp.MustCompile(`(?i)\b(verify your (account|identity|email|mailbox)|confirm your (account|identity|password|credentials)|(password|passcode) (will )?(expire|expired|expiring|reset)|re-?validate|re-?activate your|mailbox (is )?(full|quota)|(log|sign) ?in (now|here|below|to (avoid|keep|restore|verify))|unusual (sign-?in|activity)|security alert|(re-?)?enroll (in|your) (mfa|multi-factor)|update your credentials)\b`)},
	{"cue_health_lure", "healthcare lure (EHR/Epic access, HIPAA notice, patient portal, payer remittance, payroll)",
		regexp.MustCompile(`(?i)\b(epic (password|account|access|login|credentials)|ehr (password|access|account|login)|citrix (password|access)|hipaa (compliance|violation|training|notice|audit)|patient portal (message|notification)|secure (patient )?message (waiting|from)|remittance advice|explanation of benefits|era (file|remittance)|835 remittance|claim (denial|rejected|payment hold)|payroll (portal|direct deposit)|kronos|workday (password|account)|open enrollment|benefits (portal|enrollment))\b`)},
}

type cueHit struct {
	cue  *cue
	span string
	n    int
}

// findCues returns per-family match counts with the first span as evidence.
func findCues(text string) []cueHit {
	var out []cueHit
	for i := range cues {
		c := &cues[i]
		idx := c.re.FindAllStringIndex(text, 8)
		if len(idx) == 0 {
			continue
		}
		out = append(out, cueHit{cue: c, span: spanAround(text, idx[0][0], idx[0][1]), n: len(idx)})
	}
	return out
}

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
