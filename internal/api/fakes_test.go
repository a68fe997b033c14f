package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// memStore is an in-memory store.Store for the API tests.
type memStore struct {
	mu        sync.Mutex
	events    map[string]*event.Event
	findings  []finding.Finding
	incidents []store.Incident
	tokens    []store.Token
	audit     []store.AuditRecord

	store.Responses // memResponses (respond_test.go)
}

var _ store.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{events: map[string]*event.Event{}, Responses: &memResponses{}}
}

func (m *memStore) InsertEvents(_ context.Context, evs []*event.Event) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, ev := range evs {
		if _, ok := m.events[ev.ID]; !ok {
			m.events[ev.ID] = ev
			n++
		}
	}
	return n, nil
}

func (m *memStore) GetEvent(_ context.Context, id string) (*event.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ev, ok := m.events[id]; ok {
		return ev, nil
	}
	return nil, fmt.Errorf("event %s: %w", id, store.ErrNotFound)
}

func (m *memStore) match(q store.EventQuery) []*event.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*event.Event
	for _, ev := range m.events {
		if (!q.From.IsZero() && ev.Time.Before(q.From)) || (!q.To.IsZero() && !ev.Time.Before(q.To)) {
			continue
		}
		if q.Filter.MatchEvent(ev) {
			out = append(out, ev)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out
}

func (m *memStore) SearchEvents(_ context.Context, q store.EventQuery) (store.EventPage, error) {
	out := m.match(q)
	lim := q.Limit
	if lim == 0 {
		lim = store.DefaultLimit
	}
	next := ""
	if len(out) > lim {
		out, next = out[:lim], "more"
	}
	return store.EventPage{Events: out, Next: next}, nil
}

func (m *memStore) CountEvents(_ context.Context, q store.EventQuery) (int64, error) {
	return int64(len(m.match(q))), nil
}

func (m *memStore) DeleteEventsBefore(context.Context, time.Time) (int64, error) { return 0, nil }

func (m *memStore) PutFindings(_ context.Context, fs []finding.Finding) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.findings = append(m.findings, fs...)
	return len(fs), nil
}

func (m *memStore) GetFinding(_ context.Context, id string) (finding.Finding, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range m.findings {
		if f.ID == id {
			return f, nil
		}
	}
	return finding.Finding{}, store.ErrNotFound
}

func (m *memStore) ListFindings(_ context.Context, q store.FindingQuery) (store.FindingPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []finding.Finding
	for _, f := range m.findings {
		if q.Detector == "" || f.Detector == q.Detector {
			out = append(out, f)
		}
	}
	return store.FindingPage{Findings: out}, nil
}

func (m *memStore) UpsertIncident(_ context.Context, inc store.Incident) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.incidents = append(m.incidents, inc)
	return nil
}

func (m *memStore) GetIncident(_ context.Context, id string) (store.Incident, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, inc := range m.incidents {
		if inc.ID == id {
			return inc, nil
		}
	}
	return store.Incident{}, store.ErrNotFound
}

func (m *memStore) ListIncidents(context.Context, store.IncidentQuery) (store.IncidentPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return store.IncidentPage{Incidents: append([]store.Incident(nil), m.incidents...)}, nil
}

func (m *memStore) CreateToken(_ context.Context, t store.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = append(m.tokens, t)
	return nil
}

func (m *memStore) TokenByHash(_ context.Context, h []byte) (store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if bytes.Equal(t.Hash, h) {
			return t, nil
		}
	}
	return store.Token{}, store.ErrNotFound
}

func (m *memStore) ListTokens(context.Context) ([]store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.Token(nil), m.tokens...), nil
}

func (m *memStore) RevokeToken(_ context.Context, idOrName string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.tokens {
		if m.tokens[i].ID == idOrName || m.tokens[i].Name == idOrName {
			m.tokens[i].Revoked = &at
			return nil
		}
	}
	return store.ErrNotFound
}

func (m *memStore) TouchToken(context.Context, string, time.Time) error { return nil }

func (m *memStore) AppendAudit(_ context.Context, rec store.AuditRecord, seal func(*store.AuditRecord)) (store.AuditRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec.Seq = int64(len(m.audit) + 1)
	rec.PrevHash = "0000000000000000000000000000000000000000000000000000000000000000"
	if len(m.audit) > 0 {
		rec.PrevHash = m.audit[len(m.audit)-1].Hash
	}
	seal(&rec)
	m.audit = append(m.audit, rec)
	return rec, nil
}

func (m *memStore) ListAudit(_ context.Context, after int64, limit int) ([]store.AuditRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.AuditRecord
	for _, r := range m.audit {
		if r.Seq > after && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) auditRecords() []store.AuditRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.AuditRecord(nil), m.audit...)
}

func (m *memStore) Ping(context.Context) error { return nil }
func (m *memStore) Close() error               { return nil }

// fakePublisher records published batches; block (if set) is waited on
// before returning, err (if set) is returned.
type fakePublisher struct {
	mu      sync.Mutex
	batches [][]*event.Event
	block   chan struct{}
	entered chan struct{}
	err     error
}

func (p *fakePublisher) Publish(ctx context.Context, evs []*event.Event) (int, error) {
	if p.entered != nil {
		p.entered <- struct{}{}
	}
	if p.block != nil {
		select {
		case <-p.block:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return 0, p.err
	}
	p.batches = append(p.batches, append([]*event.Event(nil), evs...))
	return 0, nil
}

func (p *fakePublisher) all() []*event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*event.Event
	for _, b := range p.batches {
		out = append(out, b...)
	}
	return out
}

// fakeDLQ is an in-memory dead-letter queue.
type fakeDLQ struct {
	mu  sync.Mutex
	seq uint64
	dls []DeadLetter
}

func (q *fakeDLQ) PublishDLQ(_ context.Context, dl DeadLetter) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	dl.Seq = q.seq
	q.dls = append(q.dls, dl)
	return nil
}

func (q *fakeDLQ) ListDLQ(_ context.Context, after uint64, limit int) ([]DeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []DeadLetter
	for _, dl := range q.dls {
		if dl.Seq > after && len(out) < limit {
			out = append(out, dl)
		}
	}
	return out, nil
}

func (q *fakeDLQ) DeleteDLQ(_ context.Context, seq uint64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, dl := range q.dls {
		if dl.Seq == seq {
			q.dls = append(q.dls[:i], q.dls[i+1:]...)
			return nil
		}
	}
	return errors.New("no such letter")
}

func (q *fakeDLQ) list() []DeadLetter {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]DeadLetter(nil), q.dls...)
}

// fakeDecoder decodes flat JSON objects (string values only; a "fail" key
// is a decode error) and lines starting with "<" as syslog.
type fakeDecoder struct{}

func (fakeDecoder) Decode(format event.Format, raw []byte, ev *event.Event) error {
	if len(raw) > 0 && raw[0] == '<' && (format == event.FormatAuto || format == event.FormatSyslog) {
		ev.Format = event.FormatSyslog
		ev.Add("message", string(raw), event.KindString)
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	if _, bad := m["fail"]; bad {
		return errors.New(`field "fail": refused`)
	}
	ev.Format = event.FormatJSON
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s, ok := m[k].(string); ok {
			ev.Add(k, s, event.KindString)
		}
	}
	ev.ID, _ = ev.Get("id")
	ev.Entities.User, _ = ev.Get(event.FieldUser)
	ev.Entities.Patient, _ = ev.Get(event.FieldPatient)
	if ts, ok := ev.Get(event.FieldTimestamp); ok {
		ev.Time, _ = time.Parse(time.RFC3339, ts)
	}
	return nil
}
