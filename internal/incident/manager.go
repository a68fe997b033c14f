package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// Store is what the Manager persists to and reads findings from.
type Store interface {
	store.Incidents
	GetFinding(ctx context.Context, id string) (finding.Finding, error)
}

// Hook is called after an incident was created or gained findings, once per
// change, with the findings it gained (contracts §6). Hooks run on the
// correlator's goroutine: they must be quick or hand work off.
type Hook func(ctx context.Context, inc store.Incident, added []finding.Finding)

// Manager owns the incidents: it correlates findings, persists incidents
// with their timeline and lifecycle, and runs the hooks. Safe for concurrent
// use (one mutex: correlation and analyst edits are serialised).
type Manager struct {
	mu    sync.Mutex
	st    Store
	corr  *Correlator
	hooks []Hook
	now   func() time.Time
	log   *slog.Logger
	dirty map[string][]string // incidents whose persist failed -> merged-from ids
}

// Options are the Manager's optional parts.
type Options struct {
	Now    func() time.Time // nil = time.Now
	Logger *slog.Logger     // nil = discard
}

// NewManager returns a Manager with an empty correlator.
func NewManager(st Store, cfg Config, opt Options) *Manager {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Manager{st: st, corr: NewCorrelator(cfg), now: opt.Now, log: opt.Logger.With("component", "incident"),
		dirty: map[string][]string{}}
}

// OnChange adds a hook (the respond engine registers here).
func (m *Manager) OnChange(h Hook) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hooks = append(m.hooks, h)
}

// HandleFindings correlates a batch of findings in order, then persists
// each incident the batch changed once (hooks run once per incident and
// batch, with all the findings it gained). On a store error the changed
// incidents are retried first thing on the next call and the error is
// returned (the batch is redelivered; its findings are recognised as seen).
func (m *Manager) HandleFindings(ctx context.Context, fs []finding.Finding) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(m.dirty)) {
		if err := m.persist(ctx, id, m.dirty[id], nil); err != nil {
			return err
		}
		delete(m.dirty, id)
	}
	batch := make(map[string]*finding.Finding, len(fs))
	var order []string
	merged := map[string][]string{}
	for i := range fs {
		f := &fs[i]
		if err := f.Validate(); err != nil {
			m.log.Warn("invalid finding skipped", "err", err)
			continue
		}
		ch := m.corr.Add(f)
		if ch == nil {
			continue
		}
		batch[f.ID] = f
		if !slices.Contains(order, ch.IncidentID) {
			order = append(order, ch.IncidentID)
		}
		merged[ch.IncidentID] = append(merged[ch.IncidentID], ch.MergedFrom...)
	}
	var errs []error
	for _, id := range order {
		if err := m.persist(ctx, id, merged[id], batch); err != nil {
			m.dirty[id] = append(m.dirty[id], merged[id]...)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// load returns the stored incident or a new one with that id.
func (m *Manager) load(ctx context.Context, id string) (store.Incident, Doc, bool, error) {
	inc, err := m.st.GetIncident(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		now := m.now().UTC()
		return store.Incident{ID: id, Status: StatusNew, Created: now, Updated: now}, Doc{}, false, nil
	}
	if err != nil {
		return inc, Doc{}, false, err
	}
	doc, err := ParseDoc(inc.Data)
	return inc, doc, true, err
}

// persist writes the correlator's view of incident id to the store: the
// findings it gained since the stored version, and the merges.
func (m *Manager) persist(ctx context.Context, id string, mergedFrom []string, batch map[string]*finding.Finding) error {
	inc, doc, _, err := m.load(ctx, id)
	if err != nil {
		return err
	}
	if Closed(inc.Status) {
		return m.divert(ctx, id, inc, mergedFrom, batch)
	}
	var added []finding.Finding
	stored := make(map[string]bool, len(inc.FindingIDs))
	for _, fid := range inc.FindingIDs {
		stored[fid] = true
	}
	for _, fid := range m.corr.Members(id) {
		if stored[fid] {
			continue
		}
		f, err := m.finding(ctx, fid, batch[fid])
		if err != nil {
			return err
		}
		added = append(added, f)
	}
	for _, o := range mergedFrom {
		if err := m.markMerged(ctx, o, id, "system", &doc); err != nil {
			return err
		}
	}
	if len(added) == 0 && len(mergedFrom) == 0 {
		return nil
	}
	fold(&inc, &doc, added, m.corr.cfg.Kinds)
	for _, e := range m.corr.IncidentEntities(id) {
		inc.Entities = addUnique(inc.Entities, e)
	}
	inc.Updated = m.now().UTC()
	if err := m.save(ctx, &inc, &doc); err != nil {
		return err
	}
	for _, h := range m.hooks {
		h(ctx, inc, added)
	}
	return nil
}

// divert handles findings the correlator added to an incident that was
// closed elsewhere (another process): the incident is marked closed in the
// correlator and the new findings move to a new incident.
func (m *Manager) divert(ctx context.Context, id string, inc store.Incident, mergedFrom []string, batch map[string]*finding.Finding) error {
	m.corr.SetClosed(id, true)
	var fresh []string
	for _, fid := range m.corr.Members(id) {
		if !slices.Contains(inc.FindingIDs, fid) {
			fresh = append(fresh, fid)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	nid := m.corr.Split(id, fresh)
	if nid == "" {
		return nil
	}
	m.corr.SetClosed(id, true)
	return m.persist(ctx, nid, mergedFrom, batch)
}

func (m *Manager) finding(ctx context.Context, id string, cur *finding.Finding) (finding.Finding, error) {
	if cur != nil && cur.ID == id {
		return *cur, nil
	}
	f, err := m.st.GetFinding(ctx, id)
	if err != nil {
		return f, fmt.Errorf("incident: finding %s: %w", id, err)
	}
	return f, nil
}

// markMerged closes incident other as merged into target and moves its
// timeline into target's doc.
func (m *Manager) markMerged(ctx context.Context, other, target, actor string, tdoc *Doc) error {
	inc, doc, ok, err := m.load(ctx, other)
	if err != nil || !ok || inc.Status == StatusMerged {
		return err
	}
	for _, e := range doc.Timeline {
		tdoc.addTimeline(e)
	}
	now := m.now().UTC()
	tdoc.addTimeline(TimelineEntry{Time: now, Kind: "merge", Actor: actor, Text: "merged incident " + other + " into this one", Ref: other})
	doc.MergedInto = target
	doc.addTimeline(TimelineEntry{Time: now, Kind: "merge", Actor: actor, Text: "merged into incident " + target, Ref: target})
	inc.Status, inc.Updated = StatusMerged, now
	return m.save(ctx, &inc, &doc)
}

func (m *Manager) save(ctx context.Context, inc *store.Incident, doc *Doc) error {
	doc.trim()
	data, err := jsonMarshal(doc)
	if err != nil {
		return err
	}
	inc.Data = data
	if err := m.st.UpsertIncident(ctx, *inc); err != nil {
		return fmt.Errorf("incident %s: %w", inc.ID, err)
	}
	return nil
}

// eventsPerFinding is how many evidence events of a finding the timeline
// lists (all of them are in the finding's event_ids).
const eventsPerFinding = 3

// fold adds findings to an incident's summary fields and timeline.
func fold(inc *store.Incident, doc *Doc, fs []finding.Finding, kinds []string) {
	for i := range fs {
		f := &fs[i]
		inc.FindingIDs = append(inc.FindingIDs, f.ID)
		inc.Entities = addUnique(inc.Entities, EntityKeys(f.Entities, kinds)...)
		doc.Risk += Risk(f)
		if doc.FirstEvent.IsZero() || f.Time.Before(doc.FirstEvent) {
			doc.FirstEvent = f.Time.UTC()
		}
		if f.Time.After(doc.LastEvent) {
			doc.LastEvent = f.Time.UTC()
		}
		if f.Severity.Rank() > inc.Severity.Rank() {
			inc.Severity = f.Severity
			doc.SeverityManual = false
			inc.Title = title(f, inc.Entities)
		}
		if inc.Title == "" {
			inc.Title = title(f, inc.Entities)
		}
		doc.Detectors = addUnique(doc.Detectors, f.Detector)
		doc.RuleIDs = addUnique(doc.RuleIDs, f.RuleID)
		doc.Techniques = addUnique(doc.Techniques, f.Techniques...)
		doc.Tags = addUnique(doc.Tags, f.Tags...)
		doc.addTimeline(TimelineEntry{Time: f.Time.UTC(), Kind: "finding", Actor: f.Detector,
			Text: fmt.Sprintf("%s: %s (%d evidence events)", f.Severity, f.Title, len(f.EventIDs)), Ref: f.ID})
		for i, ev := range f.EventIDs {
			if i == eventsPerFinding {
				break
			}
			doc.addTimeline(TimelineEntry{Time: f.Time.UTC(), Kind: "event", Actor: f.Detector,
				Text: "evidence of finding " + f.ID, Ref: ev})
		}
	}
	doc.Risk = float64(int(doc.Risk*100+0.5)) / 100
	doc.SLADue = inc.Created.Add(SLA[inc.Severity])
}

func title(f *finding.Finding, entities []string) string {
	t := f.Title
	if t == "" {
		t = f.RuleID
	}
	for _, e := range entities { // never a patient id in a title
		if !strings.HasPrefix(e, "patient:") {
			return t + " — " + e
		}
	}
	return t
}
