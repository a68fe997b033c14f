package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
	"github.com/vigil-soc/vigil/internal/store/sqlite"
)

type hookCall struct {
	id    string
	added []string
}

func newManager(t *testing.T) (*Manager, *sqlite.Store, *[]hookCall) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/vigil.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := t0.Add(time.Hour)
	m := NewManager(st, Config{}, Options{Now: func() time.Time { return now }})
	var calls []hookCall
	m.OnChange(func(_ context.Context, inc store.Incident, added []finding.Finding) {
		var ids []string
		for _, f := range added {
			ids = append(ids, f.ID)
		}
		calls = append(calls, hookCall{inc.ID, ids})
	})
	return m, st, &calls
}

// ingest stores findings (as the detector worker does) then correlates them.
func ingest(t *testing.T, m *Manager, st store.Store, fs ...finding.Finding) {
	t.Helper()
	if _, err := st.PutFindings(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	if err := m.HandleFindings(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
}

func mustGet(t *testing.T, st store.Store, id string) (store.Incident, Doc) {
	t.Helper()
	inc, err := st.GetIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDoc(inc.Data)
	if err != nil {
		t.Fatal(err)
	}
	return inc, doc
}

func TestManagerPersistsAndReplayChangesNothing(t *testing.T) {
	m, st, calls := newManager(t)
	fs := []finding.Finding{
		fnd("l1", 0, finding.SeverityLow, event.Entities{User: "amy", Host: "ws-7"}),
		fnd("l2", time.Minute, finding.SeverityMedium, event.Entities{User: "amy"}),
		fnd("h1", 2*time.Minute, finding.SeverityHigh, event.Entities{Host: "ws-7", Patient: "pat-000001"}),
	}
	fs[2].Techniques = []string{"T1078"}
	ingest(t, m, st, fs[:2]...) // two batches: one hook call each
	ingest(t, m, st, fs[2:]...)
	id := IDFor("l2")
	inc, doc := mustGet(t, st, id)
	if !slices.Equal(inc.FindingIDs, []string{"l1", "l2", "h1"}) || inc.Severity != finding.SeverityHigh ||
		inc.Status != StatusNew {
		t.Fatalf("incident = %+v", inc)
	}
	if !slices.Equal(inc.Entities, []string{"host:ws-7", "patient:pat-000001", "user:amy"}) {
		t.Errorf("entities = %v", inc.Entities)
	}
	if doc.SLADue != inc.Created.Add(4*time.Hour) || doc.Risk != 105 || !slices.Equal(doc.Techniques, []string{"T1078"}) {
		t.Errorf("doc = %+v", doc)
	}
	if len(doc.Timeline) != 6 || doc.Timeline[4].Ref != "h1" || doc.Timeline[5].Kind != "event" || doc.Timeline[5].Ref != "ev-h1" {
		t.Errorf("timeline = %+v", doc.Timeline)
	}
	want := []hookCall{{id, []string{"l1", "l2"}}, {id, []string{"h1"}}}
	if !slices.EqualFunc(*calls, want, func(a, b hookCall) bool { return a.id == b.id && slices.Equal(a.added, b.added) }) {
		t.Errorf("hook calls = %+v, want %+v", *calls, want)
	}
	ingest(t, m, st, fs...) // replay
	again, _ := mustGet(t, st, id)
	if !again.Updated.Equal(inc.Updated) || len(*calls) != 2 || string(again.Data) != string(inc.Data) {
		t.Error("replaying the same findings changed the incident or ran hooks")
	}
}

func TestManagerLifecycle(t *testing.T) {
	m, st, _ := newManager(t)
	ingest(t, m, st, fnd("h1", 0, finding.SeverityHigh, user("bob")))
	id := IDFor("h1")
	ctx := context.Background()
	s := func(v string) *string { return &v }
	if _, err := m.Update(ctx, id, Update{Status: s(StatusResolved)}, "alice"); !isConflict(err) {
		t.Fatalf("new → resolved must be refused, got %v", err)
	}
	if _, err := m.Update(ctx, id, Update{Status: s("closed")}, "alice"); !isInvalid(err) {
		t.Fatalf("unknown status: %v", err)
	}
	inc, err := m.Update(ctx, id, Update{Status: s(StatusInvestigating), Assignee: s("alice"), Severity: s("critical")}, "alice")
	if err != nil || inc.Status != StatusInvestigating || inc.Assignee != "alice" || inc.Severity != finding.SeverityCritical {
		t.Fatalf("update: %+v %v", inc, err)
	}
	if _, err := m.AddNote(ctx, id, "alice", "called the user's manager"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddNote(ctx, id, "alice", "  "); !isInvalid(err) {
		t.Fatalf("empty note: %v", err)
	}
	if err := m.AddTimeline(ctx, id, TimelineEntry{Kind: "action", Actor: "respond", Text: "disabled account bob", Ref: "act-1"}); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{StatusContained, StatusResolved} {
		if _, err := m.Update(ctx, id, Update{Status: s(to)}, "alice"); err != nil {
			t.Fatal(to, err)
		}
	}
	// Resolved: a new finding about bob opens a new incident.
	ingest(t, m, st, fnd("h2", time.Minute, finding.SeverityHigh, user("bob")))
	if _, err := st.GetIncident(ctx, IDFor("h2")); err != nil {
		t.Fatalf("finding after resolution should open a new incident: %v", err)
	}
	_, doc := mustGet(t, st, id)
	var kinds []string
	for _, e := range doc.Timeline {
		kinds = append(kinds, e.Kind)
	}
	want := []string{"finding", "event", "status", "assign", "severity", "note", "action", "status", "status"}
	if !slices.Equal(kinds, want) {
		t.Errorf("timeline kinds = %v, want %v", kinds, want)
	}
	if doc.SLADue != t0.Add(2*time.Hour) { // created at now = t0+1h, critical SLA 1h
		t.Errorf("SLA due %v", doc.SLADue)
	}
	if _, err := m.Update(ctx, "inc-nope", Update{}, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown incident: %v", err)
	}
}

func isConflict(err error) bool {
	var c *ConflictError
	return errors.As(err, &c)
}

func isInvalid(err error) bool {
	var c *InvalidError
	return errors.As(err, &c)
}

func TestManagerMergeAndSplit(t *testing.T) {
	m, st, _ := newManager(t)
	ctx := context.Background()
	ingest(t, m, st,
		fnd("a1", 0, finding.SeverityHigh, user("u1")),
		fnd("a2", time.Minute, finding.SeverityLow, user("u1")),
		fnd("b1", 0, finding.SeverityHigh, user("u2")))
	ia, ib := IDFor("a1"), IDFor("b1")
	inc, err := m.Merge(ctx, ia, []string{ib}, "alice")
	if err != nil || !slices.Equal(inc.FindingIDs, []string{"a1", "a2", "b1"}) ||
		!slices.Equal(inc.Entities, []string{"user:u1", "user:u2"}) {
		t.Fatalf("merge: %+v %v", inc, err)
	}
	gone, gdoc := mustGet(t, st, ib)
	if gone.Status != StatusMerged || gdoc.MergedInto != ia {
		t.Errorf("merged-away incident: %s %+v", gone.Status, gdoc)
	}
	if _, err := m.Merge(ctx, ia, []string{ib}, "alice"); !isConflict(err) {
		t.Errorf("merging a merged incident again: %v", err)
	}
	// A later u2 finding joins the survivor.
	ingest(t, m, st, fnd("b2", 2*time.Minute, finding.SeverityLow, user("u2")))
	if got, _ := mustGet(t, st, ia); !slices.Contains(got.FindingIDs, "b2") {
		t.Errorf("b2 did not join the survivor: %v", got.FindingIDs)
	}
	if _, err := m.Split(ctx, ia, []string{"zz"}, "alice"); !isInvalid(err) {
		t.Errorf("split of a foreign finding: %v", err)
	}
	n, err := m.Split(ctx, ia, []string{"b1", "b2"}, "alice")
	if err != nil || !slices.Equal(n.FindingIDs, []string{"b1", "b2"}) || n.Severity != finding.SeverityHigh {
		t.Fatalf("split: %+v %v", n, err)
	}
	kept, kdoc := mustGet(t, st, ia)
	if !slices.Equal(kept.FindingIDs, []string{"a1", "a2"}) || !slices.Equal(kept.Entities, []string{"user:u1"}) {
		t.Errorf("kept incident: %+v", kept)
	}
	for _, e := range kdoc.Timeline {
		if (e.Kind == "finding" || e.Kind == "event") && (strings.HasSuffix(e.Ref, "b1") || strings.HasSuffix(e.Ref, "b2")) {
			t.Errorf("moved finding %s still on the kept timeline", e.Ref)
		}
	}
}

// failingStore fails incident writes while fail is set.
type failingStore struct {
	*sqlite.Store
	fail bool
}

func (f *failingStore) UpsertIncident(ctx context.Context, inc store.Incident) error {
	if f.fail {
		return errors.New("disk full")
	}
	return f.Store.UpsertIncident(ctx, inc)
}

func TestManagerRetriesAfterStoreError(t *testing.T) {
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/vigil.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs := &failingStore{Store: st, fail: true}
	m := NewManager(fs, Config{}, Options{})
	f := fnd("h1", 0, finding.SeverityHigh, user("bob"))
	if _, err := st.PutFindings(context.Background(), []finding.Finding{f}); err != nil {
		t.Fatal(err)
	}
	if err := m.HandleFindings(context.Background(), []finding.Finding{f}); err == nil {
		t.Fatal("store error not reported")
	}
	fs.fail = false
	if err := m.HandleFindings(context.Background(), []finding.Finding{f}); err != nil { // redelivery
		t.Fatal(err)
	}
	if _, err := st.GetIncident(context.Background(), IDFor("h1")); err != nil {
		t.Fatalf("incident lost after a store error: %v", err)
	}
}

// TestManagerClosedElsewhere: another process resolved the incident; a new
// finding the correlator would have added goes to a new incident instead.
func TestManagerClosedElsewhere(t *testing.T) {
	m, st, _ := newManager(t)
	ctx := context.Background()
	ingest(t, m, st, fnd("h1", 0, finding.SeverityHigh, user("bob")))
	id := IDFor("h1")
	other := NewManager(st, Config{}, Options{})
	s := StatusFalsePositive
	if _, err := other.Update(ctx, id, Update{Status: &s}, "alice"); err != nil {
		t.Fatal(err)
	}
	ingest(t, m, st, fnd("l2", time.Minute, finding.SeverityLow, user("bob")))
	closed, _ := mustGet(t, st, id)
	if !slices.Equal(closed.FindingIDs, []string{"h1"}) || closed.Status != StatusFalsePositive {
		t.Fatalf("closed incident changed: %+v", closed)
	}
	page, err := st.ListIncidents(ctx, store.IncidentQuery{Entity: "user:bob", Status: StatusNew})
	if err != nil || len(page.Incidents) != 1 || !slices.Equal(page.Incidents[0].FindingIDs, []string{"l2"}) {
		t.Fatalf("new incident for the later finding: %+v %v", page.Incidents, err)
	}
}

// TestManagerBridgeInOneBatch: two incidents opened and bridged in the same
// batch end as one stored incident; the loser is never stored open.
func TestManagerBridgeInOneBatch(t *testing.T) {
	m, st, calls := newManager(t)
	ingest(t, m, st,
		fnd("a", 0, finding.SeverityHigh, user("u1")),
		fnd("b", time.Minute, finding.SeverityHigh, user("u2")),
		fnd("x", 2*time.Minute, finding.SeverityLow, event.Entities{User: "u1", Email: "ceo@evil.test"}),
		fnd("y", 3*time.Minute, finding.SeverityLow, event.Entities{User: "u2", Email: "ceo@evil.test"}))
	inc, _ := mustGet(t, st, IDFor("a"))
	if !slices.Equal(inc.FindingIDs, []string{"a", "x", "b", "y"}) {
		t.Errorf("survivor findings = %v", inc.FindingIDs)
	}
	if loser, err := st.GetIncident(context.Background(), IDFor("b")); err == nil && loser.Status != StatusMerged {
		t.Errorf("loser stored open: %+v", loser)
	}
	if len(*calls) != 1 || len((*calls)[0].added) != 4 {
		t.Errorf("hook calls = %+v", *calls)
	}
}

// BenchmarkManager measures correlation with persistence: batches of 256
// findings into SQLite, about one incident per 20 findings.
func BenchmarkManager(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir()+"/vigil.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	fs := sequence(b.N)
	for i := 0; i < len(fs); i += 1000 {
		if _, err := st.PutFindings(ctx, fs[i:min(i+1000, len(fs))]); err != nil {
			b.Fatal(err)
		}
	}
	m := NewManager(st, Config{}, Options{})
	b.ResetTimer()
	for i := 0; i < len(fs); i += 256 {
		if err := m.HandleFindings(ctx, fs[i:min(i+256, len(fs))]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "findings/s")
}

func TestTimelineTrim(t *testing.T) {
	var d Doc
	d.addTimeline(TimelineEntry{Kind: "note", Text: "first note"})
	for i := range maxTimeline {
		d.addTimeline(TimelineEntry{Kind: []string{"finding", "event", "event"}[i%3], Ref: fmt.Sprint(i)})
	}
	d.addTimeline(TimelineEntry{Kind: "status", Text: "last"})
	d.trim()
	if len(d.Timeline) != maxTimeline || d.TimelineDrops != 2 || d.Timeline[0].Kind != "note" ||
		d.Timeline[len(d.Timeline)-1].Kind != "status" {
		t.Fatalf("trim: %d entries, %d dropped, first %+v", len(d.Timeline), d.TimelineDrops, d.Timeline[0])
	}
	if d.Timeline[1].Ref != "0" || d.Timeline[2].Ref != "3" { // events 1 and 2 went first
		t.Errorf("dropped the wrong entries: %+v %+v", d.Timeline[1], d.Timeline[2])
	}
}
