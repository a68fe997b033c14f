package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
)

// featureEvents are hand-made events for testSearchFeatures.
func featureEvents() []*event.Event {
	mk := func(id string, sec int, user string, kv ...string) *event.Event {
		ev := &event.Event{ID: id, Time: base.Add(time.Duration(sec) * time.Second), Entities: event.Entities{User: user}}
		if len(kv) > 1 && kv[0] == event.FieldHost { // entity fields come from the entities
			ev.Entities.Host, kv = kv[1], kv[2:]
		}
		for i := 0; i+1 < len(kv); i += 2 {
			ev.Add(kv[i], kv[i+1], event.KindString)
		}
		ev.SetEntityFields()
		return ev
	}
	return []*event.Event{
		mk("e1", 1, "Alice", "host.name", "WS-01", "cmd", "net user /add", "tags", "a", "tags", "b"),
		mk("e2", 2, "bob", "host.name", "ws-02", "cmd", "100% sure", "weird\"key", "v"),
		mk("e3", 3, "", "cmd", "1000 sure", "x.y", "under_score"),
		mk("e4", 4, "al_ce", "cmd", `C:\temp\x`, "empty", ""),
		mk("e5", 5, "alice", "cmd", "star*lit"),
	}
}

func testSearchFeatures(t *testing.T, s store.Store) {
	insert(t, s, featureEvents())
	tests := []struct {
		q    string
		want []string // newest first
	}{
		{"", []string{"e5", "e4", "e3", "e2", "e1"}},
		{"user.name:alice", []string{"e5", "e1"}},         // entity column, case-insensitive
		{"user.name:al_ce", []string{"e4"}},               // _ is not a wildcard
		{"user.name:al*ce", []string{"e5", "e4", "e1"}},   // * is
		{"user.name:*", []string{"e5", "e4", "e2", "e1"}}, // exists
		{"NOT user.name:*", []string{"e3"}},
		{"NOT user.name:alice", []string{"e4", "e3", "e2"}}, // missing field counts as not matching
		{"host.name:WS-*", []string{"e2", "e1"}},
		{`cmd:"100% sure"`, []string{"e2"}}, // % is literal
		{`cmd:"100%*"`, []string{"e2"}},
		{`cmd:*0*`, []string{"e3", "e2"}},
		{`cmd:"C:\\temp\\x"`, []string{"e4"}}, // backslashes are literal
		{`cmd:C:\\temp*`, []string{"e4"}},
		{`cmd:star\*lit`, []string{"e5"}}, // literal star
		{`cmd:star\**`, []string{"e5"}},
		{"tags:b", []string{"e1"}}, // any value of a repeated key
		{"NOT tags:b", []string{"e5", "e4", "e3", "e2"}},
		{"tags:*", []string{"e1"}},
		{`"weird\"key":V`, []string{"e2"}}, // key with a quote
		{`"weird\"key":*`, []string{"e2"}},
		{"x.y:under_score", []string{"e3"}},
		{"x.y:under?score", nil},
		{`empty:""`, []string{"e4"}},
		{"empty:*", []string{"e4"}},
		{"UNDER_SCORE", []string{"e3"}}, // bare word, any field
		{"*sure", []string{"e3", "e2"}},
		{"-*sure", []string{"e5", "e4", "e1"}},
		{"alice cmd:star*", []string{"e5"}},
		{"nothing:here", nil},
		{"NOT nothing:here", []string{"e5", "e4", "e3", "e2", "e1"}},
		{`cmd:"'; DROP TABLE events; --"`, nil},
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		got := searchAll(t, s, store.EventQuery{Filter: q})
		if !slices.Equal(got, tt.want) {
			t.Errorf("search %q = %v, want %v", tt.q, got, tt.want)
		}
		if ref := reference(featureEvents(), q, time.Time{}, time.Time{}); !slices.Equal(ref, tt.want) {
			t.Errorf("reference MatchEvent %q = %v, want %v", tt.q, ref, tt.want)
		}
	}
	if n, err := s.CountEvents(ctx(t), store.EventQuery{}); err != nil || n != 5 {
		t.Errorf("table damaged? count = %d, %v", n, err)
	}
}

func testTimeRangePaging(t *testing.T, s store.Store) {
	evs := corpus(4, 250)
	insert(t, s, evs)
	filters := []string{"", "NOT user.name:bob", "tags:*", "host.name:ws-0*"}
	ranges := [][2]time.Time{
		{},
		{base.Add(50 * time.Second), time.Time{}},
		{time.Time{}, base.Add(120 * time.Second)},
		{base.Add(30 * time.Second), base.Add(31 * time.Second)}, // a single tick: From inclusive, To exclusive
		{base.Add(77 * time.Second), base.Add(150 * time.Second)},
	}
	for _, f := range filters {
		q, err := query.Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ranges {
			want := reference(evs, q, r[0], r[1])
			for _, limit := range []int{1, 7, 0} {
				got := searchAll(t, s, store.EventQuery{Filter: q, From: r[0], To: r[1], Limit: limit})
				if !slices.Equal(got, want) {
					t.Errorf("q=%q from=%v to=%v limit=%d: got %d ids, want %d", f, r[0], r[1], limit, len(got), len(want))
				}
			}
			n, err := s.CountEvents(ctx(t), store.EventQuery{Filter: q, From: r[0], To: r[1], Limit: 1, Cursor: "ignored"})
			if err != nil || n != int64(len(want)) {
				t.Errorf("CountEvents q=%q range=%v = %d, %v; want %d", f, r, n, err, len(want))
			}
		}
	}
	// A default-limit page is DefaultLimit long.
	p, err := s.SearchEvents(ctx(t), store.EventQuery{})
	if err != nil || len(p.Events) != store.DefaultLimit || p.Next == "" {
		t.Errorf("default page: %d events, next %q, %v", len(p.Events), p.Next, err)
	}
}

func testBadCursor(t *testing.T, s store.Store) {
	insert(t, s, corpus(5, 10))
	for _, c := range []string{"!!!", "AA"} {
		if _, err := s.SearchEvents(ctx(t), store.EventQuery{Cursor: c}); err == nil {
			t.Errorf("cursor %q accepted", c)
		}
	}
	if _, err := s.SearchEvents(ctx(t), store.EventQuery{Limit: -1}); err == nil {
		t.Error("negative limit accepted")
	}
	p, err := s.SearchEvents(ctx(t), store.EventQuery{Limit: store.MaxLimit + 5})
	if err != nil || len(p.Events) != 10 || p.Next != "" {
		t.Errorf("limit above max: %d events, next %q, %v", len(p.Events), p.Next, err)
	}
}

func testRetention(t *testing.T, s store.Store) {
	evs := corpus(6, 200)
	insert(t, s, evs)
	cut := base.Add(100 * time.Second)
	want := int64(len(reference(evs, query.Query{}, time.Time{}, cut)))
	n, err := s.DeleteEventsBefore(ctx(t), cut)
	if err != nil || n != want || want == 0 {
		t.Fatalf("DeleteEventsBefore = %d, %v; want %d", n, err, want)
	}
	left := searchAll(t, s, store.EventQuery{Limit: store.MaxLimit})
	if wantLeft := reference(evs, query.Query{}, cut, time.Time{}); !slices.Equal(left, wantLeft) {
		t.Errorf("after retention %d events left, want %d", len(left), len(wantLeft))
	}
	if n, err := s.DeleteEventsBefore(ctx(t), cut); err != nil || n != 0 {
		t.Errorf("second delete = %d, %v; want 0", n, err)
	}
}
