package train

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/internal/phish"
)

// Metrics of one test set.
type Metrics struct {
	Set          string  `json:"set"`
	Positives    int     `json:"positives"`
	Negatives    int     `json:"negatives"`
	AUC          float64 `json:"roc_auc"`
	TPRAt1FPR    float64 `json:"tpr_at_fpr_1pct"` // best TPR over thresholds with FPR ≤ 1 %
	TPRPhish     float64 `json:"tpr_at_phish_threshold"`
	FPRPhish     float64 `json:"fpr_at_phish_threshold"`
	TPRSuspect   float64 `json:"tpr_at_suspicious_threshold"`
	FPRSuspect   float64 `json:"fpr_at_suspicious_threshold"`
	TextOnlyAUC  float64 `json:"text_only_roc_auc"`
	TextTPRAt1FP float64 `json:"text_only_tpr_at_fpr_1pct"`
}

// Bin is one row of the reliability table.
type Bin struct {
	Lo, Hi    float64
	N         int
	MeanPred  float64
	Observed  float64
	Positives int
}

// Report is what a training run measured (test split only).
type Report struct {
	Provenance  map[string]any
	Sets        []Metrics
	Reliability []Bin
	Brier       float64
	Weights     map[string]float64
	Thresholds  [2]float64
	Families    []FamilyRate // hospital test families
	Sim         *SimReport   // simulator e-mail, if asked for
}

// FamilyRate is the share of one hospital test family flagged at each threshold.
type FamilyRate struct {
	Family               string
	N, Phish, Suspicious int
}

func report(m *phish.Model, train, test []*row) *Report {
	rep := &Report{Weights: map[string]float64{}, Thresholds: [2]float64{m.Suspicious, m.Phish}}
	for i, n := range phish.FeatureNames {
		rep.Weights[n] = m.Weights[i]
	}
	count := func(rs []*row, set string, label int) int {
		n := 0
		for _, r := range rs {
			if (set == "" || r.s.Set == set) && r.s.Label == label {
				n++
			}
		}
		return n
	}
	var testFam []string
	seen := map[string]bool{}
	for _, r := range test {
		if r.s.Set == "hospital" && !seen[r.s.Family] {
			seen[r.s.Family] = true
			testFam = append(testFam, r.s.Family)
		}
	}
	sort.Strings(testFam)
	rep.Provenance = map[string]any{
		"command": "vigil phish train --spamassassin ../shared/data/email/spamassassin --out internal/phish/model/model.json",
		"split":   "spamassassin: fnv64a(ham|spam/<file>) % 10 < 3 is test; hospital: fnv64a(family) % 10 < 3 is test",
		"train": fmt.Sprintf("spamassassin %d ham + %d spam; hospital %d benign + %d phish", count(train, "spamassassin", 0),
			count(train, "spamassassin", 1), count(train, "hospital", 0), count(train, "hospital", 1)),
		"test": fmt.Sprintf("spamassassin %d ham + %d spam; hospital %d benign + %d phish", count(test, "spamassassin", 0),
			count(test, "spamassassin", 1), count(test, "hospital", 0), count(test, "hospital", 1)),
		"hospital_test_families": testFam,
	}
	for _, set := range []string{"spamassassin", "hospital", ""} {
		var rs []*row
		for _, r := range test {
			if set == "" || r.s.Set == set {
				rs = append(rs, r)
			}
		}
		name := set
		if name == "" {
			name = "all"
		}
		rep.Sets = append(rep.Sets, metrics(m, name, rs))
	}
	rep.Reliability, rep.Brier = reliability(m, test)
	for _, fam := range testFam {
		fr := FamilyRate{Family: fam}
		for _, r := range test {
			if r.s.Family == fam {
				fr.N++
				p := m.Prob(r.x)
				if p >= m.Phish {
					fr.Phish++
				}
				if p >= m.Suspicious {
					fr.Suspicious++
				}
			}
		}
		rep.Families = append(rep.Families, fr)
	}
	return rep
}

func metrics(m *phish.Model, set string, rs []*row) Metrics {
	p := probs(m, rs)
	tz := make([]float64, len(rs))
	y := make([]int, len(rs))
	for i, r := range rs {
		y[i] = r.s.Label
		tz[i] = r.textZ
	}
	return scoreMetrics(m, set, p, tz, y)
}

// scoreMetrics measures scores p (and the text model's scores text) of
// messages labelled y (1: attack) against m's thresholds.
func scoreMetrics(m *phish.Model, set string, p, text []float64, y []int) Metrics {
	mt := Metrics{Set: set}
	for _, l := range y {
		if l == 1 {
			mt.Positives++
		} else {
			mt.Negatives++
		}
	}
	mt.AUC, mt.TPRAt1FPR = roc(p, y)
	mt.TextOnlyAUC, mt.TextTPRAt1FP = roc(text, y)
	mt.TPRPhish, mt.FPRPhish = rates(p, y, m.Phish)
	mt.TPRSuspect, mt.FPRSuspect = rates(p, y, m.Suspicious)
	return mt
}

func rates(p []float64, y []int, t float64) (tpr, fpr float64) {
	var tp, fp, pos, neg float64
	for i := range p {
		if y[i] == 1 {
			pos++
			if p[i] >= t {
				tp++
			}
		} else {
			neg++
			if p[i] >= t {
				fp++
			}
		}
	}
	return tp / math.Max(pos, 1), fp / math.Max(neg, 1)
}

// roc returns the ROC area (ties count half) and the best TPR among
// thresholds whose FPR ≤ 1 %.
func roc(score []float64, y []int) (auc, tprAt1 float64) {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	var pos, neg float64
	for _, l := range y {
		if l == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return math.NaN(), math.NaN()
	}
	var tp, fp, area float64
	for i := 0; i < len(idx); {
		j := i
		var dtp, dfp float64
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			if y[idx[j]] == 1 {
				dtp++
			} else {
				dfp++
			}
			j++
		}
		area += dfp * (tp + dtp/2)
		tp += dtp
		fp += dfp
		if fp/neg <= 0.01 {
			tprAt1 = math.Max(tprAt1, tp/pos)
		}
		i = j
	}
	return area / (pos * neg), tprAt1
}

func reliability(m *phish.Model, rs []*row) ([]Bin, float64) {
	bins := make([]Bin, 10)
	brier := 0.0
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/10, float64(i+1)/10
	}
	for _, r := range rs {
		p := m.Prob(r.x)
		k := min(int(p*10), 9)
		bins[k].N++
		bins[k].MeanPred += p
		bins[k].Positives += r.s.Label
		brier += (p - float64(r.s.Label)) * (p - float64(r.s.Label))
	}
	for i := range bins {
		if bins[i].N > 0 {
			bins[i].MeanPred /= float64(bins[i].N)
			bins[i].Observed = float64(bins[i].Positives) / float64(bins[i].N)
		}
	}
	return bins, brier / math.Max(1, float64(len(rs)))
}

// Markdown renders the report for docs/BENCHMARKS.md and docs/phishing.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "train: %v\n\ntest: %v\n\nhospital test families (never in training): %v\n\n",
		r.Provenance["train"], r.Provenance["test"], r.Provenance["hospital_test_families"])
	fmt.Fprintf(&b, "thresholds (chosen on the training split): suspicious ≥ %.2f (train FPR ≤ 5 %%), phish ≥ %.2f (train FPR ≤ 1 %%)\n\n", r.Thresholds[0], r.Thresholds[1])
	b.WriteString("| test set | pos | neg | ROC AUC | TPR @ FPR ≤ 1 % | TPR / FPR at phish threshold | TPR / FPR at suspicious threshold | text model alone: AUC, TPR @ 1 % |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.Sets {
		fmt.Fprintf(&b, "| %s | %d | %d | %.4f | %.1f %% | %.1f %% / %.1f %% | %.1f %% / %.1f %% | %.4f, %.1f %% |\n", s.Set, s.Positives, s.Negatives, s.AUC,
			100*s.TPRAt1FPR, 100*s.TPRPhish, 100*s.FPRPhish, 100*s.TPRSuspect, 100*s.FPRSuspect, s.TextOnlyAUC, 100*s.TextTPRAt1FP)
	}
	fmt.Fprintf(&b, "\nreliability (all test messages; Brier score %.4f):\n\n| predicted | n | mean predicted | observed phish/spam rate |\n|---|---|---|---|\n", r.Brier)
	for _, bin := range r.Reliability {
		if bin.N == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %.1f–%.1f | %d | %.3f | %.3f |\n", bin.Lo, bin.Hi, bin.N, bin.MeanPred, bin.Observed)
	}
	b.WriteString("\nhospital test families (share at or above each threshold):\n\n| family | n | ≥ phish | ≥ suspicious |\n|---|---|---|---|\n")
	for _, f := range r.Families {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", f.Family, f.N, f.Phish, f.Suspicious)
	}
	if r.Sim != nil {
		b.WriteString("\n" + r.Sim.Markdown())
	}
	b.WriteString("\ncombiner weights:\n\n| feature | weight |\n|---|---|\n")
	for _, n := range phish.FeatureNames {
		fmt.Fprintf(&b, "| %s | %.3f |\n", n, r.Weights[n])
	}
	return b.String()
}
