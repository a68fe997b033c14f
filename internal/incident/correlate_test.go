package incident

import (
	"fmt"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func fnd(id string, at time.Duration, sev finding.Severity, ents event.Entities) finding.Finding {
	return finding.Finding{ID: id, Time: t0.Add(at), Detector: "test", RuleID: "test." + string(sev),
		Title: "test finding " + id, Severity: sev, Confidence: 1, Entities: ents, EventIDs: []string{"ev-" + id}}
}

func user(u string) event.Entities { return event.Entities{User: u} }

func TestHighFindingOpensIncident(t *testing.T) {
	c := NewCorrelator(Config{})
	f := fnd("f1", 0, finding.SeverityHigh, user("jdoe42"))
	ch := c.Add(&f)
	if ch == nil || !ch.Created || ch.IncidentID != IDFor("f1") || !slices.Equal(ch.Added, []string{"f1"}) {
		t.Fatalf("change = %+v", ch)
	}
	if got := c.IncidentEntities(ch.IncidentID); !slices.Equal(got, []string{"user:jdoe42"}) {
		t.Errorf("entities = %v", got)
	}
}

func TestLowFindingsAccumulateUntilThreshold(t *testing.T) {
	c := NewCorrelator(Config{})
	// 9 per low finding of confidence 0.6; threshold 25: the third within
	// minutes crosses.
	var chs []*Change
	for i := range 3 {
		f := fnd(fmt.Sprintf("l%d", i), time.Duration(i)*time.Minute, finding.SeverityLow, user("amy"))
		f.Confidence = 0.6
		chs = append(chs, c.Add(&f))
	}
	if chs[0] != nil || chs[1] != nil {
		t.Fatalf("opened too early: %+v %+v", chs[0], chs[1])
	}
	if chs[2] == nil || !chs[2].Created || !slices.Equal(chs[2].Added, []string{"l0", "l1", "l2"}) {
		t.Fatalf("third low finding: %+v", chs[2])
	}
}

func TestRiskDecays(t *testing.T) {
	c := NewCorrelator(Config{HalfLife: time.Hour, Window: 48 * time.Hour})
	// Three lows 5 h apart: each earlier one has decayed to 1/32.
	for i := range 3 {
		f := fnd(fmt.Sprintf("l%d", i), time.Duration(i)*5*time.Hour, finding.SeverityLow, user("amy"))
		if ch := c.Add(&f); ch != nil {
			t.Fatalf("finding %d opened %+v despite decay", i, ch)
		}
	}
}

func TestCriticalOpensAlone(t *testing.T) {
	c := NewCorrelator(Config{})
	f := fnd("c1", 0, finding.SeverityCritical, event.Entities{})
	f.Confidence = 0.1
	if ch := c.Add(&f); ch == nil || !ch.Created {
		t.Fatalf("critical finding did not open an incident: %+v", ch)
	}
}

func TestJoinWithinWindowOnly(t *testing.T) {
	c := NewCorrelator(Config{Window: time.Hour})
	a := fnd("a", 0, finding.SeverityHigh, event.Entities{User: "bob", Host: "ws-1"})
	id := c.Add(&a).IncidentID
	b := fnd("b", 50*time.Minute, finding.SeverityLow, event.Entities{Host: "WS-1"})
	if ch := c.Add(&b); ch == nil || ch.IncidentID != id || ch.Created {
		t.Fatalf("b should join %s: %+v", id, ch)
	}
	// Window counts from the last evidence naming the key (ws-1 at 50 min):
	// 1 h 40 min is inside.
	d := fnd("d", 100*time.Minute, finding.SeverityInfo, event.Entities{Host: "ws-1"})
	if ch := c.Add(&d); ch == nil || ch.IncidentID != id {
		t.Fatalf("d should join: %+v", ch)
	}
	// bob was last named at 0: at 1 h 30 min he no longer joins, although
	// the incident itself had evidence 40 min before.
	g := fnd("g", 90*time.Minute, finding.SeverityHigh, user("bob"))
	if ch := c.Add(&g); ch == nil || ch.IncidentID == id || !ch.Created {
		t.Fatalf("g names a key the incident last saw 90 min ago and should open its own incident: %+v", ch)
	}
	e := fnd("e", 5*time.Hour, finding.SeverityHigh, event.Entities{Host: "ws-1"})
	if ch := c.Add(&e); ch == nil || ch.IncidentID == id || !ch.Created {
		t.Fatalf("e is outside the window and should open its own incident: %+v", ch)
	}
}

func TestBridgeMergesIntoOlder(t *testing.T) {
	c := NewCorrelator(Config{})
	a := fnd("a", 0, finding.SeverityHigh, user("u1"))
	b := fnd("b", time.Minute, finding.SeverityHigh, user("u2"))
	ia, ib := c.Add(&a).IncidentID, c.Add(&b).IncidentID
	bridge := fnd("x", 2*time.Minute, finding.SeverityMedium, event.Entities{User: "u2", Host: "h", SrcIP: "10.0.0.9"})
	bridge.Entities = event.Entities{User: "u1", SrcIP: "10.0.0.9"}
	x := fnd("y", 3*time.Minute, finding.SeverityLow, event.Entities{User: "u2"})
	_ = c.Add(&bridge) // joins ia by user u1, adds ip
	ipb := fnd("z", 4*time.Minute, finding.SeverityLow, event.Entities{User: "u2", SrcIP: "10.0.0.9"})
	ch := c.Add(&ipb)
	if ch == nil || ch.IncidentID != ia || !slices.Equal(ch.MergedFrom, []string{ib}) {
		t.Fatalf("bridge: %+v (ia=%s ib=%s)", ch, ia, ib)
	}
	if ch := c.Add(&x); ch == nil || ch.IncidentID != ia {
		t.Fatalf("after the merge u2's findings join the survivor: %+v", ch)
	}
	if got := c.Members(ia); !slices.Equal(got, []string{"a", "x", "b", "z", "y"}) {
		t.Errorf("members = %v", got)
	}
}

// sequence is a mixed stream of findings over a few entities.
func sequence(n int) []finding.Finding {
	sevs := []finding.Severity{finding.SeverityLow, finding.SeverityMedium, finding.SeverityInfo, finding.SeverityHigh, finding.SeverityLow}
	out := make([]finding.Finding, n)
	for i := range out {
		ents := event.Entities{User: fmt.Sprintf("user%d", i%37)}
		if i%5 == 0 {
			ents.Host = fmt.Sprintf("ws-%d", i%11)
		}
		if i%13 == 0 {
			ents.Patient = fmt.Sprintf("pat-%06d", i%7)
		}
		out[i] = fnd(fmt.Sprintf("f%05d", i), time.Duration(i*7%5000)*time.Minute, sevs[i%len(sevs)], ents)
	}
	return out
}

func runAll(c *Correlator, fs []finding.Finding) []Change {
	var out []Change
	for i := range fs {
		if ch := c.Add(&fs[i]); ch != nil {
			out = append(out, *ch)
		}
	}
	return out
}

func TestDeterministicAndIdempotent(t *testing.T) {
	fs := sequence(3000)
	a, b := NewCorrelator(Config{}), NewCorrelator(Config{})
	ca, cb := runAll(a, fs), runAll(b, fs)
	if len(ca) == 0 || !reflect.DeepEqual(ca, cb) {
		t.Fatalf("two runs differ (%d vs %d changes)", len(ca), len(cb))
	}
	before, _ := a.Snapshot()
	if again := runAll(a, fs); len(again) != 0 {
		t.Fatalf("replay changed %d incidents, first %+v", len(again), again[0])
	}
	after, _ := a.Snapshot()
	sa, sb := decodeSnap(t, before), decodeSnap(t, after)
	sa.Seen, sb.Seen, sa.Processed, sb.Processed = nil, nil, 0, 0
	if !reflect.DeepEqual(sa, sb) {
		t.Error("replay changed the correlation state")
	}
}

func decodeSnap(t *testing.T, data []byte) snapshot {
	t.Helper()
	c := NewCorrelator(Config{})
	if err := c.Restore(data); err != nil {
		t.Fatal(err)
	}
	s := snapshot{Seq: c.seq, Watermark: c.watermark, Ents: c.ents, Seen: c.seenRing}
	ids := make([]string, 0, len(c.incs))
	for id := range c.incs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		s.Incs = append(s.Incs, c.incs[id])
	}
	return s
}

func TestSnapshotRestoreResumes(t *testing.T) {
	fs := sequence(2000)
	whole := NewCorrelator(Config{})
	want := runAll(whole, fs)
	first := NewCorrelator(Config{})
	got := runAll(first, fs[:900])
	data, err := first.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	second := NewCorrelator(Config{})
	if err := second.Restore(data); err != nil {
		t.Fatal(err)
	}
	got = append(got, runAll(second, fs[:1200])...) // redelivered overlap is skipped
	got = append(got, runAll(second, fs[1200:])...)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("resumed run differs: %d vs %d changes", len(got), len(want))
	}
}

func TestSplitAndClosed(t *testing.T) {
	c := NewCorrelator(Config{})
	a := fnd("a", 0, finding.SeverityHigh, event.Entities{User: "u1", Host: "h1"})
	id := c.Add(&a).IncidentID
	b := fnd("b", time.Minute, finding.SeverityLow, event.Entities{Host: "h1", User: "u9"})
	c.Add(&b)
	nid := c.Split(id, []string{"b"})
	if nid == "" || !slices.Equal(c.Members(id), []string{"a"}) || !slices.Equal(c.Members(nid), []string{"b"}) {
		t.Fatalf("split: %q %v %v", nid, c.Members(id), c.Members(nid))
	}
	c.SetClosed(id, true)
	d := fnd("d", 2*time.Minute, finding.SeverityLow, user("u1"))
	if ch := c.Add(&d); ch != nil && ch.IncidentID == id {
		t.Fatalf("a closed incident took a finding: %+v", ch)
	}
	if c.Split(id, []string{"a"}) != "" {
		t.Error("split of every finding must be refused")
	}
}

func BenchmarkCorrelate(b *testing.B) {
	b.Run("findings-only", func(b *testing.B) { benchCorrelate(b, Config{}) })
	// with a telemetry-fed tracker that knows half the hosts as shared
	b.Run("shared-tracker", func(b *testing.B) {
		s := NewSharedTracker(3, DefaultWindow)
		for h := range 40 {
			if h%2 == 0 {
				for u := range 5 {
					obs(s, 0, event.Entities{User: fmt.Sprintf("u%d", u), Host: fmt.Sprintf("ws-%d", h)})
				}
			}
		}
		benchCorrelate(b, Config{Shared: s})
	})
}

func benchCorrelate(b *testing.B, cfg Config) {
	fs := sequence(100000)
	c := NewCorrelator(cfg)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		j := i % len(fs)
		if j == 0 && i > 0 {
			b.StopTimer()
			c = NewCorrelator(cfg)
			b.StartTimer()
		}
		c.Add(&fs[j])
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "findings/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "cpu-findings/s")
}

// cpuTime is the process's user+system CPU time: on a shared machine it
// measures the work, where wall time also counts waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestSplitHalvesStayApart(t *testing.T) {
	c := NewCorrelator(Config{})
	a := fnd("a", 0, finding.SeverityHigh, event.Entities{User: "u1", Host: "h1"})
	id := c.Add(&a).IncidentID
	b := fnd("b", time.Minute, finding.SeverityLow, event.Entities{Host: "h1", User: "u2"})
	c.Add(&b)
	nid := c.Split(id, []string{"b"})
	// u1 is only in the first half, u2 only in the split-off one.
	x := fnd("x", 2*time.Minute, finding.SeverityLow, event.Entities{User: "u1", Email: "e@x"})
	c.Add(&x)
	y := fnd("y", 3*time.Minute, finding.SeverityLow, event.Entities{User: "u2", Email: "e@x"})
	ch := c.Add(&y)
	if ch == nil || ch.IncidentID != id || len(ch.MergedFrom) != 0 {
		t.Fatalf("bridge after a split: %+v (halves %s, %s)", ch, id, nid)
	}
	if len(c.Members(nid)) != 1 {
		t.Errorf("split-off incident changed: %v", c.Members(nid))
	}
	data, _ := c.Snapshot()
	r := NewCorrelator(Config{})
	if err := r.Restore(data); err != nil || len(r.incs[nid].Apart) != 1 {
		t.Errorf("apart not kept in the snapshot: %v", err)
	}
}

func FuzzRestore(f *testing.F) {
	c := NewCorrelator(Config{})
	for _, fd := range sequence(50) {
		c.Add(&fd)
	}
	snap, _ := c.Snapshot()
	f.Add(snap)
	f.Add([]byte(`{"incs":[null]}`))
	f.Add([]byte(`{"incs":[{"id":"x","members":[{"id":"m","keys":null}]}],"seen":["a","a"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewCorrelator(Config{MaxSeen: 16})
		if err := r.Restore(data); err != nil {
			return
		}
		x := fnd("fuzz", 0, finding.SeverityCritical, user("z"))
		r.Add(&x)
		if _, err := r.Snapshot(); err != nil {
			t.Fatal(err)
		}
	})
}

// A host every user's findings carry (the EHR system that writes the audit
// log) joins at most HubUsers users; after that each user's findings open
// their own incident.
func TestSharedInfrastructureDoesNotJoinEveryone(t *testing.T) {
	c := NewCorrelator(Config{})
	incs := map[string]bool{}
	for i := range 8 {
		f := fnd(fmt.Sprintf("h%d", i), time.Duration(i)*time.Minute, finding.SeverityHigh,
			event.Entities{User: fmt.Sprintf("u%d", i), Host: "epic hyperspace ehr"})
		if ch := c.Add(&f); ch != nil {
			incs[ch.IncidentID] = true
		}
	}
	// u0..u2 meet through the host (still below the hub bound when they
	// arrive); u3 makes it a hub; u4..u7 open incidents of their own.
	if len(incs) != 6 {
		t.Fatalf("%d incidents, want 6: %v", len(incs), incs)
	}
	// The hub survives a snapshot.
	data, err := c.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r := NewCorrelator(Config{})
	if err := r.Restore(data); err != nil {
		t.Fatal(err)
	}
	f := fnd("h9", 9*time.Minute, finding.SeverityHigh, event.Entities{User: "u9", Host: "epic hyperspace ehr"})
	if ch := r.Add(&f); ch == nil || !ch.Created {
		t.Fatalf("after restore, a new user's finding joined through the hub: %+v", ch)
	}
}
