package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/finding"
	"github.com/vigil-soc/vigil/internal/store"
)

// testIncidentFilters checks the severity, assignee and entity filters of
// ListIncidents (with paging). It runs after testIncidents and only looks
// at its own "flt-" incidents' filters, which the earlier ones never match.
func testIncidentFilters(t *testing.T, s store.Store) {
	sevs := []finding.Severity{finding.SeverityLow, finding.SeverityCritical, finding.SeverityMedium}
	for i := range 12 {
		inc := store.Incident{
			ID: fmt.Sprintf("flt-%02d", i), Title: "filter", Status: "new", Severity: sevs[i%3],
			Assignee: []string{"", "dana", "erin"}[i%3],
			Created:  base, Updated: base.Add(time.Duration(i) * time.Minute),
			FindingIDs: []string{"f"},
			Entities:   []string{"user:u" + fmt.Sprint(i%4), "host:ws-" + fmt.Sprint(i%2)},
		}
		if err := s.UpsertIncident(ctx(t), inc); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		q    store.IncidentQuery
		want []string
	}{
		{store.IncidentQuery{Severity: "critical"}, []string{"flt-10", "flt-07", "flt-04", "flt-01"}},
		{store.IncidentQuery{Assignee: "erin"}, []string{"flt-11", "flt-08", "flt-05", "flt-02"}},
		{store.IncidentQuery{Entity: "user:u1"}, []string{"flt-09", "flt-05", "flt-01"}},
		{store.IncidentQuery{Entity: "user:u1", Severity: "critical"}, []string{"flt-01"}},
		{store.IncidentQuery{Entity: "host:ws-1", Assignee: "dana", Status: "new"}, []string{"flt-07", "flt-01"}},
		{store.IncidentQuery{Entity: "user:u"}, nil},
	}
	for _, c := range cases {
		var got []string
		q := c.q
		q.Limit = 2
		for range 20 {
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
		if !slices.Equal(got, c.want) {
			t.Errorf("ListIncidents(%+v) = %v, want %v", c.q, got, c.want)
		}
	}
}
