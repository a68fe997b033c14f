package train

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/phish"
	"github.com/vigil-soc/vigil/internal/sim"
)

// mailOnlySink keeps what EvalSim reads (email/, labels.jsonl, mail.yml)
// and discards the event and context files.
type mailOnlySink string

func (d mailOnlySink) Create(name string) (io.WriteCloser, error) {
	if strings.HasPrefix(name, "email/") || name == "labels.jsonl" || name == sim.MailConfigFile {
		return sim.DirSink(d).Create(name)
	}
	return nopCloser{io.Discard}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func simulate(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "seed-1")
	_, err := sim.Generate(sim.Options{Profile: "small", Days: 7, Seed: 1,
		Scenarios: []string{"spear-phishing-bec", "prompt-injection"}}, mailOnlySink(dir))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEvalSimLabelsMessagesByMessageID(t *testing.T) {
	dir := simulate(t)
	labels, err := simLabels(filepath.Join(dir, "labels.jsonl"))
	if err != nil || len(labels) == 0 {
		t.Fatalf("labels %v, err %v", labels, err)
	}
	m, err := phish.DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := EvalSim(m, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	all := rep.Sets[len(rep.Sets)-1]
	emails, _ := filepath.Glob(filepath.Join(dir, "email", "*.eml"))
	if all.Set != "all" || all.Positives != len(labels) || all.Positives+all.Negatives != len(emails) {
		t.Fatalf("all: %+v; %d labelled, %d messages", all, len(labels), len(emails))
	}
	if !(all.AUC > 0.9) {
		t.Errorf("simulator AUC %.3f: the analyzer no longer separates the simulator's attacks from its benign mail", all.AUC)
	}
	scenarios := map[string]bool{}
	for _, s := range rep.Sets {
		scenarios[s.Set] = true
	}
	if !scenarios["spear-phishing-bec"] || !scenarios["prompt-injection"] || !scenarios["seed-1"] {
		t.Errorf("sets %v", scenarios)
	}
	if !strings.Contains(rep.Markdown(), "| spear-phishing-bec |") {
		t.Error("markdown lacks the scenario row")
	}
}

func TestEvalSimRejectsMissingLabelledMessage(t *testing.T) {
	dir := simulate(t)
	emails, _ := filepath.Glob(filepath.Join(dir, "email", "*.eml"))
	labels, _ := simLabels(filepath.Join(dir, "labels.jsonl"))
	removed := false
	for _, f := range emails {
		raw, _ := os.ReadFile(f)
		if _, ok := labels[phish.Parse(raw).Header.Get("Message-Id")]; ok {
			os.Remove(f)
			removed = true
			break
		}
	}
	if !removed {
		t.Fatal("no labelled message found")
	}
	m, _ := phish.DefaultModel()
	if _, err := EvalSim(m, []string{dir}); err == nil || !strings.Contains(err.Error(), "labels.jsonl names") {
		t.Errorf("err = %v, want a missing-message error", err)
	}
}
