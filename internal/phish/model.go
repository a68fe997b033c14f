package phish

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
)

// FeatureNames are the combiner's inputs, in vector order. Values are 0/1
// flags, capped counts (cues, max 3) or the text model's logit (clipped to
// ±10). See docs/phishing.md for each.
var FeatureNames = []string{
	"text_logit",
	"auth_spf_fail", "auth_dkim_fail", "auth_dmarc_fail", "auth_dmarc_pass", "auth_none",
	"sender_vip_impersonation", "sender_lookalike", "sender_replyto_mismatch", "sender_returnpath_mismatch",
	"sender_first_time", "sender_own_domain", "sender_own_domain_spoof", "sender_partner", "sender_freemail",
	"url_ip", "url_punycode", "url_shortener", "url_cred_path", "url_anchor_mismatch", "url_data_js",
	"url_lookalike", "url_new_domain", "html_form", "html_smuggling",
	"att_macro", "att_risky_type", "att_html_active", "att_encrypted_archive", "att_double_ext",
	"cue_payment", "cue_giftcard", "cue_urgency", "cue_secrecy", "cue_availability", "cue_credentials",
	"cue_health_lure",
	"malformed",
}

var featureIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range FeatureNames {
		m[n] = i
	}
	return m
}()

// Model is the trained scorer: a text model and a logistic combiner over
// FeatureNames, with verdict thresholds on its probability.
type Model struct {
	Version    string    `json:"version"`
	Features   []string  `json:"features"`
	Weights    []float64 `json:"weights"`
	Bias       float64   `json:"bias"`
	Phish      float64   `json:"threshold_phish"`      // probability ≥ → phish
	Suspicious float64   `json:"threshold_suspicious"` // probability ≥ → suspicious
	Text       TextModel `json:"-"`
	TextFile   textFile  `json:"text"`
	Training   any       `json:"training,omitempty"` // provenance: data, split, command
}

// textFile is the stored text model: int8-quantised weights (w = q × Scale),
// gzip, base64.
type textFile struct {
	Dim   int     `json:"dim"`
	Bias  float64 `json:"bias"`
	Scale float64 `json:"scale"`
	Data  string  `json:"weights_int8_gzip_base64"`
}

//go:embed model/model.json
var embeddedModel []byte

// DefaultModel is the model committed in internal/phish/model/model.json.
func DefaultModel() (*Model, error) { return ParseModel(embeddedModel) }

// LoadModel reads a model file.
func LoadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseModel(b)
}

// ParseModel decodes a model file and checks it matches FeatureNames.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("phish model: %w", err)
	}
	if len(m.Features) != len(FeatureNames) || len(m.Weights) != len(FeatureNames) {
		return nil, fmt.Errorf("phish model: %d features, this build has %d: retrain (vigil phish train)", len(m.Features), len(FeatureNames))
	}
	for i, n := range m.Features {
		if FeatureNames[i] != n {
			return nil, fmt.Errorf("phish model: feature %d is %q, want %q: retrain", i, n, FeatureNames[i])
		}
	}
	if m.TextFile.Dim != TextDim {
		return nil, fmt.Errorf("phish model: text dim %d, want %d", m.TextFile.Dim, TextDim)
	}
	raw, err := base64.StdEncoding.DecodeString(m.TextFile.Data)
	if err != nil {
		return nil, fmt.Errorf("phish model: text weights: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("phish model: text weights: %w", err)
	}
	q, err := io.ReadAll(io.LimitReader(zr, TextDim+1))
	if err != nil || len(q) != TextDim {
		return nil, fmt.Errorf("phish model: text weights: want %d bytes", TextDim)
	}
	m.Text = TextModel{Bias: m.TextFile.Bias, W: make([]float32, TextDim)}
	for i, v := range q {
		m.Text.W[i] = float32(float64(int8(v)) * m.TextFile.Scale)
	}
	return &m, nil
}

// Encode writes the model file (quantising the text weights).
func (m *Model) Encode() ([]byte, error) {
	maxAbs := 0.0
	for _, w := range m.Text.W {
		maxAbs = math.Max(maxAbs, math.Abs(float64(w)))
	}
	scale := maxAbs / 127
	if scale == 0 {
		scale = 1
	}
	q := make([]byte, TextDim)
	for i, w := range m.Text.W {
		q[i] = byte(int8(math.Round(float64(w) / scale)))
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(q)
	zw.Close()
	m.TextFile = textFile{Dim: TextDim, Bias: m.Text.Bias, Scale: scale, Data: base64.StdEncoding.EncodeToString(buf.Bytes())}
	m.Features = FeatureNames
	return json.MarshalIndent(m, "", " ")
}

// Prob is the combiner's probability for a feature vector.
func (m *Model) Prob(x []float64) float64 { return sigmoid(m.logit(x)) }

func (m *Model) logit(x []float64) float64 {
	z := m.Bias
	for i, v := range x {
		z += m.Weights[i] * v
	}
	return z
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
