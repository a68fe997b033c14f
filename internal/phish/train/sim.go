package train

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil-soc/vigil/internal/phish"
)

// SimReport is the analyzer's quality on simulator output (`vigil simulate
// --out DIR`): every DIR/email/*.eml is scored with DIR/mail.yml as the
// configuration and no pipeline history (as `vigil phish analyze` does); a
// message is positive when labels.jsonl names its Message-ID among an attack
// instance's event ids. The simulator's mail is never training data.
type SimReport struct {
	Sets      []Metrics    // one per directory, then per scenario (its positives against every negative), then "all"
	Missed    []SimMessage // positives below the phish threshold
	TopBenign []SimMessage // the highest-scored negatives
}

// SimMessage is one scored simulator message.
type SimMessage struct {
	File, Scenario, From, Subject string
	P                             float64
	Signals                       []string
}

type simScored struct {
	msg   SimMessage
	label int
	dir   string
	text  float64
}

// EvalSim scores the simulator directories with model m.
func EvalSim(m *phish.Model, dirs []string) (*SimReport, error) {
	an := &phish.Analyzer{Model: m}
	var all []simScored
	for _, dir := range dirs {
		got, err := scoreSimDir(an, dir)
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	rep := &SimReport{}
	groups := map[string][]simScored{}
	var scenarios []string
	for _, s := range all {
		groups["dir:"+s.dir] = append(groups["dir:"+s.dir], s)
		if s.label == 1 {
			if groups[s.msg.Scenario] == nil {
				scenarios = append(scenarios, s.msg.Scenario)
			}
			groups[s.msg.Scenario] = append(groups[s.msg.Scenario], s)
			if s.msg.P < m.Phish {
				rep.Missed = append(rep.Missed, s.msg)
			}
		} else {
			rep.TopBenign = append(rep.TopBenign, s.msg)
		}
	}
	sort.Strings(scenarios)
	for _, d := range dirs {
		rep.Sets = append(rep.Sets, simMetrics(m, filepath.Base(filepath.Clean(d)), groups["dir:"+filepath.Base(filepath.Clean(d))]))
	}
	for _, sc := range scenarios {
		rs := append([]simScored{}, groups[sc]...)
		for _, s := range all {
			if s.label == 0 {
				rs = append(rs, s)
			}
		}
		rep.Sets = append(rep.Sets, simMetrics(m, sc, rs))
	}
	rep.Sets = append(rep.Sets, simMetrics(m, "all", all))
	sort.SliceStable(rep.TopBenign, func(a, b int) bool { return rep.TopBenign[a].P > rep.TopBenign[b].P })
	rep.TopBenign = rep.TopBenign[:min(5, len(rep.TopBenign))]
	return rep, nil
}

func simMetrics(m *phish.Model, set string, rs []simScored) Metrics {
	p, tp := make([]float64, len(rs)), make([]float64, len(rs))
	y := make([]int, len(rs))
	for i, s := range rs {
		p[i], tp[i], y[i] = s.msg.P, s.text, s.label
	}
	return scoreMetrics(m, set, p, tp, y)
}

// scoreSimDir analyses every message of one simulator output directory.
func scoreSimDir(an *phish.Analyzer, dir string) ([]simScored, error) {
	labels, err := simLabels(filepath.Join(dir, "labels.jsonl"))
	if err != nil {
		return nil, err
	}
	cfg, err := phish.LoadConfig(filepath.Join(dir, "mail.yml"))
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "email", "*.eml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("%s: no email/*.eml (run vigil simulate --out %s)", dir, dir)
	}
	sort.Strings(files)
	base := filepath.Base(filepath.Clean(dir))
	var out []simScored
	found := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		res := an.Analyze(context.Background(), raw, cfg, nil)
		id := strings.TrimSpace(phish.Parse(raw).Header.Get("Message-Id"))
		sc, pos := labels[id]
		s := simScored{dir: base, text: res.TextScore, msg: SimMessage{File: base + "/" + filepath.Base(f), Scenario: sc,
			From: res.From, Subject: res.Subject, P: an.Model.Prob(res.Features)}}
		for _, r := range res.Reasons {
			if r.Weight > 0 {
				s.msg.Signals = append(s.msg.Signals, r.Signal)
			}
		}
		if pos {
			s.label = 1
			found++
		}
		out = append(out, s)
	}
	if found != len(labels) {
		return nil, fmt.Errorf("%s: labels.jsonl names %d messages, %d found in email/", dir, len(labels), found)
	}
	return out, nil
}

// simLabels maps each labelled Message-ID (event ids in angle brackets) to
// its scenario.
func simLabels(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l struct {
			Scenario string   `json:"scenario"`
			EventIDs []string `json:"event_ids"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, id := range l.EventIDs {
			if strings.HasPrefix(id, "<") {
				out[id] = l.Scenario
			}
		}
	}
	return out, sc.Err()
}

// Markdown renders the simulator report.
func (r *SimReport) Markdown() string {
	var b strings.Builder
	b.WriteString("simulator e-mail (never trained on; positives = messages labels.jsonl names):\n\n| set | pos | neg | ROC AUC | TPR @ FPR ≤ 1 % | TPR / FPR at phish threshold | TPR / FPR at suspicious threshold | text model alone: AUC, TPR @ 1 % |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range r.Sets {
		fmt.Fprintf(&b, "| %s | %d | %d | %.4f | %.1f %% | %.1f %% / %.1f %% | %.1f %% / %.1f %% | %.4f, %.1f %% |\n", s.Set, s.Positives, s.Negatives, s.AUC,
			100*s.TPRAt1FPR, 100*s.TPRPhish, 100*s.FPRPhish, 100*s.TPRSuspect, 100*s.FPRSuspect, s.TextOnlyAUC, 100*s.TextTPRAt1FP)
	}
	for _, part := range []struct {
		title string
		ms    []SimMessage
	}{{"positives below the phish threshold", r.Missed}, {"highest-scored negatives", r.TopBenign}} {
		fmt.Fprintf(&b, "\n%s:\n\n| file | scenario | p | from | subject | signals raising the score |\n|---|---|---|---|---|---|\n", part.title)
		for _, m := range part.ms {
			fmt.Fprintf(&b, "| %s | %s | %.2f | %s | %s | %s |\n", m.File, m.Scenario, m.P, m.From, m.Subject, strings.Join(m.Signals, ", "))
		}
	}
	return b.String()
}
