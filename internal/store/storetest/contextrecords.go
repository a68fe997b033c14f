package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/vigil-soc/vigil/internal/store"
)

// testContextRecords: upsert replaces by (kind, id), kinds are separate,
// listing is by id, and an error from the callback stops the listing.
func testContextRecords(t *testing.T, s store.Store) {
	c := ctx(t)
	var recs []store.ContextRecord
	for i := range 30 {
		recs = append(recs, store.ContextRecord{Kind: "Patient", ID: fmt.Sprintf("pat-%03d", i),
			Data: []byte(fmt.Sprintf(`{"ID":"pat-%03d","Family":"F%d"}`, i, i))})
	}
	recs = append(recs, store.ContextRecord{Kind: "staff", ID: "pat-001", Data: []byte(`{"x":1}`)})
	if err := s.UpsertContextRecords(c, recs); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertContextRecords(c, []store.ContextRecord{{Kind: "Patient", ID: "pat-007", Data: []byte(`{"v":2}`)}}); err != nil {
		t.Fatal(err)
	}
	var got []store.ContextRecord
	if err := s.ListContextRecords(c, "Patient", func(r store.ContextRecord) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 30 {
		t.Fatalf("listed %d patients, want 30", len(got))
	}
	for i, r := range got {
		want := fmt.Sprintf(`{"ID":"pat-%03d","Family":"F%d"}`, i, i)
		if i == 7 {
			want = `{"v":2}`
		}
		if r.Kind != "Patient" || r.ID != fmt.Sprintf("pat-%03d", i) || string(r.Data) != want {
			t.Errorf("record %d = %s %s %s, want data %s", i, r.Kind, r.ID, r.Data, want)
		}
	}
	n := 0
	stop := errors.New("stop")
	err := s.ListContextRecords(c, "staff", func(r store.ContextRecord) error {
		n++
		if string(r.Data) != `{"x":1}` {
			t.Errorf("staff record %s", r.Data)
		}
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("callback error: %v after %d records", err, n)
	}
	if err := s.ListContextRecords(c, "nothing", func(store.ContextRecord) error { return stop }); err != nil {
		t.Fatalf("empty kind: %v", err)
	}
}
