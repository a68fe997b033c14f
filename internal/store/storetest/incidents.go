package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

func testIncidents(t *testing.T, s store.Store) {
	var incs []store.Incident
	for i := range 25 {
		inc := store.Incident{
			ID:         fmt.Sprintf("inc-%02d", i),
			Title:      fmt.Sprintf("Incident %d", i),
			Status:     []string{"new", "investigating", "resolved"}[i%3],
			Severity:   finding.SeverityHigh,
			Created:    base.Add(time.Duration(i) * time.Minute),
			Updated:    base.Add(time.Duration(i%10) * time.Hour), // ties on Updated
			FindingIDs: []string{fmt.Sprintf("f-%d", i)},
			Entities:   []string{"alice"},
			Data:       fmt.Appendf(nil, `{"notes":["n%d"]}`, i),
		}
		if i%4 == 0 {
			inc.Assignee = "carol"
		}
		if err := s.UpsertIncident(ctx(t), inc); err != nil {
			t.Fatalf("UpsertIncident: %v", err)
		}
		incs = append(incs, inc)
	}
	// Replace one: new status, later update time, no entities, no data.
	incs[3].Status, incs[3].Updated, incs[3].Entities, incs[3].Data = "contained", base.Add(48*time.Hour), nil, nil
	if err := s.UpsertIncident(ctx(t), incs[3]); err != nil {
		t.Fatal(err)
	}
	for _, inc := range []store.Incident{incs[0], incs[3], incs[7]} {
		got, err := s.GetIncident(ctx(t), inc.ID)
		want := inc
		want.Created, want.Updated = want.Created.UTC(), want.Updated.UTC()
		if len(got.Data) == 0 {
			got.Data = nil
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("GetIncident(%s) = %+v, %v\nwant %+v", inc.ID, got, err, want)
		}
	}
	_, err := s.GetIncident(ctx(t), "nope")
	mustNotFound(t, "GetIncident", err)

	for _, status := range []string{"", "new", "contained", "false_positive"} {
		var want []store.Incident
		for _, inc := range incs {
			if status == "" || inc.Status == status {
				want = append(want, inc)
			}
		}
		slices.SortFunc(want, func(a, b store.Incident) int {
			if c := b.Updated.Compare(a.Updated); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		var wantIDs, got []string
		for _, inc := range want {
			wantIDs = append(wantIDs, inc.ID)
		}
		q := store.IncidentQuery{Status: status, Limit: 4}
		for range 100 {
			p, err := s.ListIncidents(ctx(t), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, inc := range p.Incidents {
				got = append(got, inc.ID)
			}
			if p.Next == "" {
				break
			}
			q.Cursor = p.Next
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("ListIncidents(status=%q) = %v, want %v", status, got, wantIDs)
		}
	}
	testIncidentFilters(t, s)
}
