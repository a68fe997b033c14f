package sigmarules

import (
	"os"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// sigmaData holds SigmaHQ's rules and regression data
// (github.com/SigmaHQ/sigma @ 8eaafff1, see /work/shared/data/README.md);
// the expected rule ids and match counts come from each test's info.yml.
const sigmaData = "../../../../shared/data/sigma"

// TestSigmaHQRegression runs SigmaHQ's regression suite: for every info.yml,
// the events of its .json file(s) are decoded by Vigil's evtx decoder and
// matched against the full compiled corpus; the named rule must match
// at least match_count events (at least one when not given).
func TestSigmaHQRegression(t *testing.T) {
	if _, err := os.Stat(sigmaData); err != nil {
		t.Skipf("SigmaHQ data not available: %v", err)
	}
	ph, phData, err := LoadPlaceholders("../../../sigma/testdata/placeholders.yml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load([]string{sigmaData + "/rules", sigmaData + "/rules-emerging-threats", sigmaData + "/rules-threat-hunting"},
		sigma.Config{Pipeline: sigma.WindowsPipeline(), Placeholders: ph}, phData)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errors) > 0 {
		t.Fatalf("load: %d errors, first: %v", len(l.Errors), l.Errors[0])
	}
	infos, err := RegressionInfos(sigmaData + "/regression")
	if err != nil {
		t.Fatal(err)
	}
	set := decode.NewSet()
	passed, failed := 0, 0
	for _, info := range infos {
		res := RunRegression(l.Ruleset, set, info)
		if res.Warning != "" {
			t.Logf("warning: %s", res.Warning)
		}
		if res.Failure != "" {
			failed++
			t.Errorf("%s: %s", strings.TrimPrefix(info, sigmaData+"/"), res.Failure)
		} else {
			passed++
		}
	}
	t.Logf("%d passed, %d failed", passed, failed)
	if passed+failed < 135 {
		t.Errorf("found %d regression tests, want 135", passed+failed)
	}
}

func TestRunRegressionReportsMissingMatch(t *testing.T) {
	dir := t.TempDir()
	info := dir + "/info.yml"
	must(t, os.WriteFile(info, []byte("rule_metadata:\n  - id: nope\n    title: Nope\nregression_tests_info:\n  - match_count: 1\n"), 0o600))
	must(t, os.WriteFile(dir+"/ev.json", []byte(`{"Event":{"System":{"Channel":"Security","EventID":4624,"TimeCreated":{"#attributes":{"SystemTime":"2024-01-01T00:00:00Z"}}},"EventData":{"A":"b"}}}`), 0o600))
	rs, _ := sigma.Compile(nil, sigma.Config{})
	res := RunRegression(rs, decode.NewSet(), info)
	if !strings.Contains(res.Failure, "0 of 1 events matched, want at least 1") {
		t.Fatalf("failure = %q (events %d)", res.Failure, res.Events)
	}
	if res.RuleID != "nope" || res.Want != 1 {
		t.Fatalf("result = %+v", res)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
