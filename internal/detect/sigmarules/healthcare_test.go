package sigmarules

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/sigma"
)

// healthcareDir is the healthcare rule pack; each rule file <stem>.yml has
// testdata/<stem>/positive.ndjson and negative.ndjson beside it.
const healthcareDir = "../../../rules/healthcare"

// hcFile is one rule file of the pack with its parsed documents.
type hcFile struct {
	stem string
	text string
	docs *sigma.Documents
}

// hcPack is the whole pack: files, and all rules and correlations in file
// order (the *sigma.Rule values are the ones compiled and observed).
type hcPack struct {
	files []hcFile
	rules []*sigma.Rule
	corrs []*sigma.Correlation
}

func loadHealthcarePack(t *testing.T) *hcPack {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(healthcareDir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no rule files in %s", healthcareDir)
	}
	p := &hcPack{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := sigma.Parse(data, path)
		if err != nil {
			t.Errorf("parse: %v", err)
			continue
		}
		if len(docs.Filters) > 0 {
			t.Errorf("%s: filters are not expected in the pack", path)
		}
		stem := strings.TrimSuffix(filepath.Base(path), ".yml")
		p.files = append(p.files, hcFile{stem: stem, text: string(data), docs: docs})
		p.rules = append(p.rules, docs.Rules...)
		p.corrs = append(p.corrs, docs.Correlations...)
	}
	return p
}

var (
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	attackRE = regexp.MustCompile(`^attack\.t[0-9]{4}(\.[0-9]{3})?$`)
)

const noTechnique = "# no ATT&CK technique fits"

func hasTechnique(tags []string) bool {
	return slices.ContainsFunc(tags, attackRE.MatchString)
}

// TestHealthcarePackMetadata checks the pack's bookkeeping: at least 30
// rules, every id a unique lower-case UUID, an ATT&CK technique tag (or the
// explicit comment saying none fits), the required metadata, and test data
// for every file.
func TestHealthcarePackMetadata(t *testing.T) {
	p := loadHealthcarePack(t)
	if n := len(p.rules) + len(p.corrs); n < 30 {
		t.Errorf("%d rules and correlations, want at least 30", n)
	}
	ids := map[string]string{}
	checkID := func(where, id string) {
		if !uuidRE.MatchString(id) {
			t.Errorf("%s: id %q is not a lower-case UUID", where, id)
		}
		if prev, dup := ids[id]; dup {
			t.Errorf("%s: id %s already used by %s", where, id, prev)
		}
		ids[id] = where
	}
	levels := []string{"informational", "low", "medium", "high", "critical"}
	for _, f := range p.files {
		if len(f.docs.Rules)+len(f.docs.Correlations) == 0 {
			t.Errorf("%s: no rules", f.stem)
		}
		for _, r := range f.docs.Rules {
			where := f.stem + ": " + r.Title
			checkID(where, r.ID)
			if !hasTechnique(r.Tags) && !strings.Contains(f.text, noTechnique) {
				t.Errorf("%s: no attack.tNNNN tag and no %q comment", where, noTechnique)
			}
			if r.Status != "experimental" || r.Author != "Vigil" || r.Date == "" || r.Description == "" ||
				len(r.FalsePositives) == 0 || !slices.Contains(levels, r.Level) {
				t.Errorf("%s: incomplete metadata (status %q, author %q, date %q, level %q, %d false positives)",
					where, r.Status, r.Author, r.Date, r.Level, len(r.FalsePositives))
			}
			if r.Logsource.Product == "" && r.Logsource.Category == "" && r.Logsource.Service == "" {
				t.Errorf("%s: empty logsource would see every event", where)
			}
		}
		for _, c := range f.docs.Correlations {
			where := f.stem + ": " + c.Title
			checkID(where, c.ID)
			if !hasTechnique(c.Tags) {
				t.Errorf("%s: no attack.tNNNN tag", where)
			}
			if c.Status != "experimental" || c.Description == "" || !slices.Contains(levels, c.Level) || c.Timespan == "" {
				t.Errorf("%s: incomplete metadata", where)
			}
		}
		for _, kind := range []string{"positive", "negative"} {
			if lines := readEvents(t, f.stem, kind); len(lines) == 0 {
				t.Errorf("%s: no %s test events", f.stem, kind)
			}
		}
	}
}

// TestHealthcarePackCompiles compiles every rule with the Windows pipeline
// (what `vigil serve` uses) and with none, and builds the correlator: no
// errors allowed.
func TestHealthcarePackCompiles(t *testing.T) {
	p := loadHealthcarePack(t)
	for _, pl := range []*sigma.Pipeline{sigma.WindowsPipeline(), nil} {
		rs, errs := sigma.Compile(p.rules, sigma.Config{Pipeline: pl})
		for _, err := range errs {
			t.Errorf("compile: %v", err)
		}
		if rs.Len() != len(p.rules) {
			t.Errorf("compiled %d of %d rules", rs.Len(), len(p.rules))
		}
	}
	k, errs := sigma.NewCorrelator(p.rules, p.corrs, sigma.CorrelatorConfig{})
	for _, err := range errs {
		t.Errorf("correlator: %v", err)
	}
	if k.Len() != len(p.corrs) {
		t.Errorf("correlator holds %d of %d correlations", k.Len(), len(p.corrs))
	}
}

// TestHealthcareRulesMatchTestdata decodes every test event as Vigil ingests
// it and checks: a detection rule matches every positive and no negative
// event; a correlation fires on the positive sequence and not on the negative
// one, and every positive event matches one of its base rules.
func TestHealthcareRulesMatchTestdata(t *testing.T) {
	p := loadHealthcarePack(t)
	for _, pl := range []struct {
		name string
		p    *sigma.Pipeline
	}{{"windows-pipeline", sigma.WindowsPipeline()}, {"no-pipeline", nil}} {
		t.Run(pl.name, func(t *testing.T) {
			rs, errs := sigma.Compile(p.rules, sigma.Config{Pipeline: pl.p})
			if len(errs) > 0 {
				t.Fatalf("compile: %v", errs)
			}
			for _, f := range p.files {
				t.Run(f.stem, func(t *testing.T) {
					pos := decodeEvents(t, f.stem, "positive")
					neg := decodeEvents(t, f.stem, "negative")
					if len(f.docs.Correlations) == 0 {
						checkDetection(t, rs, f, pos, neg)
						return
					}
					checkCorrelations(t, rs, p, f, pos, neg)
				})
			}
		})
	}
}

// checkDetection: every rule of the file matches each positive event and
// none matches a negative one.
func checkDetection(t *testing.T, rs *sigma.Ruleset, f hcFile, pos, neg []*event.Event) {
	t.Helper()
	for _, r := range f.docs.Rules {
		for i, ev := range pos {
			if !matches(rs, r, ev) {
				t.Errorf("%q does not match positive event %d\n%s", r.Title, i+1, dumpFields(ev))
			}
		}
		for i, ev := range neg {
			if matches(rs, r, ev) {
				t.Errorf("%q matches negative event %d\n%s", r.Title, i+1, dumpFields(ev))
			}
		}
	}
}

// matches reports whether r fires on ev through the full ruleset, so the
// event must also be routed to r by its logsource.
func matches(rs *sigma.Ruleset, r *sigma.Rule, ev *event.Event) bool {
	found := false
	rs.Match(Wrap(ev), func(m *sigma.Rule) { found = found || m == r })
	return found
}

// checkCorrelations: each positive event matches a base rule of the file's
// correlations; each correlation fires on the positive sequence and not on
// the negative one (fresh correlator state for each).
func checkCorrelations(t *testing.T, rs *sigma.Ruleset, p *hcPack, f hcFile, pos, neg []*event.Event) {
	t.Helper()
	for _, c := range f.docs.Correlations {
		bases := baseRules(p, c)
		if len(bases) != len(c.Rules) {
			t.Fatalf("%q: %d of %d referenced rules found in the pack", c.Title, len(bases), len(c.Rules))
		}
		for i, ev := range pos {
			if !slices.ContainsFunc(bases, func(r *sigma.Rule) bool { return matches(rs, r, ev) }) {
				t.Errorf("%q: positive event %d matches none of its base rules\n%s", c.Title, i+1, dumpFields(ev))
			}
		}
		if n := correlationFires(t, rs, p, c, pos); n == 0 {
			t.Errorf("%q does not fire on the positive sequence", c.Title)
		}
		if n := correlationFires(t, rs, p, c, neg); n != 0 {
			t.Errorf("%q fires %d times on the negative sequence", c.Title, n)
		}
	}
	for _, r := range f.docs.Rules {
		if !slices.ContainsFunc(f.docs.Correlations, func(c *sigma.Correlation) bool { return slices.Contains(baseRules(p, c), r) }) {
			t.Errorf("%q: base rule in a correlation file not used by its correlations", r.Title)
		}
	}
}

// baseRules resolves a correlation's rule references (id or name) in the pack.
func baseRules(p *hcPack, c *sigma.Correlation) []*sigma.Rule {
	var out []*sigma.Rule
	for _, ref := range c.Rules {
		for _, r := range p.rules {
			if r.ID == ref || r.Name == ref {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// correlationFires feeds evs in order through the ruleset and a fresh
// correlator and counts the firings of c.
func correlationFires(t *testing.T, rs *sigma.Ruleset, p *hcPack, c *sigma.Correlation, evs []*event.Event) int {
	t.Helper()
	k, errs := sigma.NewCorrelator(p.rules, p.corrs, sigma.CorrelatorConfig{})
	if len(errs) > 0 {
		t.Fatalf("correlator: %v", errs)
	}
	n := 0
	for _, ev := range evs {
		w := Wrap(ev)
		var matched []*sigma.Rule
		rs.Match(w, func(r *sigma.Rule) { matched = append(matched, r) })
		for _, r := range matched {
			k.Observe(r, w, ev.ID, ev.Time, func(m sigma.CorrelationMatch) {
				if m.Correlation.ID == c.ID {
					n++
				}
			})
		}
	}
	return n
}

// TestHealthcarePackInDetector loads the pack as `vigil serve --rules` does
// and replays the HC3 help-desk sequence: the base rules report (the
// correlation sets generate: true) and the correlation fires once, with the
// three events as evidence; the quiet informational base rules of the other
// correlations report nothing on their own.
func TestHealthcarePackInDetector(t *testing.T) {
	p := loadHealthcarePack(t)
	d, err := New(Config{Paths: []string{healthcareDir}})
	if err != nil {
		t.Fatal(err)
	}
	if sk := d.SkippedFiles(); len(sk) > 0 || d.Rules() != len(p.rules) || d.Correlations() != len(p.corrs) {
		t.Fatalf("skipped %v, %d rules, %d correlations; want none, %d, %d", sk, d.Rules(), d.Correlations(), len(p.rules), len(p.corrs))
	}
	var titles []string
	var corr *finding.Finding
	for _, ev := range decodeEvents(t, "helpdesk_mfa_reset_then_bank_change", "positive") {
		d.Detect(context.Background(), ev, func(f finding.Finding) {
			titles = append(titles, f.Title)
			if strings.HasPrefix(f.Title, "Help-Desk MFA Reset") {
				corr = &f
			}
		})
	}
	if len(titles) != 4 || corr == nil {
		t.Fatalf("findings %q, want the three base rules and the correlation", titles)
	}
	if len(corr.EventIDs) != 3 || corr.Severity != finding.SeverityCritical {
		t.Errorf("correlation finding: %d events, severity %v", len(corr.EventIDs), corr.Severity)
	}
	n := 0
	for _, ev := range decodeEvents(t, "fhir_failed_auth_burst", "negative") {
		d.Detect(context.Background(), ev, func(finding.Finding) { n++ })
	}
	if n != 0 {
		t.Errorf("%d findings from quiet base rules below the threshold", n)
	}
}

// readEvents returns the non-empty lines of testdata/<stem>/<kind>.ndjson.
func readEvents(t *testing.T, stem, kind string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(healthcareDir, "testdata", stem, kind+".ndjson"))
	if err != nil {
		t.Error(err)
		return nil
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			out = append(out, bytes.Clone(line))
		}
	}
	return out
}

// decodeEvents decodes the test events as Vigil ingests them (format auto).
func decodeEvents(t *testing.T, stem, kind string) []*event.Event {
	t.Helper()
	set := decode.NewSet()
	var out []*event.Event
	for i, line := range readEvents(t, stem, kind) {
		ev := &event.Event{}
		if err := set.Decode(event.FormatAuto, line, ev); err != nil {
			t.Fatalf("%s/%s.ndjson:%d: %v", stem, kind, i+1, err)
		}
		out = append(out, ev)
	}
	return out
}

func dumpFields(ev *event.Event) string {
	var b strings.Builder
	for _, f := range ev.Fields {
		b.WriteString("    " + f.Key + " = " + f.Value + "\n")
	}
	return b.String()
}
