package app

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vigil-soc/vigil/internal/detect/sigmarules"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// SigmaCheckResult is the summary of `vigil sigma check`.
type SigmaCheckResult struct {
	Rules    int `json:"rules"`    // rule documents found (compiled + failed)
	Compiled int `json:"compiled"` // rules in the compiled set
	Failed   int `json:"failed"`   // rule documents that failed to parse or compile
}

// SigmaCheck parses and compiles the rules under paths with the Windows
// pipeline and the optional placeholder file, writes one "file:line: reason"
// line per failing rule to out, then the JSON summary line. The error is
// only for I/O problems; failing rules are counted in the result.
func SigmaCheck(paths []string, placeholders string, out io.Writer) (SigmaCheckResult, error) {
	l, err := loadSigma(paths, placeholders, sigma.WindowsPipeline())
	if err != nil {
		return SigmaCheckResult{}, err
	}
	for _, e := range l.Errors {
		fmt.Fprintln(out, e.Error())
	}
	res := SigmaCheckResult{Rules: l.Total(), Compiled: l.Ruleset.Len(), Failed: l.Failed()}
	line, _ := json.Marshal(res)
	fmt.Fprintf(out, "%s\n", line)
	return res, nil
}

// SigmaTestResult is the summary of `vigil sigma test`.
type SigmaTestResult struct {
	Passed, Failed int
	RuleErrors     int // rule documents that failed to load
}

// SigmaTest runs SigmaHQ's regression tests under regressionDir against the
// rules under rulePaths: each failure is written to out as "info.yml: reason",
// then a final line "N passed, N failed". Rule load errors and match_count
// warnings go to errOut.
func SigmaTest(rulePaths []string, placeholders, regressionDir string, out, errOut io.Writer) (SigmaTestResult, error) {
	l, err := loadSigma(rulePaths, placeholders, sigma.WindowsPipeline())
	if err != nil {
		return SigmaTestResult{}, err
	}
	res := SigmaTestResult{RuleErrors: l.Failed()}
	for _, e := range l.Errors {
		fmt.Fprintf(errOut, "rule error: %v\n", e)
	}
	infos, err := sigmarules.RegressionInfos(regressionDir)
	if err != nil {
		return res, err
	}
	if len(infos) == 0 {
		return res, fmt.Errorf("--regression %s: no info.yml found", regressionDir)
	}
	set := decode.NewSet()
	for _, info := range infos {
		r := sigmarules.RunRegression(l.Ruleset, set, info)
		if r.Warning != "" {
			fmt.Fprintf(errOut, "warning: %s: %s\n", info, r.Warning)
		}
		if r.Failure != "" {
			res.Failed++
			fmt.Fprintf(out, "%s: %s\n", info, r.Failure)
			continue
		}
		res.Passed++
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", res.Passed, res.Failed)
	return res, nil
}

// SigmaPipeline resolves a --pipeline value: a built-in name ("windows",
// "ecs", or "" for windows; any case) or the path of a YAML pipeline file
// (sigma.ParsePipeline; errors name file:line).
func SigmaPipeline(name string) (*sigma.Pipeline, error) {
	if name == "" {
		return sigma.WindowsPipeline(), nil
	}
	if p := sigma.BuiltinPipeline(strings.ToLower(name)); p != nil {
		return p, nil
	}
	if !strings.ContainsAny(name, `/\.`) {
		return nil, fmt.Errorf("--pipeline %s: unknown pipeline; built-in pipelines: windows, ecs (or give a YAML file)", name)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--pipeline: %w", err)
	}
	p, err := sigma.ParsePipeline(data, name)
	if err != nil {
		return nil, fmt.Errorf("--pipeline: %w", err)
	}
	return p, nil
}

// loadSigma loads rules with a pipeline and an optional placeholder file.
func loadSigma(paths []string, placeholders string, p *sigma.Pipeline) (*sigmarules.Loaded, error) {
	ph, phData, err := sigmarules.LoadPlaceholders(placeholders)
	if err != nil {
		return nil, err
	}
	return sigmarules.Load(paths, sigma.Config{Pipeline: p, Placeholders: ph}, phData)
}
