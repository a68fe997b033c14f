package phish

// Verdicts.
const (
	VerdictPhish      = "phish"
	VerdictSuspicious = "suspicious"
	VerdictClean      = "clean"
)

// Reason is one signal that fired, explained, with the evidence it was
// derived from (a header value, URL, attachment name or text span).
// Evidence is message content: untrusted, never logged by Vigil.
type Reason struct {
	Signal   string  `json:"signal"`             // e.g. "sender.vip-impersonation"
	Text     string  `json:"text"`               // human explanation
	Where    string  `json:"where,omitempty"`    // "header:From", "url", "attachment", "body", …
	Evidence string  `json:"evidence,omitempty"` // the value that triggered it
	Weight   float64 `json:"weight"`             // contribution to the logit (model weight × value)
}

// Auth is the sender-authentication outcome.
type Auth struct {
	SPF    string `json:"spf"`    // pass, fail, softfail, neutral, none, temperror, permerror, or ""
	DKIM   string `json:"dkim"`   // pass, fail, none, …
	DMARC  string `json:"dmarc"`  // pass, fail, none
	Source string `json:"source"` // "verified" (DNS), "header" (Authentication-Results), "arc", "none"
}

// Result is the analysis of one message.
type Result struct {
	File      string   `json:"file,omitempty"`
	Verdict   string   `json:"verdict"`
	Score     int      `json:"score"`   // 0–100: the calibrated probability of phish/spam × 100
	Reasons   []Reason `json:"reasons"` // strongest first
	From      string   `json:"from"`    // sender address
	Display   string   `json:"from_name,omitempty"`
	To        []string `json:"to,omitempty"`
	Subject   string   `json:"subject,omitempty"`
	URLs      []string `json:"urls,omitempty"`
	Auth      Auth     `json:"auth"`
	TextScore float64  `json:"text_probability"` // the language model alone
	Malformed []string `json:"malformed,omitempty"`
	// Features is the signal vector given to the combiner (names in
	// FeatureNames); kept for training and tests.
	Features  []float64 `json:"-"`
	textFeats []uint32
}

// TextFeatures are the hashed token buckets the text model read (training).
func (r *Result) TextFeatures() []uint32 { return r.textFeats }
