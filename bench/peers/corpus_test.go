package peers

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"

	gosigma "github.com/bradleyjkemp/sigma-go"
	"github.com/bradleyjkemp/sigma-go/evaluator"
	"github.com/bradleyjkemp/sigma-go/evaluator/modifiers"
	vsigma "github.com/vigil-soc/vigil/sigma"
)

// sigmaData is the SigmaHQ rule set of the shared data directory.
const sigmaData = "../../../shared/data/sigma"

// ruleDirs are the SigmaHQ directories both engines load;
// rules-placeholder is left out (sigma-go has no expand modifier).
var ruleDirs = []string{"rules", "rules-emerging-threats", "rules-threat-hunting"}

// peerIndex is the one index name the sigma-go configuration maps every
// Windows logsource to; every event is offered to sigma-go as coming from it.
const peerIndex = "windows"

// pair is one rule both engines support: Vigil's parse and sigma-go's
// evaluator of the same file.
type pair struct {
	id   string
	file string
	v    *vsigma.Rule
	p    *evaluator.RuleEvaluator
}

// corpus is the rule set of the comparison, loaded once per test binary.
type corpus struct {
	files      int               // rule files read
	vigilRules int               // detection rules Vigil parsed and compiled
	peerRules  int               // detection rules sigma-go parsed and can evaluate
	excluded   map[string]int    // "engine: reason" -> rules left out
	example    map[string]string // "engine: reason" -> first file, error
	pairs      []pair            // rules both support, in file order
	byRule     map[*vsigma.Rule]int
	vigil      *vsigma.Ruleset
	peerConfig gosigma.Config
}

var shared struct {
	once sync.Once
	c    *corpus
	err  error
}

// loadCorpus parses and compiles the SigmaHQ rules in both engines once.
func loadCorpus(tb testing.TB) *corpus {
	tb.Helper()
	if _, err := os.Stat(sigmaData); err != nil {
		tb.Skipf("SigmaHQ corpus not available: %v", err)
	}
	shared.once.Do(func() { shared.c, shared.err = buildCorpus() })
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.c
}

func buildCorpus() (*corpus, error) {
	c := &corpus{excluded: map[string]int{}, example: map[string]string{}, byRule: map[*vsigma.Rule]int{}}
	c.peerConfig = peerConfig(vsigma.WindowsPipeline())
	vcfg := vsigma.Config{Pipeline: vsigma.WindowsPipeline()}
	fsys := os.DirFS(sigmaData)
	var vrules []*vsigma.Rule
	for _, dir := range ruleDirs {
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (path.Ext(p) != ".yml" && path.Ext(p) != ".yaml") {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			c.files++
			vr, pe := c.loadFile(p, data, vcfg)
			if vr != nil && pe != nil {
				c.byRule[vr] = len(c.pairs)
				c.pairs = append(c.pairs, pair{id: vr.ID, file: p, v: vr, p: pe})
				vrules = append(vrules, vr)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", dir, err)
		}
	}
	rs, errs := vsigma.Compile(vrules, vcfg)
	if len(errs) > 0 {
		return nil, fmt.Errorf("recompiling the common rules: %d errors, first: %v", len(errs), errs[0])
	}
	c.vigil = rs
	return c, nil
}

// loadFile loads one rule file in both engines and returns the rule each
// engine can evaluate (nil where it cannot; the reason is counted).
// Files without a detection rule (correlations, filters) are skipped.
func (c *corpus) loadFile(p string, data []byte, vcfg vsigma.Config) (*vsigma.Rule, *evaluator.RuleEvaluator) {
	docs, err := vsigma.Parse(data, p)
	var vr *vsigma.Rule
	switch {
	case err != nil:
		c.exclude("vigil: parse error", p, err)
	case len(docs.Rules) == 0:
		return nil, nil // correlation or filter only
	case len(docs.Rules) > 1:
		c.exclude("both: several rule documents in one file", p, nil)
		return nil, nil
	default:
		if err := vsigma.CompileRule(docs.Rules[0], vcfg); err != nil {
			c.exclude("vigil: compile error", p, err)
		} else {
			vr = docs.Rules[0]
			c.vigilRules++
		}
	}
	pr, err := gosigma.ParseRule(data)
	if err != nil {
		c.exclude("sigma-go: parse error", p, err)
		return vr, nil
	}
	if reason := peerUnsupported(pr); reason != "" {
		c.exclude("sigma-go: "+reason, p, nil)
		return vr, nil
	}
	c.peerRules++
	if vr == nil || vr.ID != pr.ID {
		return nil, nil
	}
	return vr, evaluator.ForRule(pr, evaluator.WithConfig(c.peerConfig),
		evaluator.WithPlaceholderExpander(literalPlaceholder))
}

func (c *corpus) exclude(reason, file string, err error) {
	c.excluded[reason]++
	if _, ok := c.example[reason]; !ok {
		c.example[reason] = file
		if err != nil {
			c.example[reason] += ": " + err.Error()
		}
	}
}

// literalPlaceholder gives a %name% value back unchanged. sigma-go treats
// every value that starts and ends with % as a placeholder, even without
// the expand modifier; SigmaHQ's rules use such values literally
// ('%APPDATA%'), as the specification says they are.
func literalPlaceholder(_ context.Context, name string) ([]string, error) {
	return []string{name}, nil
}

// peerUnsupported returns why sigma-go v0.6.6 cannot evaluate r, or "".
// sigma-go accepts these rules when parsing and fails on every evaluation,
// so they are found here the way its evaluator would find them.
func peerUnsupported(r gosigma.Rule) string {
	if len(r.Detection.Searches) == 0 || len(r.Detection.Conditions) == 0 {
		return "no detection"
	}
	names := make([]string, 0, len(r.Detection.Searches))
	for name := range r.Detection.Searches {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := r.Detection.Searches[name]
		if len(s.Keywords) > 0 {
			return "keyword search"
		}
		for _, em := range s.EventMatchers {
			for _, fm := range em {
				mods := fm.Modifiers
				if n := len(mods); n > 0 && mods[n-1] == "all" {
					mods = mods[:n-1]
				}
				for _, m := range mods {
					if modifiers.Comparators[m] == nil && modifiers.ValueModifiers[m] == nil &&
						modifiers.EventValueModifiers[m] == nil {
						return "modifier " + m
					}
				}
				if _, err := modifiers.GetComparator(fm.Field, modifiers.Comparators, mods...); err != nil {
					return err.Error()
				}
				for _, v := range fm.Values {
					switch v.(type) {
					case string, int, float32, float64, bool:
					case nil:
						return "null value"
					default:
						return "non-scalar value"
					}
				}
			}
		}
	}
	for _, cond := range r.Detection.Conditions {
		if cond.Aggregation != nil {
			return "aggregation"
		}
	}
	return ""
}

// peerConfig turns the routes of Vigil's Windows pipeline into a sigma-go
// configuration, so both engines route rules to the same events: each
// logsource maps to index "windows" with a condition on Channel (and
// EventID where the route names ids).
func peerConfig(p *vsigma.Pipeline) gosigma.Config {
	cfg := gosigma.Config{Title: "vigil windows routes", Logsources: map[string]gosigma.LogsourceMapping{}}
	for i, r := range p.Routes {
		em := gosigma.EventMatcher{{Field: p.ChannelField, Values: anys(r.Channels)}}
		if len(r.EventIDs) > 0 {
			em = append(em, gosigma.FieldMatcher{Field: p.EventIDField, Values: anys(r.EventIDs)})
		}
		cfg.Logsources[fmt.Sprintf("route%03d", i)] = gosigma.LogsourceMapping{
			Logsource:  gosigma.Logsource{Product: r.Logsource.Product, Category: r.Logsource.Category, Service: r.Logsource.Service},
			Index:      gosigma.LogsourceIndexes{peerIndex},
			Conditions: gosigma.Search{EventMatchers: []gosigma.EventMatcher{em}},
		}
	}
	return cfg
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// exclusionSummary lists the excluded counts, sorted, for logs and docs.
func (c *corpus) exclusionSummary() string {
	keys := make([]string, 0, len(c.excluded))
	for k := range c.excluded {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %5d  %s  (e.g. %s)\n", c.excluded[k], k, c.example[k])
	}
	return b.String()
}
