package storetest

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/event"
	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
)

func insert(t *testing.T, s store.Store, evs []*event.Event) int {
	t.Helper()
	n, err := s.InsertEvents(ctx(t), evs)
	if err != nil {
		t.Fatalf("InsertEvents: %v", err)
	}
	return n
}

func testInsertIdempotent(t *testing.T, s store.Store) {
	evs := corpus(1, 120)
	if n := insert(t, s, evs[:80]); n != 80 {
		t.Fatalf("first insert: %d new, want 80", n)
	}
	// 40 old, 40 new, and one new event twice in the same batch.
	batch := append(slices.Clone(evs[40:120]), evs[100])
	if n := insert(t, s, batch); n != 40 {
		t.Fatalf("overlapping insert: %d new, want 40", n)
	}
	if n := insert(t, s, evs); n != 0 {
		t.Fatalf("replay: %d new, want 0", n)
	}
	if n := insert(t, s, nil); n != 0 {
		t.Fatalf("empty batch: %d new", n)
	}
	// An event already stored is left untouched, even if the copy differs.
	changed := *evs[0]
	changed.Fields = []event.Field{{Key: "x", Value: "changed"}}
	if n := insert(t, s, []*event.Event{&changed}); n != 0 {
		t.Fatalf("changed copy: %d new, want 0", n)
	}
	got, err := s.GetEvent(ctx(t), evs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Fields, canonical(evs[0]).Fields) {
		t.Errorf("stored event was overwritten: %v", got.Fields)
	}
	n, err := s.CountEvents(ctx(t), store.EventQuery{})
	if err != nil || n != 120 {
		t.Fatalf("CountEvents = %d, %v; want 120", n, err)
	}
}

func testGetEvent(t *testing.T, s store.Store) {
	evs := corpus(2, 40)
	extra := &event.Event{
		ID:     "with repeats",
		Time:   time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("X", 3600)),
		Format: event.FormatJSON,
		Fields: []event.Field{{Key: "z", Value: "1", Kind: event.KindNumber}, {Key: "k", Value: "b"},
			{Key: "k", Value: "a"}, {Key: "k", Value: "b"}, {Key: "e", Value: ""}, {Key: `q"\`, Value: "ünï\ncode"}},
		Raw: []byte{0, 1, 2, 0xff, '\n'},
	}
	evs = append(evs, extra)
	insert(t, s, evs)
	for _, ev := range evs {
		got, err := s.GetEvent(ctx(t), ev.ID)
		if err != nil {
			t.Fatalf("GetEvent(%s): %v", ev.ID, err)
		}
		want := canonical(ev)
		if len(got.Raw) == 0 {
			got.Raw = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("GetEvent(%s) =\n %+v\nwant\n %+v", ev.ID, got, want)
		}
	}
	if !extraOK(t, s, extra) {
		return
	}
	_, err := s.GetEvent(ctx(t), "no such id")
	mustNotFound(t, "GetEvent", err)
}

func extraOK(t *testing.T, s store.Store, ev *event.Event) bool {
	got, err := s.GetEvent(ctx(t), ev.ID)
	if err != nil {
		t.Error(err)
		return false
	}
	if vs := got.Values(nil, "k"); !slices.Equal(vs, []string{"b", "a", "b"}) {
		t.Errorf("repeated key order: %v", vs)
	}
	if !got.Time.Equal(ev.Time) || got.Time.Nanosecond() != 123456789 {
		t.Errorf("time %v, want %v (nanoseconds kept)", got.Time, ev.Time)
	}
	return true
}

// searchAll pages through every result of q with the given page size.
func searchAll(t *testing.T, s store.Store, q store.EventQuery) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		p, err := s.SearchEvents(ctx(t), q)
		if err != nil {
			t.Fatalf("SearchEvents(%q): %v", q.Filter.String(), err)
		}
		if q.Limit > 0 && len(p.Events) > q.Limit {
			t.Fatalf("page of %d events, limit %d", len(p.Events), q.Limit)
		}
		for _, ev := range p.Events {
			if seen[ev.ID] {
				t.Fatalf("event %s returned twice while paging", ev.ID)
			}
			seen[ev.ID] = true
			ids = append(ids, ev.ID)
		}
		if p.Next == "" {
			return ids
		}
		if len(p.Events) == 0 {
			t.Fatal("empty page with a next cursor")
		}
		q.Cursor = p.Next
	}
}

func testSearchReference(t *testing.T, s store.Store) {
	evs := corpus(3, 300)
	insert(t, s, evs)
	r := rand.New(rand.NewPCG(3, 3))
	nonEmpty := 0
	for i := range 250 {
		gen := randomQuery(r)
		q, err := query.Parse(gen.String())
		if err != nil {
			t.Fatalf("query %d: generated %q does not parse: %v", i, gen.String(), err)
		}
		if !reflect.DeepEqual(q, gen) {
			t.Fatalf("query %d: Parse(%q) = %#v, want %#v", i, gen.String(), q, gen)
		}
		want := reference(evs, q, time.Time{}, time.Time{})
		got := searchAll(t, s, store.EventQuery{Filter: q, Limit: store.MaxLimit})
		if !slices.Equal(got, want) {
			t.Errorf("query %q: store returned %d ids, reference %d\n store: %v\n   ref: %v",
				q.String(), len(got), len(want), head(got), head(want))
			continue
		}
		n, err := s.CountEvents(ctx(t), store.EventQuery{Filter: q})
		if err != nil || n != int64(len(want)) {
			t.Errorf("CountEvents(%q) = %d, %v; want %d", q.String(), n, err, len(want))
		}
		if len(want) > 0 && len(want) < len(evs) {
			nonEmpty++
		}
	}
	// The generator must exercise the store: most queries select some
	// but not all events.
	if nonEmpty < 100 {
		t.Errorf("only %d of 250 queries were selective; improve the generator", nonEmpty)
	}
}

func head(ids []string) []string { return ids[:min(len(ids), 8)] }
