// Package train fits Vigil's phishing model (internal/phish/model/model.json):
// the hashed-token text model and the logistic combiner over signal
// features, on a deterministic training split of the SpamAssassin corpus
// and the hospital-style corpus of this package, and reports ROC AUC, TPR at
// FPR ≤ 1 % and calibration on the test split only. Run it with
// `vigil phish train` (docs/phishing.md).
package train

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/internal/phish"
)

// Options of a training run.
type Options struct {
	SpamAssassin string // directory with ham/ and spam/ (../shared/data/email/spamassassin)
	PerFamily    int    // hospital-style messages per template family (default 30)
	Version      string // model version string
	// SimDirs: simulator output directories to score with the trained
	// model (Report.Sim); never used for training.
	SimDirs []string
}

// LoadSpamAssassin reads dir/ham/*.eml (label 0) and dir/spam/*.eml (label 1).
func LoadSpamAssassin(dir string) ([]Sample, error) {
	var out []Sample
	for _, kind := range []string{"ham", "spam"} {
		files, err := filepath.Glob(filepath.Join(dir, kind, "*.eml"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no .eml files in %s", filepath.Join(dir, kind))
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			base := filepath.Base(f)
			group := base[:strings.LastIndexByte(base[:strings.IndexByte(base, '.')], '-')]
			out = append(out, Sample{Name: kind + "/" + base, Set: "spamassassin", Family: group, Label: map[string]int{"ham": 0, "spam": 1}[kind], Raw: b})
		}
	}
	return out, nil
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// IsTest is the deterministic split: SpamAssassin messages by a hash of
// their file name (30 % test); hospital-style messages by a hash of their
// template family, so that test families are never seen in training.
func IsTest(s Sample) bool {
	if s.Set == "hospital" {
		return hash(s.Family)%10 < 3
	}
	return hash(s.Name)%10 < 3
}

// foldOf assigns the 5 cross-fitting folds: hospital messages by template
// family (so out-of-fold text scores are for unseen templates, as on the
// test split), SpamAssassin messages by file name.
func foldOf(s Sample) int {
	if s.Set == "hospital" {
		return int(hash(s.Family+"#fold") % 5)
	}
	return int(hash(s.Name+"#fold") % 5)
}

// row is one sample's features.
type row struct {
	s     Sample
	x     []float64
	text  []uint32
	test  bool
	fold  int
	textZ float64 // out-of-fold (train) or final-model (test) text logit
}

// history answers the pipeline's first-time questions from the sample's flag.
type history bool // true = everything was seen before

func (h history) SeenSender(string) bool { return bool(h) }
func (h history) SeenDomain(string) bool { return bool(h) }

// Train fits a model on samples and reports on the test split.
func Train(samples []Sample, opts Options) (*phish.Model, *Report, error) {
	cfg, err := phish.ParseConfig([]byte(HospitalConfig))
	if err != nil {
		return nil, nil, err
	}
	zero := &phish.Model{Weights: make([]float64, len(phish.FeatureNames)), Phish: 2, Suspicious: 2}
	an := &phish.Analyzer{Model: zero}
	rows := make([]*row, 0, len(samples))
	for _, s := range samples {
		var h phish.History
		if s.Set == "hospital" {
			h = history(!s.FirstTime)
		}
		res := an.Analyze(context.Background(), s.Raw, cfg, h)
		rows = append(rows, &row{s: s, x: res.Features, text: res.TextFeatures(), test: IsTest(s), fold: foldOf(s)})
	}
	var train, test []*row
	for _, r := range rows {
		if r.test {
			test = append(test, r)
		} else {
			train = append(train, r)
		}
	}
	// out-of-fold text logits for the combiner's training rows
	for k := 0; k < 5; k++ {
		var fit []*row
		for _, r := range train {
			if r.fold != k {
				fit = append(fit, r)
			}
		}
		tm := fitText(fit)
		for _, r := range train {
			if r.fold == k {
				r.textZ = tm.Logit(r.text)
			}
		}
	}
	final := fitText(train)
	for _, r := range test {
		r.textZ = final.Logit(r.text)
	}
	for _, r := range rows {
		r.x[0] = math.Max(-10, math.Min(10, r.textZ))
	}
	w, b := fitCombiner(train)
	m := &phish.Model{Version: opts.Version, Weights: w, Bias: b, Text: *final}
	trainP := probs(m, train)
	m.Suspicious = thresholdAtFPR(trainP, train, 0.05)
	m.Phish = math.Max(m.Suspicious, thresholdAtFPR(trainP, train, 0.01))
	rep := report(m, train, test)
	m.Training = rep.Provenance
	return m, rep, nil
}

// fitText: logistic regression by SGD over hashed tokens, 12 epochs in a
// seeded order, learning rate 0.2, L2 1e-6 on touched weights.
func fitText(rows []*row) *phish.TextModel {
	w := make([]float64, phish.TextDim)
	b := 0.0
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(7, 11))
	const lr, l2 = 0.2, 1e-6
	for ep := 0; ep < 12; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			r := rows[i]
			if len(r.text) == 0 {
				continue
			}
			sc := 1 / math.Sqrt(float64(len(r.text)))
			z := b
			for _, f := range r.text {
				z += w[f] * sc
			}
			g := 1/(1+math.Exp(-z)) - float64(r.s.Label)
			b -= lr * g
			for _, f := range r.text {
				w[f] -= lr * (g*sc + l2*w[f])
			}
		}
	}
	tm := &phish.TextModel{Bias: b, W: make([]float32, phish.TextDim)}
	for i, v := range w {
		tm.W[i] = float32(v)
	}
	return tm
}

// signedFeatures may take negative weights; every other feature is a red
// flag whose weight is constrained to be ≥ 0, so that one more red flag can
// never lower a score (an artefact of the training data otherwise could).
var signedFeatures = map[string]bool{"text_logit": true, "auth_dmarc_pass": true, "auth_none": true,
	"sender_own_domain": true, "sender_partner": true}

// fitCombiner: L2-regularised logistic regression (λ = 0.001 on the
// weights, not the bias) fitted by Newton's method (IRLS, 50 steps), with
// the sign constraints above by an active set: a red-flag feature whose
// weight comes out negative is fixed at 0 and the rest refitted. The two
// corpora get equal total weight so the 900-message SpamAssassin corpus does
// not drown the hospital signals.
func fitCombiner(rows []*row) ([]float64, float64) {
	fixed := make([]bool, len(phish.FeatureNames))
	for {
		w, b := fitCombinerFree(rows, fixed)
		changed := false
		for j, n := range phish.FeatureNames {
			if !fixed[j] && !signedFeatures[n] && w[j] < 0 {
				fixed[j], changed = true, true
			}
		}
		if !changed {
			return w, b
		}
	}
}

// fitCombinerFree fits with the fixed features' weights held at 0.
func fitCombinerFree(rows []*row, fixed []bool) ([]float64, float64) {
	n := len(phish.FeatureNames) + 1 // + bias (last)
	beta := make([]float64, n)
	setN := map[string]float64{}
	for _, r := range rows {
		setN[r.s.Set]++
	}
	const lambda = 0.001
	for it := 0; it < 50; it++ {
		grad := make([]float64, n)
		hess := make([][]float64, n)
		for i := range hess {
			hess[i] = make([]float64, n)
		}
		tot := 0.0
		for _, r := range rows {
			wt := 1 / setN[r.s.Set]
			tot += wt
			x := append(append([]float64{}, r.x...), 1)
			for j, f := range fixed {
				if f {
					x[j] = 0
				}
			}
			z := 0.0
			for j, v := range x {
				z += beta[j] * v
			}
			p := 1 / (1 + math.Exp(-z))
			g := (p - float64(r.s.Label)) * wt
			h := p * (1 - p) * wt
			for a, va := range x {
				if va == 0 {
					continue
				}
				grad[a] += g * va
				for b, vb := range x {
					hess[a][b] += h * va * vb
				}
			}
		}
		for a := 0; a < n; a++ {
			grad[a] /= tot
			for b := 0; b < n; b++ {
				hess[a][b] /= tot
			}
			if a < n-1 {
				grad[a] += lambda * beta[a]
				hess[a][a] += lambda
			} else {
				hess[a][a] += 1e-9
			}
		}
		step := solve(hess, grad)
		for a := range beta {
			beta[a] -= step[a]
		}
	}
	w := make([]float64, n-1)
	for j := range w {
		w[j] = math.Round(beta[j]*10000) / 10000
	}
	return w, math.Round(beta[n-1]*10000) / 10000
}

// solve returns x with A x = b (Gaussian elimination, partial pivoting; A is
// positive definite here).
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(append([]float64{}, a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if m[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		if m[r][r] != 0 {
			x[r] = s / m[r][r]
		}
	}
	return x
}

func probs(m *phish.Model, rows []*row) []float64 {
	p := make([]float64, len(rows))
	for i, r := range rows {
		p[i] = m.Prob(r.x)
	}
	return p
}

// thresholdAtFPR: the lowest probability threshold (rounded up to 0.01)
// whose false-positive rate on rows is ≤ fpr.
func thresholdAtFPR(p []float64, rows []*row, fpr float64) float64 {
	var neg []float64
	for i, r := range rows {
		if r.s.Label == 0 {
			neg = append(neg, p[i])
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(neg)))
	k := int(math.Floor(fpr * float64(len(neg)))) // negatives allowed at or above
	t := 0.5
	if k < len(neg) {
		t = neg[k] + 1e-9
	}
	return math.Min(0.99, math.Max(0.05, math.Ceil(t*100)/100))
}
