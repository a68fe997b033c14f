package sigmarules

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// RegressionResult is the outcome of one SigmaHQ regression test (one
// info.yml and the event .json file(s) beside it).
type RegressionResult struct {
	Info    string // path of the info.yml
	RuleID  string // the rule expected to match
	Events  int    // events evaluated
	Matches int    // events the expected rule matched
	Want    int    // match_count from info.yml (0: at least one)
	// Failure is "" when the test passed, else the reason.
	Failure string
	// Warning is set when the rule matched more events than match_count,
	// which SigmaHQ's runner reports but does not fail.
	Warning string
}

type regressionInfo struct {
	RuleMetadata []struct {
		ID    string `yaml:"id"`
		Title string `yaml:"title"`
	} `yaml:"rule_metadata"`
	Tests []struct {
		Name       string `yaml:"name"`
		Type       string `yaml:"type"`
		MatchCount int    `yaml:"match_count"`
	} `yaml:"regression_tests_info"`
}

// RegressionInfos returns every info.yml under dir, sorted.
func RegressionInfos(dir string) ([]string, error) {
	var infos []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "info.yml" {
			infos = append(infos, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("regression: %w", err)
	}
	sort.Strings(infos)
	return infos, nil
}

// RunRegression runs one SigmaHQ regression test: the events of the .json
// file(s) beside info are decoded as evtx JSON and matched against rs; the
// rule named in info.yml must match at least match_count events (at least
// one when not given). As in SigmaHQ's runner (sigmahq-regression-data.md),
// match_count is a minimum: more matches give a warning, not a failure.
func RunRegression(rs *sigma.Ruleset, set *decode.Set, info string) RegressionResult {
	res := RegressionResult{Info: info}
	fail := func(format string, args ...any) RegressionResult {
		res.Failure = fmt.Sprintf(format, args...)
		return res
	}
	data, err := os.ReadFile(info)
	if err != nil {
		return fail("%v", err)
	}
	var ri regressionInfo
	if err := yaml.Unmarshal(data, &ri); err != nil {
		return fail("info.yml: %v", err)
	}
	if len(ri.RuleMetadata) == 0 {
		return fail("info.yml: no rule_metadata")
	}
	res.RuleID = ri.RuleMetadata[0].ID
	if len(ri.Tests) > 0 {
		res.Want = ri.Tests[0].MatchCount
	}
	jsons, _ := filepath.Glob(filepath.Join(filepath.Dir(info), "*.json"))
	if len(jsons) == 0 {
		return fail("no .json event file")
	}
	var ev event.Event
	for _, j := range jsons {
		raw, err := os.ReadFile(j)
		if err != nil {
			return fail("%v", err)
		}
		objs, err := decode.SplitJSONStream(raw)
		if err != nil {
			return fail("%s: %v", filepath.Base(j), err)
		}
		for i, o := range objs {
			if err := set.Decode(event.FormatEvtxJSON, o, &ev); err != nil {
				return fail("%s: event %d: %v", filepath.Base(j), i+1, err)
			}
			res.Events++
			rs.Match(Wrap(&ev), func(r *sigma.Rule) {
				if r.ID == res.RuleID {
					res.Matches++
				}
			})
		}
	}
	title := ri.RuleMetadata[0].Title
	switch {
	case res.Want > 0 && res.Matches < res.Want:
		return fail("rule %s (%s): %d of %d events matched, want at least %d",
			res.RuleID, title, res.Matches, res.Events, res.Want)
	case res.Want == 0 && res.Matches == 0:
		return fail("rule %s (%s): none of %d events matched", res.RuleID, title, res.Events)
	case res.Want > 0 && res.Matches > res.Want:
		res.Warning = fmt.Sprintf("rule %s: %d matches, match_count is %d", res.RuleID, res.Matches, res.Want)
	}
	return res
}
