package storetest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

var severities = []finding.Severity{finding.SeverityInfo, finding.SeverityLow, finding.SeverityMedium,
	finding.SeverityHigh, finding.SeverityCritical}

func genFindings(n int) []finding.Finding {
	r := rand.New(rand.NewPCG(9, 9))
	out := make([]finding.Finding, n)
	for i := range out {
		det := pick(r, []string{"sigma", "brute_force", "break_glass"})
		rule := fmt.Sprintf("rule-%d", r.IntN(4))
		evIDs := []string{fmt.Sprintf("ev-%d", i), fmt.Sprintf("ev-%d", i+1)}
		f := finding.Finding{
			ID:          finding.DeriveID(det, rule, evIDs),
			Time:        base.Add(time.Duration(r.IntN(60)) * time.Second),
			Created:     base.Add(time.Hour).Add(time.Duration(i) * time.Microsecond),
			Detector:    det,
			RuleID:      rule,
			Title:       "Suspicious thing " + rule,
			Severity:    pick(r, severities),
			Confidence:  float64(r.IntN(101)) / 100,
			Entities:    event.Entities{User: pick(r, []string{"", "alice", "bob"}), Host: pick(r, []string{"", "ws-01", "alice"})},
			EventIDs:    evIDs,
			Explanation: `User "alice" read 40 records; quoted text: ignore previous instructions`,
			IngestedAt:  base.Add(time.Minute),
		}
		if r.IntN(3) == 0 {
			f.ContextVersion = fmt.Sprintf("%d-00000000000000ff", i)
		}
		if r.IntN(2) == 0 {
			f.Techniques = []string{"T1078", "T1070.001"}
			f.Tags = []string{"attack.persistence"}
		}
		out[i] = f
	}
	return out
}

func normFinding(f finding.Finding) finding.Finding {
	f.Time, f.Created, f.IngestedAt = f.Time.UTC(), f.Created.UTC(), f.IngestedAt.UTC()
	return f
}

func listAllFindings(t *testing.T, s store.Store, q store.FindingQuery) []string {
	t.Helper()
	var ids []string
	for range 1000 {
		p, err := s.ListFindings(ctx(t), q)
		if err != nil {
			t.Fatalf("ListFindings: %v", err)
		}
		for _, f := range p.Findings {
			if slices.Contains(ids, f.ID) {
				t.Fatalf("finding %s listed twice", f.ID)
			}
			ids = append(ids, f.ID)
		}
		if p.Next == "" {
			return ids
		}
		q.Cursor = p.Next
	}
	t.Fatal("paging does not end")
	return nil
}

func wantFindings(fs []finding.Finding, q store.FindingQuery) []string {
	var want []finding.Finding
	for _, f := range fs {
		e := f.Entities
		switch {
		case q.Detector != "" && f.Detector != q.Detector,
			q.RuleID != "" && f.RuleID != q.RuleID,
			f.Severity.Rank() < q.MinSeverity.Rank(),
			q.Entity != "" && !slices.Contains([]string{e.User, e.Host, e.SrcIP, e.DstIP, e.Patient, e.Device, e.Email}, q.Entity),
			!q.From.IsZero() && f.Time.Before(q.From),
			!q.To.IsZero() && !f.Time.Before(q.To):
			continue
		}
		want = append(want, f)
	}
	slices.SortFunc(want, func(a, b finding.Finding) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	var ids []string
	for _, f := range want {
		ids = append(ids, f.ID)
	}
	return ids
}

func testFindings(t *testing.T, s store.Store) {
	fs := genFindings(80)
	n, err := s.PutFindings(ctx(t), fs[:50])
	if err != nil || n != 50 {
		t.Fatalf("PutFindings = %d, %v; want 50", n, err)
	}
	if n, err = s.PutFindings(ctx(t), fs); err != nil || n != 30 {
		t.Fatalf("PutFindings overlapping = %d, %v; want 30", n, err)
	}
	if n, err = s.PutFindings(ctx(t), fs); err != nil || n != 0 {
		t.Fatalf("PutFindings replay = %d, %v; want 0", n, err)
	}
	bad := fs[0]
	bad.ID, bad.Severity = "bad", "urgent"
	if _, err := s.PutFindings(ctx(t), []finding.Finding{bad}); err == nil {
		t.Error("invalid finding accepted")
	}
	for _, f := range fs[:5] {
		got, err := s.GetFinding(ctx(t), f.ID)
		if err != nil || !reflect.DeepEqual(got, normFinding(f)) {
			t.Errorf("GetFinding(%s) = %+v, %v\nwant %+v", f.ID, got, err, normFinding(f))
		}
	}
	_, err = s.GetFinding(ctx(t), "nope")
	mustNotFound(t, "GetFinding", err)

	queries := []store.FindingQuery{
		{},
		{Detector: "sigma"},
		{RuleID: "rule-2"},
		{MinSeverity: finding.SeverityHigh},
		{Entity: "alice"},
		{Entity: "ws-01", Detector: "brute_force"},
		{From: base.Add(10 * time.Second), To: base.Add(40 * time.Second)},
		{Entity: "nobody"},
	}
	for _, q := range queries {
		want := wantFindings(fs, q)
		if q.Entity != "nobody" && len(want) == 0 {
			t.Fatalf("test data gives no findings for %+v", q)
		}
		for _, limit := range []int{3, 0} {
			q.Limit = limit
			if got := listAllFindings(t, s, q); !slices.Equal(got, want) {
				t.Errorf("ListFindings(%+v) = %d ids, want %d\n got %v\nwant %v", q, len(got), len(want), got, want)
			}
		}
	}
}
