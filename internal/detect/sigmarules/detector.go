package sigmarules

import (
	"context"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/sigma"
)

// engineVersion is bumped when the way findings are built changes, so that
// the detector version changes even when the rule files do not.
const engineVersion = "1"

// Config tells the detector where its rules are.
type Config struct {
	// Paths are rule files or directories (walked for .yml/.yaml).
	Paths []string
	// PlaceholdersFile is a placeholder configuration for the expand
	// modifier ("" = none: rules that need one fail to compile).
	PlaceholdersFile string
	// Pipeline maps rule fields and logsources onto events; nil means the
	// built-in Windows pipeline.
	Pipeline *sigma.Pipeline
	// Correlator bounds the correlation state (zero: sigma defaults).
	Correlator sigma.CorrelatorConfig
	// Logger receives load results (counts, file names and reasons; never
	// event content). Nil discards.
	Logger *slog.Logger
}

// Detector is the `sigma` detector: it evaluates a compiled Sigma ruleset on
// every event and emits one finding per matching rule. The ruleset sits
// behind an atomic pointer, so Reload can swap it while Detect runs.
type Detector struct {
	cfg    Config
	log    *slog.Logger
	reload sync.Mutex // one Reload at a time
	cur    atomic.Pointer[loadedSet]
	corrMu sync.Mutex // guards the correlators' state

	// Per-Detect scratch; Detect is never called concurrently (see
	// detect.Detector).
	matched []*sigma.Rule
	collect func(*sigma.Rule)
}

// loadedSet is one generation of rules.
type loadedSet struct {
	rs      *sigma.Ruleset
	corr    *sigma.Correlator
	cfg     sigma.Config
	version string
	files   int
	failed  []string // files skipped because of rule errors
	probes  sync.Map // *sigma.Rule -> *probe (explanations, built lazily)
}

var _ detect.Detector = (*Detector)(nil)

// New loads the rules. Rule errors are logged and the broken rules skipped;
// only an I/O error (a path or the placeholder file cannot be read) or an
// invalid placeholder file fails.
func New(cfg Config) (*Detector, error) {
	if cfg.Pipeline == nil {
		cfg.Pipeline = sigma.WindowsPipeline()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Detector{cfg: cfg, log: cfg.Logger.With("detector", "sigma")}
	d.collect = func(r *sigma.Rule) { d.matched = append(d.matched, r) }
	if err := d.Reload(); err != nil {
		return nil, err
	}
	return d, nil
}

// Name implements detect.Detector.
func (d *Detector) Name() string { return "sigma" }

// Version implements detect.Detector: the engine version and a hash of the
// loaded rule files and placeholder configuration.
func (d *Detector) Version() string { return d.cur.Load().version }

// Rules returns the number of compiled rules now active.
func (d *Detector) Rules() int { return d.cur.Load().rs.Len() }

// SkippedFiles returns the rule files the last successful load skipped
// because of rule errors.
func (d *Detector) SkippedFiles() []string { return d.cur.Load().failed }

// Reload parses and compiles the configured rule paths and swaps the new
// ruleset in. The policy: a broken rule file is logged (file:line: reason)
// and skipped, so one bad file never blocks the others, and the reload still
// succeeds with the rules that compiled. Only I/O errors (a rule path or the
// placeholder file cannot be read) or an invalid placeholder file fail the
// reload; then the previous ruleset stays active and the error is returned.
func (d *Detector) Reload() error {
	d.reload.Lock()
	defer d.reload.Unlock()
	ph, phData, err := LoadPlaceholders(d.cfg.PlaceholdersFile)
	if err != nil {
		return err
	}
	scfg := sigma.Config{Pipeline: d.cfg.Pipeline, Placeholders: ph}
	l, err := Load(d.cfg.Paths, scfg, phData)
	if err != nil {
		return err
	}
	corr, cerrs := d.newCorrelator(l, d.cur.Load())
	l.Errors = append(l.Errors, cerrs...)
	for _, e := range l.Errors {
		d.log.Warn("sigma rule skipped", "err", e.Error())
	}
	next := &loadedSet{rs: l.Ruleset, corr: corr, cfg: scfg, version: engineVersion + "-" + l.Hash[:16],
		files: l.Files, failed: l.FailedFiles()}
	d.cur.Store(next)
	d.log.Info("sigma rules loaded", "files", l.Files, "rules", l.Ruleset.Len(),
		"correlations", corr.Len(), "failed", l.Failed(), "version", next.version)
	return nil
}

// Detect implements detect.Detector.
func (d *Detector) Detect(ctx context.Context, ev *event.Event, emit func(finding.Finding)) {
	if ctx.Err() != nil {
		return
	}
	set := d.cur.Load()
	d.matched = d.matched[:0]
	set.rs.Match(Wrap(ev), d.collect)
	if set.corr.Len() > 0 {
		d.correlate(set, ev, emit)
	}
	for _, r := range d.matched {
		if !set.corr.Quiet(r) {
			emit(set.finding(r, ev, d.Name()))
		}
	}
}

// finding builds the finding of rule r matching ev.
func (s *loadedSet) finding(r *sigma.Rule, ev *event.Event, detector string) finding.Finding {
	ruleID := r.ID
	if ruleID == "" {
		ruleID = r.Title
	}
	return finding.Finding{
		ID:          finding.DeriveID(detector, ruleID, []string{ev.ID}),
		Time:        ev.Time,
		Detector:    detector,
		RuleID:      ruleID,
		Title:       r.Title,
		Severity:    Severity(r.Level),
		Confidence:  Confidence(r.Level, r.Status),
		Entities:    ev.Entities,
		EventIDs:    []string{ev.ID},
		Techniques:  Techniques(r.Tags),
		Tags:        append([]string(nil), r.Tags...),
		Explanation: s.explain(r, ev),
		IngestedAt:  ev.Ingested,
	}
}

// Severity maps a Sigma level (informational, low, medium, high, critical)
// to a finding severity; an empty or unknown level counts as medium.
func Severity(level string) finding.Severity {
	if s, err := finding.ParseSeverity(level); err == nil {
		return s
	}
	return finding.SeverityMedium
}

// Confidence is a rule's prior confidence: by level, informational 0.5, low
// 0.6, medium 0.7, high 0.8, critical 0.9 (unknown: medium), then by status,
// stable +0.05, test ±0, experimental −0.1, deprecated or unsupported −0.2,
// clamped to 0.1..0.95. Level reflects how specific the authors judged the
// rule; status how much field testing it has had.
func Confidence(level, status string) float64 {
	c := 0.5 + 0.1*float64(Severity(level).Rank()-1)
	switch strings.ToLower(status) {
	case "stable":
		c += 0.05
	case "experimental":
		c -= 0.1
	case "deprecated", "unsupported":
		c -= 0.2
	}
	return math.Round(min(max(c, 0.1), 0.95)*100) / 100
}

// Techniques returns the ATT&CK technique ids in Sigma tags:
// attack.t1059.001 becomes T1059.001. Tactic and group tags are ignored.
func Techniques(tags []string) []string {
	var out []string
	for _, t := range tags {
		id, ok := strings.CutPrefix(strings.ToLower(t), "attack.t")
		if !ok || !validTechnique(id) {
			continue
		}
		out = append(out, "T"+strings.ToUpper(id))
	}
	return out
}

// validTechnique accepts "1059" and "1059.001".
func validTechnique(s string) bool {
	main, sub, hasSub := strings.Cut(s, ".")
	return len(main) == 4 && digits(main) && (!hasSub || (len(sub) == 3 && digits(sub)))
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
