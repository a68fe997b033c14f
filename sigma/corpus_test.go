package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sigmaData is SigmaHQ's rule set as copied into the shared data directory
// (github.com/SigmaHQ/sigma @ 8eaafff1, see /work/shared/data/README.md).
const sigmaData = "../../shared/data/sigma"

func loadPlaceholders(t testing.TB) map[string][]string {
	data, err := os.ReadFile("testdata/placeholders.yml")
	if err != nil {
		t.Fatal(err)
	}
	ph, err := ParsePlaceholders(data, "testdata/placeholders.yml")
	if err != nil {
		t.Fatal(err)
	}
	return ph
}

// TestSigmaHQCorpusCompiles parses and compiles every rule of the SigmaHQ
// corpus and reports each failure with its reason; the target is none.
func TestSigmaHQCorpusCompiles(t *testing.T) {
	if _, err := os.Stat(sigmaData); err != nil {
		t.Skipf("SigmaHQ corpus not available: %v", err)
	}
	cfg := Config{Pipeline: WindowsPipeline(), Placeholders: loadPlaceholders(t)}
	total, failed := 0, 0
	for _, dir := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder"} {
		docs, errs := ParseFS(os.DirFS(sigmaData), dir)
		for _, err := range errs {
			failed++
			t.Errorf("parse: %v", err)
		}
		rs, errs := Compile(docs.Rules, cfg)
		for _, err := range errs {
			t.Errorf("compile: %v", err)
		}
		total += len(docs.Rules) + len(docs.Correlations) + len(docs.Filters)
		failed += len(errs)
		t.Logf("%s: %d rules, %d compiled, %d correlations, %d filters", dir, len(docs.Rules), rs.Len(),
			len(docs.Correlations), len(docs.Filters))
	}
	t.Logf("%d documents, %d failures", total, failed)
	if total < 3700 {
		t.Errorf("only %d rules found; expected the full corpus (3,777)", total)
	}
}

// TestPlaceholderUnresolvedIsRuleError checks that an expand placeholder that
// the configuration lacks rejects the rule, naming the placeholder.
func TestPlaceholderUnresolvedIsRuleError(t *testing.T) {
	path := filepath.Join(sigmaData, "rules-placeholder")
	if _, err := os.Stat(path); err != nil {
		t.Skip("corpus not available")
	}
	docs, errs := ParseFS(os.DirFS(sigmaData), "rules-placeholder")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, cerrs := Compile(docs.Rules, Config{Pipeline: WindowsPipeline()})
	if len(cerrs) == 0 {
		t.Fatal("rules-placeholder compiled without placeholders")
	}
	for _, err := range cerrs {
		if !strings.Contains(err.Error(), "placeholder %") || !strings.Contains(err.Error(), "rules-placeholder/") {
			t.Errorf("unexpected error: %v", err)
		}
	}
}

// BenchmarkCompileCorpus parses and compiles the whole SigmaHQ corpus.
func BenchmarkCompileCorpus(b *testing.B) {
	if _, err := os.Stat(sigmaData); err != nil {
		b.Skip("corpus not available")
	}
	cfg := Config{Pipeline: WindowsPipeline(), Placeholders: loadPlaceholders(b)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, dir := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder"} {
			docs, _ := ParseFS(os.DirFS(sigmaData), dir)
			rs, _ := Compile(docs.Rules, cfg)
			n += rs.Len()
		}
		b.ReportMetric(float64(n), "rules")
	}
}
