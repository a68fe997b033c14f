package incident

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

func jsonMarshal(d *Doc) ([]byte, error) {
	if d.Timeline == nil {
		d.Timeline = []TimelineEntry{}
	}
	return json.Marshal(d)
}

// Update is an analyst's change to an incident; nil fields stay.
type Update struct {
	Status   *string `json:"status,omitempty"`
	Assignee *string `json:"assignee,omitempty"`
	Severity *string `json:"severity,omitempty"`
}

// maxNote bounds a note's length.
const maxNote = 8 << 10

// get loads an existing incident or an error wrapping store.ErrNotFound.
func (m *Manager) get(ctx context.Context, id string) (store.Incident, Doc, error) {
	inc, doc, ok, err := m.load(ctx, id)
	if err != nil {
		return inc, doc, err
	}
	if !ok {
		return inc, doc, fmt.Errorf("incident %q: %w", id, store.ErrNotFound)
	}
	return inc, doc, nil
}

// Update applies u with the rules of the lifecycle; actor is recorded.
func (m *Manager) Update(ctx context.Context, id string, u Update, actor string) (store.Incident, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inc, doc, err := m.get(ctx, id)
	if err != nil {
		return inc, err
	}
	if inc.Status == StatusMerged {
		return inc, &ConflictError{Msg: "incident was merged into " + doc.MergedInto}
	}
	now := m.now().UTC()
	if u.Status != nil && *u.Status != inc.Status {
		if err := CheckTransition(inc.Status, *u.Status); err != nil {
			return inc, err
		}
		doc.addTimeline(TimelineEntry{Time: now, Kind: "status", Actor: actor, Text: inc.Status + " → " + *u.Status})
		inc.Status = *u.Status
		m.corr.SetClosed(id, Closed(inc.Status))
	}
	if u.Assignee != nil && *u.Assignee != inc.Assignee {
		if len(*u.Assignee) > 200 {
			return inc, &InvalidError{Msg: "assignee longer than 200 bytes"}
		}
		doc.addTimeline(TimelineEntry{Time: now, Kind: "assign", Actor: actor, Text: "assigned to " + quoteOr(*u.Assignee, "nobody")})
		inc.Assignee = *u.Assignee
	}
	if u.Severity != nil {
		sev, err := finding.ParseSeverity(*u.Severity)
		if err != nil {
			return inc, &InvalidError{Msg: "severity: " + err.Error()}
		}
		if sev != inc.Severity {
			doc.addTimeline(TimelineEntry{Time: now, Kind: "severity", Actor: actor, Text: string(inc.Severity) + " → " + string(sev)})
			inc.Severity, doc.SeverityManual = sev, true
			doc.SLADue = inc.Created.Add(SLA[sev])
		}
	}
	inc.Updated = now
	return inc, m.save(ctx, &inc, &doc)
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return fmt.Sprintf("%q", s)
}

// AddNote appends an analyst's note to the timeline.
func (m *Manager) AddNote(ctx context.Context, id, actor, text string) (store.Incident, error) {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > maxNote {
		return store.Incident{}, &InvalidError{Msg: fmt.Sprintf("note must have 1..%d bytes", maxNote)}
	}
	return m.record(ctx, id, TimelineEntry{Kind: "note", Actor: actor, Text: text})
}

// AddTimeline appends an entry (action, approval, note, status…) written by
// another component, e.g. the respond engine (contracts §6). A zero Time is
// set to now.
func (m *Manager) AddTimeline(ctx context.Context, incidentID string, e TimelineEntry) error {
	if e.Kind == "" || e.Text == "" {
		return &InvalidError{Msg: "timeline entry needs a kind and a text"}
	}
	_, err := m.record(ctx, incidentID, e)
	return err
}

// Record is AddTimeline with the fields spelled out; it satisfies the
// respond engine's IncidentLog interface (contracts §6) directly.
func (m *Manager) Record(ctx context.Context, incidentID, kind, actor, text, ref string) error {
	return m.AddTimeline(ctx, incidentID, TimelineEntry{Kind: kind, Actor: actor, Text: text, Ref: ref})
}

func (m *Manager) record(ctx context.Context, id string, e TimelineEntry) (store.Incident, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inc, doc, err := m.get(ctx, id)
	if err != nil {
		return inc, err
	}
	now := m.now().UTC()
	if e.Time.IsZero() {
		e.Time = now
	}
	doc.addTimeline(e)
	inc.Updated = now
	return inc, m.save(ctx, &inc, &doc)
}

// Tag adds a tag to an incident (e.g. prompt_injection from the AI analyst)
// with a timeline entry; adding a present tag changes nothing.
func (m *Manager) Tag(ctx context.Context, id, tag, actor, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	inc, doc, err := m.get(ctx, id)
	if err != nil {
		return err
	}
	if slices.Contains(doc.Tags, tag) {
		return nil
	}
	doc.Tags = addUnique(doc.Tags, tag)
	now := m.now().UTC()
	doc.addTimeline(TimelineEntry{Time: now, Kind: "flag", Actor: actor, Text: text, Ref: tag})
	inc.Updated = now
	return m.save(ctx, &inc, &doc)
}

// Merge merges the other incidents into id: their findings, entities and
// timelines move to id, and they end in status merged.
func (m *Manager) Merge(ctx context.Context, id string, others []string, actor string) (store.Incident, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inc, doc, err := m.get(ctx, id)
	if err != nil {
		return inc, err
	}
	if inc.Status == StatusMerged {
		return inc, &ConflictError{Msg: "incident was merged into " + doc.MergedInto}
	}
	if len(others) == 0 || len(others) > 100 {
		return inc, &InvalidError{Msg: "merge needs 1..100 other incident ids"}
	}
	var fs []finding.Finding
	for _, o := range others {
		if o == id {
			return inc, &InvalidError{Msg: "cannot merge an incident into itself"}
		}
		oinc, _, err := m.get(ctx, o)
		if err != nil {
			return inc, err
		}
		if oinc.Status == StatusMerged {
			return inc, &ConflictError{Msg: "incident " + o + " is already merged"}
		}
		for _, fid := range oinc.FindingIDs {
			if slices.Contains(inc.FindingIDs, fid) {
				continue
			}
			f, err := m.finding(ctx, fid, nil)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return inc, err
			}
			if err == nil {
				fs = append(fs, f)
			}
		}
	}
	for _, o := range others {
		if err := m.markMerged(ctx, o, id, actor, &doc); err != nil {
			return inc, err
		}
	}
	m.corr.Merge(id, others)
	fold(&inc, &doc, fs, m.corr.cfg.Kinds)
	inc.Updated = m.now().UTC()
	return inc, m.save(ctx, &inc, &doc)
}

// Split moves findingIDs out of incident id into a new incident (status
// new, id derived from the first moved finding) and returns the new one.
func (m *Manager) Split(ctx context.Context, id string, findingIDs []string, actor string) (store.Incident, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inc, doc, err := m.get(ctx, id)
	if err != nil {
		return inc, err
	}
	if inc.Status == StatusMerged {
		return inc, &ConflictError{Msg: "incident was merged into " + doc.MergedInto}
	}
	var moved, kept []string
	for _, fid := range inc.FindingIDs {
		if slices.Contains(findingIDs, fid) {
			moved = append(moved, fid)
		} else {
			kept = append(kept, fid)
		}
	}
	if len(moved) != len(slices.Compact(slices.Sorted(slices.Values(findingIDs)))) {
		return inc, &InvalidError{Msg: "split: every finding id must belong to the incident"}
	}
	if len(moved) == 0 || len(kept) == 0 {
		return inc, &InvalidError{Msg: "split must move at least one finding and keep at least one"}
	}
	newID := m.corr.Split(id, moved)
	if newID == "" {
		newID = IDFor("split\x00" + moved[0])
	}
	keptFs, err := m.findings(ctx, kept)
	if err != nil {
		return inc, err
	}
	movedFs, err := m.findings(ctx, moved)
	if err != nil {
		return inc, err
	}
	now := m.now().UTC()
	ninc := store.Incident{ID: newID, Status: StatusNew, Created: now, Updated: now}
	ndoc := Doc{SplitFrom: id}
	ndoc.addTimeline(TimelineEntry{Time: now, Kind: "split", Actor: actor, Text: "split from incident " + id, Ref: id})
	fold(&ninc, &ndoc, movedFs, m.corr.cfg.Kinds)
	kinc := inc
	kinc.FindingIDs, kinc.Entities, kinc.Severity, kinc.Title = nil, nil, "", ""
	kdoc := Doc{Timeline: withoutFindings(doc.Timeline, moved), Tags: doc.Tags, TimelineDrops: doc.TimelineDrops}
	fold(&kinc, &kdoc, keptFs, m.corr.cfg.Kinds)
	kdoc.Timeline = withoutFindings(doc.Timeline, moved) // fold re-added the kept ones
	kdoc.addTimeline(TimelineEntry{Time: now, Kind: "split", Actor: actor,
		Text: fmt.Sprintf("%d finding(s) split into incident %s", len(moved), newID), Ref: newID})
	kinc.Updated = now
	if err := m.save(ctx, &ninc, &ndoc); err != nil {
		return inc, err
	}
	return ninc, m.save(ctx, &kinc, &kdoc)
}

// withoutFindings drops the finding entries of ids and their event entries.
func withoutFindings(tl []TimelineEntry, ids []string) []TimelineEntry {
	return slices.DeleteFunc(slices.Clone(tl), func(e TimelineEntry) bool {
		return e.Kind == "finding" && slices.Contains(ids, e.Ref) ||
			e.Kind == "event" && slices.Contains(ids, strings.TrimPrefix(e.Text, "evidence of finding "))
	})
}

func (m *Manager) findings(ctx context.Context, ids []string) ([]finding.Finding, error) {
	out := make([]finding.Finding, 0, len(ids))
	for _, id := range ids {
		f, err := m.finding(ctx, id, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}
