// Package phish is the pipeline detector "phish": it analyses every email
// event (format eml) with internal/phish and emits a phish.verdict finding
// for phish (high) and suspicious (medium) messages. It keeps the senders
// and URL domains the organisation has received as bounded state (first-time
// sender and newly-seen domain signals), snapshotted across restarts.
package phish

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/phish"
)

// RuleID of every finding (contracts §4).
const RuleID = "phish.verdict"

// DefaultHistory is how many senders and how many domains are remembered
// (oldest forgotten first): ~100 B each, so ≤ ~20 MB.
const DefaultHistory = 100_000

// Detector is the phish detector.
type Detector struct {
	an      *phish.Analyzer
	config  func() *phish.Config
	mu      sync.Mutex
	senders *fifoSet
	domains *fifoSet
}

// New builds the detector. config returns the current configuration (it may
// reload); nil means none. history ≤ 0 uses DefaultHistory.
func New(an *phish.Analyzer, config func() *phish.Config, history int) *Detector {
	if history <= 0 {
		history = DefaultHistory
	}
	if config == nil {
		config = func() *phish.Config { return nil }
	}
	return &Detector{an: an, config: config, senders: newFifoSet(history), domains: newFifoSet(history)}
}

// Name implements detect.Detector.
func (d *Detector) Name() string { return "phish" }

// Version changes with the model.
func (d *Detector) Version() string { return "1/" + d.an.Model.Version }

// history is the view Analyze gets: membership before this message.
type history struct{ d *Detector }

func (h history) SeenSender(a string) bool { return h.d.senders.has(a) }
func (h history) SeenDomain(x string) bool { return h.d.domains.has(x) }

// Detect implements detect.Detector.
func (d *Detector) Detect(ctx context.Context, ev *event.Event, emit func(finding.Finding)) {
	if ev.Format != event.FormatEML || len(ev.Raw) == 0 {
		return
	}
	msg, err := phish.MessageOf(ev.Raw)
	if err != nil {
		return // the decoder accepted it, so this cannot happen; nothing to analyse
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	res := d.an.Analyze(ctx, msg, d.config(), history{d})
	d.senders.add(res.From)
	for _, u := range res.URLs {
		if dom := urlDomain(u); dom != "" {
			d.domains.add(dom)
		}
	}
	sev := finding.SeverityHigh
	switch res.Verdict {
	case phish.VerdictPhish:
	case phish.VerdictSuspicious:
		sev = finding.SeverityMedium
	default:
		return
	}
	ent := ev.Entities
	ent.Email = res.From
	emit(finding.Finding{
		ID:          finding.DeriveID(d.Name(), RuleID, []string{ev.ID}),
		Time:        ev.Time,
		Detector:    d.Name(),
		RuleID:      RuleID,
		Title:       fmt.Sprintf("Email %s (score %d) from %s", res.Verdict, res.Score, res.From),
		Severity:    sev,
		Confidence:  float64(res.Score) / 100,
		Entities:    ent,
		EventIDs:    []string{ev.ID},
		Techniques:  []string{"T1566"},
		Tags:        tags(res),
		Explanation: explain(res),
	})
}

// tags carry the recipients and URL domains (kind:value) for correlation.
func tags(r phish.Result) []string {
	t := []string{"verdict:" + r.Verdict}
	for i, to := range r.To {
		if i < 20 {
			t = append(t, "email.to:"+to)
		}
	}
	seen := map[string]bool{}
	for _, u := range r.URLs {
		if d := urlDomain(u); d != "" && !seen[d] && len(seen) < 20 {
			seen[d] = true
			t = append(t, "url.domain:"+d)
		}
	}
	return t
}

func explain(r phish.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict %s, score %d/100; reasons:", r.Verdict, r.Score)
	for i, rs := range r.Reasons {
		if i >= 8 || rs.Weight <= 0 {
			break
		}
		fmt.Fprintf(&b, "\n- %s (%+.2f)", rs.Text, rs.Weight)
		if rs.Evidence != "" {
			fmt.Fprintf(&b, " [%s: %s]", rs.Where, rs.Evidence)
		}
	}
	if len(r.URLs) > 0 {
		fmt.Fprintf(&b, "\nURLs: %s", strings.Join(first(r.URLs, 5), " "))
	}
	return b.String()
}

func first(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

// urlDomain is the registrable domain of a URL ("" for none).
func urlDomain(u string) string { return phish.URLDomain(u) }

// snapshot is the stored state.
type snapshot struct {
	Senders []string `json:"senders"`
	Domains []string `json:"domains"`
}

// Snapshot implements detect.Stateful.
func (d *Detector) Snapshot() ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return json.Marshal(snapshot{Senders: d.senders.list(), Domains: d.domains.list()})
}

// Restore implements detect.Stateful.
func (d *Detector) Restore(b []byte) error {
	var s snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("phish state: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.senders, d.domains = newFifoSet(d.senders.cap), newFifoSet(d.domains.cap)
	for _, x := range s.Senders {
		d.senders.add(x)
	}
	for _, x := range s.Domains {
		d.domains.add(x)
	}
	return nil
}

// fifoSet is a set of at most cap strings; adding past cap forgets the oldest.
type fifoSet struct {
	cap   int
	m     map[string]struct{}
	order []string
	head  int
}

func newFifoSet(n int) *fifoSet { return &fifoSet{cap: n, m: map[string]struct{}{}} }

func (s *fifoSet) has(x string) bool { _, ok := s.m[x]; return ok }

func (s *fifoSet) add(x string) {
	if x == "" || s.has(x) {
		return
	}
	if len(s.order) < s.cap {
		s.order = append(s.order, x)
	} else {
		delete(s.m, s.order[s.head])
		s.order[s.head] = x
		s.head = (s.head + 1) % s.cap
	}
	s.m[x] = struct{}{}
}

// list is oldest first.
func (s *fifoSet) list() []string {
	return append(append([]string{}, s.order[s.head:]...), s.order[:s.head]...)
}
